import { Effect } from "effect"
import { pageMeta } from "../../kernel/domain/page.js"
import type { QueueQuery } from "../domain/story-queries.js"
import { WorkActions } from "../policy/work-actions.js"
import { Stories } from "../ports/stories.js"
import { queueScope } from "../rules/story-query.js"
import { tenantTransaction } from "./work-access.js"

/** The ready and blocked queues: which stories can be claimed now, and what the others wait for. */
export class WorkQueues extends Effect.Service<WorkQueues>()("@loopctl/core/WorkQueues", {
  effect: Effect.gen(function* () {
    const inTenant = yield* tenantTransaction<Stories>()

    return {
      /**
       * `GET /stories/ready`: pending stories with every prerequisite verified, by sort_key, one
       * page (100 by default, at most 500), in one project or — with none given — the tenant's.
       */
      readyQueue: (query: QueueQuery) =>
        Effect.gen(function* () {
          const { page, ...scope } = queueScope(query)
          // The store answers readiness in one query; the graph rule is its reference (contracts).
          const ready = yield* inTenant(WorkActions.readQueue)(() =>
            Effect.flatMap(Stories, (stories) => stories.readyPage(scope, page)),
          )
          return { data: ready.items, meta: pageMeta(page, ready.total_count) }
        }),

      /**
       * `GET /stories/blocked`: stories waiting for an unverified prerequisite, with their
       * blockers, by sort_key, one page, in one project or the tenant's.
       */
      blockedQueue: (query: QueueQuery) =>
        Effect.gen(function* () {
          const { page, project_id } = queueScope(query)
          // Answered by the store like ready; the graph rule is its reference (contracts).
          const blocked = yield* inTenant(WorkActions.readQueue)(() =>
            Effect.flatMap(Stories, (stories) =>
              stories.blockedPage(project_id === undefined ? {} : { project_id }, page),
            ),
          )
          return { data: blocked.items, meta: pageMeta(page, blocked.total_count) }
        }),
    }
  }),
}) {}
