import { randomUUID } from "node:crypto"
import type { HttpServer } from "@effect/platform"
import {
  Importer,
  Outbox,
  ProjectId,
  ProjectPlanning,
  Stories,
  TenantId,
  UnitOfWork,
  WorkActions,
} from "@loopctl/core"
import { Effect, Schema } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import { expectStatus, record } from "./answers.js"
import { type StaffedTenant, call, issueKey, read, registerAgent, staffedTenant } from "./identity-support.js"
import { actorOf } from "./identity-support.js"
import type { Answer } from "./support.js"

/** The shared readers, for the suites that import them from here. */
export { actorOf, expectStatus, record }

/**
 * Fixtures of the story workflow tests: a tenant whose keys play every part of the trust model,
 * a planned breakdown (made through the core on the server's own layer), stories driven into a
 * given state through the API, and what the server recorded (audit entries, outbox events).
 */

/** A tenant with the keys the trust model needs. */
export interface Team extends StaffedTenant {
  /** Implementer A: `workerKey`, agent `workerAgentId` (claims and implements). */
  readonly implementerKey: string
  readonly implementerAgentId: string
  /** Implementer B: another registered agent (reports A's work, or reviews it). */
  readonly otherKey: string
  readonly otherAgentId: string
  /** An orchestrator key linked to implementer A's agent: the self-verify case. */
  readonly selfOrchestratorKey: string
  /** An orchestrator key linked to no agent. */
  readonly unlinkedOrchestratorKey: string
  /** An agent key whose agent was never registered. */
  readonly unlinkedAgentKey: string
}

/** A fresh tenant with user, orchestrator and agent keys and three registered agents. */
export const team = (label: string) =>
  Effect.gen(function* () {
    const staffed = yield* staffedTenant(label)
    const other = yield* issueKey(staffed.userKey, { name: "worker-2", role: "agent" })
    const otherAgentId = yield* registerAgent(other.raw, "worker-2", "implementer")
    const selfOrchestrator = yield* issueKey(staffed.userKey, {
      name: "orchestrator-of-worker-1",
      role: "orchestrator",
      agent_id: staffed.workerAgentId,
    })
    const unlinkedOrchestrator = yield* issueKey(staffed.userKey, {
      name: "orchestrator-loose",
      role: "orchestrator",
    })
    const unlinkedAgent = yield* issueKey(staffed.userKey, { name: "agent-loose", role: "agent" })
    return {
      ...staffed,
      implementerKey: staffed.workerKey,
      implementerAgentId: staffed.workerAgentId,
      otherKey: other.raw,
      otherAgentId,
      selfOrchestratorKey: selfOrchestrator.raw,
      unlinkedOrchestratorKey: unlinkedOrchestrator.raw,
      unlinkedAgentKey: unlinkedAgent.raw,
    } satisfies Team
  })

/** Story ids by number, epic ids by number, and the project. */
export interface Plan {
  readonly projectId: string
  readonly story: (number: string) => string
  readonly epic: (number: number) => string
}

/** A story for {@link plan}: its number and how many acceptance criteria it has. */
export interface PlannedStory {
  readonly number: string
  readonly acs?: number
}

/** Creates a project and imports `epics` into it (as the tenant's user), through the core. */
export const plan = (
  tenant: Team,
  epics: ReadonlyArray<{ readonly number: number; readonly stories: ReadonlyArray<PlannedStory> }>,
  story_dependencies: ReadonlyArray<{ readonly story: string; readonly depends_on: string }> = [],
) =>
  Effect.gen(function* () {
    const user = yield* actorOf(tenant.userKey)
    const slug = `p-${randomUUID().slice(0, 8)}`
    const project = yield* (yield* ProjectPlanning)
      .createProject({ name: slug, slug })
      .pipe(performAs(user, WorkActions.createProject))
    yield* (yield* Importer)
      .importProject(project.id, {
        epics: epics.map((epic) => ({
          number: epic.number,
          title: `Epic ${epic.number}`,
          stories: epic.stories.map((s) => ({
            number: s.number,
            title: titleOf(s.number),
            acceptance_criteria: Array.from({ length: s.acs ?? 0 }, (_, i) => ({
              id: `AC-${i + 1}`,
              description: `criterion ${i + 1}`,
            })),
          })),
        })),
        story_dependencies,
      })
      .pipe(performAs(user, WorkActions.importWork))
    const stories = yield* Effect.flatMap(UnitOfWork, (uow) =>
      uow.transact(
        user.tenant_id,
        Effect.flatMap(Stories, (s) => s.listAllByProject(ProjectId.make(project.id))),
      ),
    )
    const story = (number: string) => {
      const found = stories.find((s) => s.number === number)
      if (found === undefined) throw new Error(`no story ${number}`)
      return found.id
    }
    const epic = (number: number) => {
      const found = stories.find((s) => s.number.startsWith(`${number}.`))
      if (found === undefined) throw new Error(`no epic ${number}`)
      return found.epic_id
    }
    return { projectId: project.id, story, epic } satisfies Plan
  }).pipe(Effect.orDie)

/** The title {@link plan} gives a story. */
export const titleOf = (number: string) => `Story ${number}`

/** `POST /api/v1/stories/:id/<action>`. */
export const act = (key: string, id: string, action: string, body?: unknown) =>
  call("POST", `/api/v1/stories/${id}/${action}`, body === undefined ? { key } : { key, body })

/** The states a story can be driven into through the API. */
export type Target =
  | "contracted"
  | "assigned"
  | "implementing"
  | "reported_done"
  | "reviewed"
  | "verified"
  | "rejected"

const order: ReadonlyArray<Target> = [
  "contracted",
  "assigned",
  "implementing",
  "reported_done",
  "reviewed",
  "verified",
]

/**
 * Drives a pending story to `target` the way the trust model wants it: the orchestrator
 * contracts, A claims and starts, B reports, the orchestrator reviews and verifies. `rejected`
 * is a reviewed story the orchestrator rejected (pending + rejected under the default auto-reset).
 * With `from`, the story is already there and only the later steps run.
 */
export const advance = (t: Team, id: string, target: Target, from?: Exclude<Target, "rejected">) =>
  Effect.gen(function* () {
    const first = from === undefined ? 0 : order.indexOf(from) + 1
    const last = target === "rejected" ? order.indexOf("reviewed") : order.indexOf(target)
    const steps: ReadonlyArray<readonly [string, string, unknown, number]> = [
      [t.orchestratorKey, "contract", {}, 200],
      [t.implementerKey, "claim", undefined, 200],
      [t.implementerKey, "start", undefined, 200],
      [t.otherKey, "report", {}, 200],
      [t.orchestratorKey, "review-complete", { review_type: "team" }, 201],
      [t.orchestratorKey, "verify", { review_type: "team", summary: "checked" }, 200],
    ]
    for (const [key, action, body, status] of steps.slice(first, last + 1)) {
      expectStatus(yield* act(key, id, action, body), status, `${action} ${id}`)
    }
    if (target === "rejected") {
      expectStatus(
        yield* act(t.orchestratorKey, id, "reject", { reason: "not good enough" }),
        200,
        `reject ${id}`,
      )
    }
  })

/** The `error` object of an envelope. */
export const errorOf = (answer: Answer) => record(record(answer.body).error)

/** The `story` of a transition answer. */
export const storyOf = (answer: Answer) => record(record(answer.body).story)

const AuditRow = Schema.Struct({
  entity_type: Schema.String,
  entity_id: Schema.String,
  action: Schema.String,
  actor_type: Schema.String,
  actor_label: Schema.NullOr(Schema.String),
  old_state: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  new_state: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
})

/** The audit entries about `entityId`, oldest first, read through `GET /api/v1/audit`. */
export const auditOf = (t: Team, entityId: string) =>
  Effect.map(call("GET", `/api/v1/audit?entity_id=${entityId}&page_size=100`, { key: t.userKey }), (answer) =>
    [
      ...read(Schema.Struct({ data: Schema.Array(AuditRow) }), expectStatus(answer, 200, "audit")).data,
    ].reverse(),
  )

/** `entity/action` of each audit entry about `entityId`, oldest first. */
export const auditActions = (t: Team, entityId: string) =>
  Effect.map(auditOf(t, entityId), (rows) => rows.map((row) => `${row.entity_type}/${row.action}`))

/** The tenant's outbox events (their payloads), oldest first, read on the server's layer. */
export const eventsOf = (t: Team) =>
  Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      TenantId.make(t.id),
      Effect.flatMap(Outbox, (outbox) => outbox.list(10_000)),
    ),
  ).pipe(Effect.map((entries) => entries.map((entry) => record(entry.event))))

/** The events about one story (or epic), by type. */
export const eventsAbout = (t: Team, id: string) =>
  Effect.map(eventsOf(t), (events) => events.filter((e) => e.story_id === id || e.epic_id === id))

/** The event types of `events`, sorted (events of one transaction share their time). */
export const typesOf = (events: ReadonlyArray<Record<string, unknown>>) =>
  events.map((e) => String(e.event)).sort()

/** A request as a table row writes it. */
export interface Request {
  readonly key: string
  readonly action: string
  readonly body?: unknown
}

/** Sends a table row's request at story `id`. */
export const send = (
  id: string,
  { key, action, body }: Request,
): Effect.Effect<Answer, never, HttpServer.HttpServer> => act(key, id, action, body)
