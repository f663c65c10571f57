import { randomUUID } from "node:crypto"
import {
  BulkCompletionRequest,
  type Caller,
  type Policy,
  StoryActions,
  Verification,
  actingAs,
  decodeRequest,
  policyUse,
} from "@loopctl/core"
import { Effect, Either, Schema } from "effect"
import { expectStatus, record, rows } from "./answers.js"
import { type StaffedTenant, call, read } from "./identity-support.js"
import { actorOf } from "./identity-support.js"
import type { Answer } from "./support.js"

/** Runs a use case as `caller` under the policy of its action, as the HTTP edge does. */
const performAs =
  <Action extends string, E>(caller: Caller, p: Policy<Action, E>) =>
  <A, E2, R>(effect: Effect.Effect<A, E2, R>) =>
    effect.pipe(policyUse(p), actingAs(caller))

/** The shared readers, for the suites that import them from here. */
export { actorOf, expectStatus, record, rows }

/**
 * Helpers of the story and dependency suites: a project with epics made through the API, stories
 * created through the API, statuses moved through the core's Verification on the server's own
 * layer, and readers of the answers.
 */

const Created = Schema.Struct({ id: Schema.String })

/** `POST /api/v1/projects` as the tenant's user: the new project's id. */
export const newProject = (tenant: StaffedTenant, extra: Readonly<Record<string, unknown>> = {}) =>
  Effect.gen(function* () {
    const slug = `p-${randomUUID().slice(0, 8)}`
    const answer = yield* call("POST", "/api/v1/projects", {
      key: tenant.userKey,
      body: { name: slug, slug, ...extra },
    })
    return read(Schema.Struct({ project: Created }), expectStatus(answer, 201, "creating a project")).project
      .id
  })

/** `POST /api/v1/projects/:id/epics` as the orchestrator: the new epic's id. */
export const newEpic = (tenant: StaffedTenant, project: string, number: number) =>
  Effect.gen(function* () {
    const answer = yield* call("POST", `/api/v1/projects/${project}/epics`, {
      key: tenant.orchestratorKey,
      body: { number, title: `Epic ${number}` },
    })
    return read(Schema.Struct({ epic: Created }), expectStatus(answer, 201, `creating epic ${number}`)).epic
      .id
  })

/** `POST /api/v1/epics/:id/stories` as the orchestrator: the new story's id. */
export const newStory = (
  tenant: StaffedTenant,
  epic: string,
  number: string,
  extra: Readonly<Record<string, unknown>> = {},
) =>
  Effect.gen(function* () {
    const answer = yield* call("POST", `/api/v1/epics/${epic}/stories`, {
      key: tenant.orchestratorKey,
      body: { number, title: `Story ${number}`, ...extra },
    })
    return read(Schema.Struct({ story: Created }), expectStatus(answer, 201, `creating story ${number}`))
      .story.id
  })

/**
 * Records stories as verified the way an orchestrator marks pre-existing work complete, through
 * the core's Verification on the server's layer.
 */
export const markVerified = (tenant: StaffedTenant, ...stories: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const orchestrator = yield* actorOf(tenant.orchestratorKey)
    const batch = decodeRequest(BulkCompletionRequest)({ stories: stories.map((story_id) => ({ story_id })) })
    if (Either.isLeft(batch)) throw new Error("invalid test batch")
    const verification = yield* Verification
    const done = yield* performAs(
      orchestrator,
      StoryActions.markComplete,
    )(verification.markComplete(batch.right.stories))
    if (done.results.some((result) => result.status !== "success"))
      throw new Error(`mark-complete: ${JSON.stringify(done.results)}`)
  }).pipe(Effect.orDie)

/** The `meta` of a list answer. */
export const metaOf = (answer: Answer) => record(record(answer.body).meta)

/** The sorted keys of an object. */
export const keys = (value: unknown) => Object.keys(record(value)).sort()

/** Audit entries of the tenant about one kind of entity, oldest first, as `action` labels. */
export const auditActions = (tenant: StaffedTenant, entityType: string) =>
  Effect.map(
    call("GET", `/api/v1/audit?entity_type=${entityType}&page_size=100`, { key: tenant.userKey }),
    (answer) =>
      rows(expectStatus(answer, 200, "reading the audit"))
        .map((row) => String(row.action))
        .reverse(),
  )

/** The wire fields of a story, sorted. */
export const storyFields = [
  "acceptance_criteria",
  "agent_status",
  "assigned_agent_id",
  "assigned_at",
  "claimed_by_agent_ids",
  "description",
  "epic_id",
  "estimated_hours",
  "id",
  "inserted_at",
  "metadata",
  "number",
  "project_id",
  "rejected_at",
  "rejection_reason",
  "reported_by_agent_id",
  "reported_done_at",
  "sort_key",
  "tenant_id",
  "title",
  "updated_at",
  "verified_at",
  "verified_status",
]

/** A uuid no row has. */
export const unknownId = "00000000-0000-4000-8000-0000000000ff"
