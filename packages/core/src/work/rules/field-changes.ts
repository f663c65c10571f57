import type { JsonObject } from "../../kernel/domain/json.js"

/** What a PATCH really changed: the names of the fields whose value differs, before and after. */
export interface FieldDiff {
  readonly changed: ReadonlyArray<string>
  readonly old_state: JsonObject
  readonly new_state: JsonObject
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * Compares the fields a PATCH named with their stored values. Only the fields that differ go
 * into the audit entry, so a PATCH that repeats the stored values records nothing.
 */
export const diffFields = <A extends object, K extends keyof A & string>(
  current: A,
  changes: Partial<Pick<A, K>>,
  keys: ReadonlyArray<K>,
): FieldDiff => {
  const changed: Array<string> = []
  const old_state: Record<string, unknown> = {}
  const new_state: Record<string, unknown> = {}
  for (const key of keys) {
    if (!(key in changes)) continue
    const next = changes[key]
    if (sameJson(current[key], next)) continue
    changed.push(key)
    old_state[key] = current[key]
    new_state[key] = next
  }
  return { changed, old_state, new_state }
}
