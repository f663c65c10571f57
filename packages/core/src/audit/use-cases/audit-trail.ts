import { Effect, Option } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import { Tenants } from "../../identity/ports/tenants.js"
import { NotFound } from "../../kernel/domain/errors.js"
import type { StoryId } from "../../kernel/domain/ids.js"
import { policyRequire } from "../../kernel/policy/policy.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { Stories } from "../../work/ports/stories.js"
import type { AuditQuery, ChangesQuery, HistoryQuery, PlatformAuditQuery } from "../domain/audit-queries.js"
import { AuditActions } from "../policy/audit-actions.js"
import { AuditLog } from "../ports/audit-log.js"
import {
  auditListOf,
  changesOf,
  historyPage,
  matchesNothing,
  nextSince,
  platformAuditListOf,
} from "../rules/audit-query.js"
import { changeScopeOf, visibleEntry } from "../rules/change-visibility.js"
import {
  type AuditPage,
  type AuditRow,
  type ChangeFeed,
  type HistoryRow,
  type PlatformAuditRow,
  auditPage,
  auditRow,
  changeRow,
  historyRow,
} from "./audit-results.js"

/**
 * Reading the audit trail of the caller's tenant (platform.md §9): the filtered list (user and
 * up), the change feed a client polls with a cursor, and one story's history (any role). Each is
 * a tenant-scoped read: a superadmin reaches it only by impersonating a tenant (D21). Who may
 * read what is each call's policy ({@link AuditActions}), whose grant it requires. Nothing here
 * writes; the trail is written by the use cases that change things.
 */
export class AuditTrail extends Effect.Service<AuditTrail>()("@loopctl/core/AuditTrail", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<UnitOfWork | AuditLog | Stories | Tenants>()
    const uow = yield* UnitOfWork
    const log = yield* AuditLog
    const stories = yield* Stories
    const tenants = yield* Tenants

    /** The read in one unit of work of the actor's tenant. */
    const read = <A, E, R>(actor: Actor, work: Effect.Effect<A, E, R>) =>
      uow.transact(actor.tenant_id, work).pipe(Effect.provide(ports))

    return {
      /**
       * GET /audit (min user): entries newest first, filtered by entity, action, actor, project
       * and an inclusive time range, paged (20 by default, at most 100). A user is shown no
       * checkpoint's `state_data`, as it is refused the checkpoint itself (D24). The query is read
       * once the caller may list: a refused role is a 403 whatever the query holds.
       */
      list: <E>(query: Effect.Effect<AuditQuery, E>) =>
        policyRequire(AuditActions.list)((actor) =>
          Effect.gen(function* () {
            const { filter, page } = auditListOf(yield* query)
            const found = matchesNothing(filter)
              ? { items: [], total_count: 0 }
              : yield* read(actor, log.list(filter, page))
            return auditPage(
              found.items.map((entry) => auditRow(visibleEntry(entry, actor.role))),
              page,
              found.total_count,
            ) satisfies AuditPage<AuditRow>
          }),
        ),

      /**
       * GET /admin/audit (superadmin): every tenant's entries and the platform's own, newest
       * first, with the same filters as GET /audit (no project) plus `tenant_id`; each row names
       * its tenant. One platform transaction; each distinct tenant of the page is read once.
       */
      listPlatform: <E>(query: Effect.Effect<PlatformAuditQuery, E>) =>
        policyRequire(AuditActions.listPlatform)(() =>
          Effect.gen(function* () {
            const { filter, page } = platformAuditListOf(yield* query)
            return yield* uow.transactPlatform(
              Effect.gen(function* () {
                const found = matchesNothing(filter)
                  ? { items: [], total_count: 0 }
                  : yield* log.list(filter, page)
                const tenantIds = new Set(
                  found.items.flatMap((e) => (e.tenant_id === null ? [] : [e.tenant_id])),
                )
                const named = new Map(
                  (yield* Effect.forEach(tenantIds, (id) => tenants.findById(id))).flatMap((t) =>
                    Option.isSome(t) ? [[t.value.id, t.value] as const] : [],
                  ),
                )
                const rows = found.items.map((e): PlatformAuditRow => {
                  const tenant = e.tenant_id === null ? undefined : named.get(e.tenant_id)
                  return {
                    ...auditRow(e),
                    tenant_id: e.tenant_id,
                    tenant_name: tenant?.name ?? null,
                    tenant_slug: tenant?.slug ?? null,
                  }
                })
                return auditPage(rows, page, found.total_count) satisfies AuditPage<PlatformAuditRow>
              }),
            )
          }),
        ),

      /**
       * GET /changes (any role): the entries after `since`, oldest first, about `limit` (at most
       * 1000) per batch; a batch never splits the entries of one instant, so following
       * `next_since` loses none. `since` is checked by the contract, before the caller's tenant
       * or role. An agent key sees the work's entries only, and only checkpoint readers see
       * `state_data` (D24).
       */
      changes: (query: ChangesQuery) =>
        policyRequire(AuditActions.changes)((actor) =>
          Effect.gen(function* () {
            const { since, limit, filter } = changesOf(query)
            // D24: the role's scope is part of the query, so limit and has_more count what it may see.
            const scope = changeScopeOf(actor.role)
            const visible = scope === "all" ? filter : { ...filter, entity_types: scope }
            const batch = matchesNothing(filter)
              ? { entries: [], has_more: false }
              : yield* read(actor, log.changes(since, visible, limit))
            return {
              data: batch.entries.map((entry) => changeRow(visibleEntry(entry, actor.role))),
              has_more: batch.has_more,
              next_since: nextSince(batch.entries, batch.has_more),
            } satisfies ChangeFeed
          }),
        ),

      /**
       * GET /stories/:id/history (any role): the story's entries and its token usage reports,
       * oldest first (100 per page). It is 404 only when the story does not exist and no entry
       * of any kind names its id, so a deleted story keeps a readable history.
       */
      storyHistory: <E>(story: StoryId, query: Effect.Effect<HistoryQuery, E>) =>
        policyRequire(AuditActions.storyHistory)((actor) =>
          Effect.gen(function* () {
            const page = historyPage(yield* query)
            const found = yield* read(
              actor,
              Effect.gen(function* () {
                const history = yield* log.storyHistory(story, page)
                if (history.total_count > 0) return history
                const known = Option.isSome(yield* stories.findById(story)) || (yield* log.mentions(story))
                return known ? history : yield* Effect.fail(NotFound.of("Story"))
              }),
            )
            return auditPage(
              found.items.map(historyRow),
              page,
              found.total_count,
            ) satisfies AuditPage<HistoryRow>
          }),
        ),
    }
  }),
}) {}
