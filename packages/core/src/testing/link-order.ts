/**
 * The order the Stories port promises for blockers: link order, by the edge's `inserted_at` then
 * its id, compared code unit by code unit as Postgres's C collation of uuids and ISO timestamps
 * does. The memory adapter sorts by it and the contract suite checks every adapter against it.
 */
export const byLinkOrder = <A extends { readonly inserted_at: string; readonly id: string }>(a: A, b: A) =>
  a.inserted_at < b.inserted_at
    ? -1
    : a.inserted_at > b.inserted_at
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0
