import { Importer, ProjectId, WorkActions } from "@loopctl/core"
import { Effect, Schema } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import { expectStatus, record, rows } from "./answers.js"
import { actorOf, call, read } from "./identity-support.js"
import type { Answer } from "./support.js"

/** The shared readers, for the suites that import them from here. */
export { expectStatus, record, rows }

/**
 * Helpers of the project and epic tests: projects and epics made through the API, stories
 * imported through the core on the server's own layer, and readers of the answers.
 */

/** The fields of a project on the wire, sorted. */
export const projectFields = [
  "description",
  "id",
  "inserted_at",
  "metadata",
  "mission",
  "name",
  "repo_url",
  "slug",
  "status",
  "tech_stack",
  "tenant_id",
  "updated_at",
]

/** The fields of an epic on the wire, sorted. */
export const epicFields = [
  "description",
  "id",
  "inserted_at",
  "metadata",
  "number",
  "phase",
  "position",
  "project_id",
  "tenant_id",
  "title",
  "updated_at",
]

/** The keys of an object, sorted. */
export const keysOf = (value: unknown): ReadonlyArray<string> => Object.keys(record(value)).sort()

/** The object under `key` of an answer's body. */
export const field = (answer: Answer, key: string): Record<string, unknown> =>
  record(record(answer.body)[key])

/** The `details` of an error answer. */
export const detailsOf = (answer: Answer): Record<string, unknown> => record(field(answer, "error").details)

const Created = Schema.Struct({ id: Schema.String })

/** `POST /api/v1/projects`: the new project's id. */
export const newProject = (key: string, body: Readonly<Record<string, unknown>>) =>
  Effect.map(
    call("POST", "/api/v1/projects", { key, body }),
    (answer) => read(Schema.Struct({ project: Created }), expectStatus(answer, 201)).project.id,
  )

/** `POST /api/v1/projects/:id/epics`: the new epic's id. */
export const newEpic = (key: string, projectId: string, body: Readonly<Record<string, unknown>>) =>
  Effect.map(
    call("POST", `/api/v1/projects/${projectId}/epics`, { key, body }),
    (answer) => read(Schema.Struct({ epic: Created }), expectStatus(answer, 201)).epic.id,
  )

/** Imports a breakdown into a project through the core's Importer, as the key's caller. */
export const importInto = (rawKey: string, projectId: string, breakdown: unknown) =>
  Effect.gen(function* () {
    const actor = yield* actorOf(rawKey)
    return yield* (yield* Importer)
      .importProject(ProjectId.make(projectId), breakdown)
      .pipe(performAs(actor, WorkActions.importWork))
  }).pipe(Effect.orDie)

/** The tenant's audit entries of one entity type, newest first, as `GET /api/v1/audit` lists them. */
export const auditOf = (userKey: string, entity_type: string) =>
  Effect.map(
    call("GET", `/api/v1/audit?entity_type=${entity_type}&page_size=100`, { key: userKey }),
    (answer) => rows(expectStatus(answer, 200)),
  )
