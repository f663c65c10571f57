import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { backends, call, envelope, read, staffedTenant } from "../support/identity-support.js"
import {
  type KeyedCallerName as CallerName,
  keyedCallers as callers,
  headersOf,
} from "../support/matrix-support.js"
import { collectLogs, realServer } from "../support/support.js"
import {
  auditEntries,
  eventsOf,
  expectStatus,
  footprint,
  newProject,
  record,
} from "../support/work-tools-support.js"

/**
 * `POST /api/v1/projects/:id/import` and `GET /api/v1/projects/:id/export` on the real server:
 * a 500-story document, all-or-nothing refusals with their 422 details, merge semantics, the
 * export → import → export round trip, the role matrix and other tenants' projects.
 */

const importPath = (project: string, query = "") => `/api/v1/projects/${project}/import${query}`
const exportPath = (project: string) => `/api/v1/projects/${project}/export`

/** The size the server accepts a body up to (workflow.md §0); an import must fit in it. */
const bodyLimit = 2_000_000

/**
 * A breakdown of `epics` epics with `perEpic` stories each (numbered `e.s`), every story after the
 * second depending on the two before it (in document order, so the graph has no cycle), and each
 * epic after the first depending on the one before.
 */
const generatedDocument = (epics: number, perEpic: number) => {
  const numbers: Array<string> = []
  const document = {
    epics: Array.from({ length: epics }, (_, e) => ({
      number: e + 1,
      title: `Epic ${e + 1}`,
      description: `Everything about area ${e + 1}`,
      phase: e < epics / 2 ? "mvp" : "later",
      metadata: { area: e + 1 },
      stories: Array.from({ length: perEpic }, (_, s) => {
        const number = `${e + 1}.${s + 1}`
        numbers.push(number)
        return {
          number,
          title: `Story ${number}`,
          description: `As a user I want feature ${number}`,
          acceptance_criteria: [
            { id: "AC-1", description: `${number} works` },
            { criterion: `${number} is tested` },
          ],
          estimated_hours: (s % 8) + 0.5,
          metadata: { points: s % 5 },
        }
      }),
    })),
    story_dependencies: numbers.flatMap((number, i) => [
      ...(i >= 1 ? [{ story: number, depends_on: numbers[i - 1] }] : []),
      ...(i >= 2 ? [{ story: number, depends_on: numbers[i - 2] }] : []),
    ]),
    epic_dependencies: Array.from({ length: epics - 1 }, (_, e) => ({ epic: e + 2, depends_on: e + 1 })),
  }
  return { document, numbers }
}

const ExportShape = Schema.Struct({
  export_metadata: Schema.Struct({
    exported_at: Schema.String,
    loopctl_version: Schema.String,
    project_id: Schema.String,
    tenant_id: Schema.String,
  }),
  project: Schema.Struct({ name: Schema.String, slug: Schema.String }),
  epics: Schema.Array(
    Schema.Struct({
      number: Schema.Number,
      title: Schema.String,
      stories: Schema.Array(
        Schema.Struct({
          number: Schema.String,
          title: Schema.String,
          acceptance_criteria: Schema.Array(Schema.Unknown),
          agent_status: Schema.String,
          verified_status: Schema.String,
        }),
      ),
    }),
  ),
  story_dependencies: Schema.Array(Schema.Struct({ story: Schema.String, depends_on: Schema.String })),
  epic_dependencies: Schema.Array(Schema.Struct({ epic: Schema.Number, depends_on: Schema.Number })),
})

const pairs = (edges: ReadonlyArray<{ readonly story: unknown; readonly depends_on: unknown }>) =>
  edges.map((edge) => `${String(edge.story)}>${String(edge.depends_on)}`).sort()

/** A small breakdown: epic 1 with 1.1–1.3 (1.2 waits for 1.1), epic 2 with 2.1. */
const small = {
  epics: [
    {
      number: 1,
      title: "Accounts",
      stories: [
        { number: "1.1", title: "Sign up", acceptance_criteria: [{ id: "AC-1", description: "form" }] },
        { number: "1.2", title: "Log in", estimated_hours: 3 },
        { number: "1.3", title: "Log out" },
      ],
    },
    { number: 2, title: "Billing", stories: [{ number: "2.1", title: "Invoices" }] },
  ],
  story_dependencies: [{ story: "1.2", depends_on: "1.1" }],
  epic_dependencies: [{ epic: 2, depends_on: 1 }],
}

const needsHeader = envelope(403, "Superadmin must use X-Impersonate-Tenant header")
const importRoles = envelope(403, "This endpoint requires the orchestrator or user or superadmin role")

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 180_000, excludeTestServices: true })(`import and export on ${name}`, (it) => {
    describe("a large document", () => {
      it.effect(
        "500 stories with 997 story and 9 epic dependencies import in one request and read back",
        () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("import-big")
            const project = yield* newProject(tenant.userKey)
            const { document, numbers } = generatedDocument(10, 50)
            expect(numbers.length).toBe(500)
            expect(document.story_dependencies.length).toBe(997)
            // It fits under the server's body limit with room to spare, so the limit stays as specified.
            expect(Buffer.byteLength(JSON.stringify(document))).toBeLessThan(bodyLimit / 4)

            const answer = yield* call("POST", importPath(project), { key: tenant.userKey, body: document })
            expect(answer.status).toBe(201)
            expect(answer.body).toEqual({
              import: { epics_created: 10, stories_created: 500, dependencies_created: 1006 },
            })
            expect(yield* footprint(tenant.id, project)).toMatchObject({
              epics: 10,
              stories: 500,
              story_dependencies: 997,
              epic_dependencies: 9,
            })

            const exported = read(
              ExportShape,
              expectStatus(yield* call("GET", exportPath(project), { key: tenant.workerKey }), 200, "export"),
            )
            expect(exported.export_metadata.project_id).toBe(project)
            expect(exported.export_metadata.tenant_id).toBe(tenant.id)
            expect(exported.epics.map((epic) => epic.number)).toEqual(
              document.epics.map((epic) => epic.number),
            )
            expect(exported.epics.flatMap((epic) => epic.stories.map((story) => story.number))).toEqual(
              numbers,
            )
            expect(pairs(exported.story_dependencies)).toEqual(pairs(document.story_dependencies))
            expect(exported.epic_dependencies).toEqual(document.epic_dependencies)
            const first = exported.epics[0]?.stories[0]
            expect(first).toMatchObject({
              number: "1.1",
              agent_status: "pending",
              verified_status: "unverified",
            })
            // A criterion's description is stored as `criterion`; other keys stay.
            expect(first?.acceptance_criteria).toEqual([
              { id: "AC-1", criterion: "1.1 works" },
              { criterion: "1.1 is tested" },
            ])

            const audit = yield* auditEntries(tenant.id, "project", "imported")
            expect(audit.map((entry) => [entry.entity_id, entry.new_state])).toEqual([
              [
                project,
                {
                  epics_created: 10,
                  stories_created: 500,
                  dependencies_created: 1006,
                  stories_imported_verified: 0,
                },
              ],
            ])
            const events = (yield* eventsOf(tenant.id)).filter((event) => event.event === "project.imported")
            expect(events).toEqual([
              { event: "project.imported", project_id: project, epic_count: 10, story_count: 500 },
            ])
          }),
      )

      it.effect("a cycle anywhere in it writes nothing at all", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-big-cycle")
          const project = yield* newProject(tenant.userKey)
          const { document } = generatedDocument(10, 50)
          // 1.1 waiting for the last story closes a cycle through the whole chain.
          const cyclic = {
            ...document,
            story_dependencies: [...document.story_dependencies, { story: "1.1", depends_on: "10.50" }],
          }
          const before = yield* footprint(tenant.id, project)
          const answer = yield* call("POST", importPath(project), { key: tenant.userKey, body: cyclic })
          expect(answer.status).toBe(422)
          const error = record(record(answer.body).error)
          expect(String(error.message)).toMatch(/^Cycle detected: (\d+\.\d+ -> )+\d+\.\d+$/)
          expect(String(error.message)).toContain("1.1 -> 10.50")
          expect(yield* footprint(tenant.id, project)).toEqual(before)
        }),
      )
    })

    describe("refusals write nothing", () => {
      it.effect("a dependency cycle is a 422 naming the cycle, and nothing is written", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-cycle")
          const project = yield* newProject(tenant.userKey)
          const before = yield* footprint(tenant.id, project)
          const answer = yield* call("POST", importPath(project), {
            key: tenant.orchestratorKey,
            body: {
              ...small,
              story_dependencies: [
                { story: "1.1", depends_on: "1.2" },
                { story: "1.2", depends_on: "1.3" },
                { story: "1.3", depends_on: "1.1" },
              ],
            },
          })
          expect(answer.status).toBe(422)
          expect(answer.body).toEqual({
            error: {
              status: 422,
              message: "Cycle detected: 1.1 -> 1.2 -> 1.3 -> 1.1",
              details: { "story_dependencies[0]": ["closes the cycle 1.1 -> 1.2 -> 1.3 -> 1.1"] },
            },
          })
          expect(yield* footprint(tenant.id, project)).toEqual(before)
        }),
      )

      const invalid: ReadonlyArray<{
        readonly what: string
        readonly body: unknown
        readonly message: string
        readonly details: Record<string, ReadonlyArray<string>>
      }> = [
        {
          what: "epics that are not a list",
          body: { epics: { number: 1 } },
          message: "epics must be an array",
          details: { epics: ["must be an array"] },
        },
        {
          what: "a body that is not an object",
          body: [small],
          message: "epics must be an array",
          details: { epics: ["must be an array"] },
        },
        {
          what: "an epic without a title",
          body: { epics: [small.epics[0], { number: 2, title: "" }] },
          message: "epics[1].title: can't be blank",
          details: { "epics[1].title": ["can't be blank"] },
        },
        {
          what: "an epic number that is not a positive integer",
          body: { epics: [{ number: "one", title: "First" }] },
          message: 'epics[0].number: must be a positive integer (got "one")',
          details: { "epics[0].number": ['must be a positive integer (got "one")'] },
        },
        {
          what: "a story without a number",
          body: { epics: [{ number: 1, title: "First", stories: [{ title: "No number" }] }] },
          message: "epics[0].stories[0].number: is required",
          details: { "epics[0].stories[0].number": ["is required"] },
        },
        {
          what: "a story number with a prefix",
          body: {
            epics: [{ number: 1, title: "First", stories: [{ number: "US-1.1", title: "Prefixed" }] }],
          },
          message: "epics[0].stories[0].number: must be in format 'major.minor' or 'major'",
          details: { "epics[0].stories[0].number": ["must be in format 'major.minor' or 'major'"] },
        },
        {
          what: "acceptance criteria that are not objects",
          body: {
            epics: [
              {
                number: 1,
                title: "First",
                stories: [{ number: "1.1", title: "T", acceptance_criteria: ["x"] }],
              },
            ],
          },
          message:
            "epics[0].stories[0].acceptance_criteria must be an array of objects with 'id' and 'description' keys, " +
            'e.g. [{"id": "AC-1", "description": "Feature works"}]',
          details: {
            "epics[0].stories[0].acceptance_criteria": [
              "must be an array of objects with 'id' and 'description' keys, " +
                'e.g. [{"id": "AC-1", "description": "Feature works"}]',
            ],
          },
        },
        {
          what: "a story number given twice",
          body: {
            epics: [
              { number: 1, title: "First", stories: [{ number: "1.1", title: "A" }] },
              { number: 2, title: "Second", stories: [{ number: "1.1", title: "B" }] },
            ],
          },
          message: "Duplicate story number: 1.1",
          details: { "epics[1].stories[0].number": ["is a duplicate of epics[0].stories[0].number"] },
        },
        {
          what: "a title with a NUL character",
          body: { epics: [{ number: 1, title: "First", stories: [{ number: "1.1", title: "a\u0000b" }] }] },
          // Refused where bodies enter (D25), before the import's own checks.
          message: "Validation failed",
          details: {
            "epics[0].stories[0].title": ["must not contain NUL characters or unpaired UTF-16 surrogates"],
          },
        },
        {
          what: "metadata holding an unpaired surrogate",
          body: { epics: [{ number: 1, title: "First", metadata: { note: ["fine", "\ud800"] } }] },
          // Refused where bodies enter (D25), before the import's own checks.
          message: "Validation failed",
          details: {
            "epics[0].metadata.note[1]": ["must not contain NUL characters or unpaired UTF-16 surrogates"],
          },
        },
        {
          what: "a dependency on a story not in the document",
          body: { ...small, story_dependencies: [{ story: "1.2", depends_on: "9.9" }] },
          message: "Unresolved dependency reference: story '9.9' not found in import",
          details: { "story_dependencies[0].depends_on": ["story '9.9' not found in import"] },
        },
        {
          what: "a dependency pair given twice",
          body: {
            ...small,
            story_dependencies: [
              { story: "1.2", depends_on: "1.1" },
              { story_number: "1.2", depends_on_story: "1.1" },
            ],
          },
          message: "Duplicate story dependency: 1.2 -> 1.1",
          details: { "story_dependencies[1]": ["is a duplicate of story_dependencies[0]"] },
        },
        {
          what: "an epic dependency cycle",
          body: {
            ...small,
            epic_dependencies: [
              { epic: 2, depends_on: 1 },
              { epic: 1, depends_on: 2 },
            ],
          },
          message: "Cycle detected: 2 -> 1 -> 2",
          details: { "epic_dependencies[0]": ["closes the cycle 2 -> 1 -> 2"] },
        },
      ]
      for (const { what, body, message, details } of invalid) {
        it.effect(`${what} → 422 with details`, () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("import-invalid")
            const project = yield* newProject(tenant.userKey)
            const before = yield* footprint(tenant.id, project)
            const answer = yield* call("POST", importPath(project), { key: tenant.userKey, body })
            expect(answer.body).toEqual({ error: { status: 422, message, details } })
            expect(answer.status).toBe(422)
            expect(yield* footprint(tenant.id, project)).toEqual(before)
          }),
        )
      }

      it.effect("a fresh import of numbers the project has is a 409 listing them", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-conflict")
          const project = yield* newProject(tenant.userKey)
          expectStatus(
            yield* call("POST", importPath(project), { key: tenant.userKey, body: small }),
            201,
            "first",
          )
          const before = yield* footprint(tenant.id, project)
          const again = {
            epics: [
              { number: 1, title: "Accounts", stories: [{ number: "1.1", title: "Again" }] },
              { number: 3, title: "New", stories: [{ number: "3.1", title: "New" }] },
            ],
          }
          const answer = yield* call("POST", importPath(project), { key: tenant.userKey, body: again })
          expect(answer.status).toBe(409)
          expect(answer.body).toEqual({
            error: {
              status: 409,
              message: "Import conflicts with existing data. Use merge=true to update.",
              details: { duplicate_epic_numbers: [1], duplicate_story_numbers: ["1.1"] },
            },
          })
          expect(yield* footprint(tenant.id, project)).toEqual(before)
        }),
      )
    })

    describe("merge", () => {
      it.effect("creates new numbers, updates existing ones, lists orphans and keeps statuses", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-merge")
          const project = yield* newProject(tenant.userKey)
          expectStatus(
            yield* call("POST", importPath(project), {
              key: tenant.userKey,
              body: {
                ...small,
                epics: [
                  {
                    ...small.epics[0],
                    stories: [
                      { number: "1.1", title: "Sign up", initial_agent_status: "reported_done" },
                      {
                        number: "1.2",
                        title: "Log in",
                        estimated_hours: 3,
                        acceptance_criteria: [{ criterion: "x" }],
                      },
                      { number: "1.3", title: "Log out" },
                    ],
                  },
                  small.epics[1],
                ],
              },
            }),
            201,
            "the first import",
          )
          const merged = yield* call("POST", importPath(project, "?merge=true"), {
            key: tenant.orchestratorKey,
            body: {
              epics: [
                {
                  number: "1",
                  title: "Accounts and sessions",
                  stories: [
                    { number: "1.1", title: "Sign up with email" },
                    { number: "1.2", title: "Log in" },
                    { number: "1.4", title: "Reset password", initial_verified_status: "verified" },
                  ],
                },
              ],
              story_dependencies: [
                { story: "1.2", depends_on: "1.1" },
                { story: "1.4", depends_on: "1.2" },
              ],
            },
          })
          expect(merged.status).toBe(200)
          expect(merged.body).toEqual({
            import: {
              epics_created: 0,
              epics_updated: 1,
              stories_created: 1,
              stories_updated: 2,
              stories_orphaned: [
                { number: "1.3", title: "Log out" },
                { number: "2.1", title: "Invoices" },
              ],
              dependencies_created: 1,
              dependencies_existing: 1,
            },
          })
          const exported = read(
            ExportShape,
            expectStatus(yield* call("GET", exportPath(project), { key: tenant.userKey }), 200, "export"),
          )
          const stories = Object.fromEntries(
            exported.epics.flatMap((epic) => epic.stories.map((story) => [story.number, story])),
          )
          expect(exported.epics.map((epic) => epic.title)).toEqual(["Accounts and sessions", "Billing"])
          // Updated fields change; statuses never do, and a merge ignores initial statuses.
          expect(stories["1.1"]).toMatchObject({ title: "Sign up with email", agent_status: "reported_done" })
          // Keys the merge did not send are kept.
          expect(stories["1.2"]).toMatchObject({ acceptance_criteria: [{ criterion: "x" }] })
          expect(stories["1.4"]).toMatchObject({ agent_status: "pending", verified_status: "unverified" })
          expect(Object.keys(stories).sort()).toEqual(["1.1", "1.2", "1.3", "1.4", "2.1"])
          expect(pairs(exported.story_dependencies)).toEqual(["1.2>1.1", "1.4>1.2"])

          const audit = yield* auditEntries(tenant.id, "project", "merge_imported")
          expect(audit.map((entry) => entry.new_state)).toEqual([{ stories_created: 1, stories_updated: 2 }])
          const events = (yield* eventsOf(tenant.id)).filter((event) => event.event === "project.imported")
          expect(events).toEqual([
            { event: "project.imported", project_id: project, epic_count: 2, story_count: 4 },
            {
              event: "project.imported",
              project_id: project,
              merge: true,
              epics_created: 0,
              stories_created: 1,
              stories_updated: 2,
            },
          ])
        }),
      )

      it.effect('`"merge": true` in the body merges too', () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-merge-body")
          const project = yield* newProject(tenant.userKey)
          expectStatus(
            yield* call("POST", importPath(project), { key: tenant.userKey, body: small }),
            201,
            "first",
          )
          const answer = yield* call("POST", importPath(project), {
            key: tenant.userKey,
            body: { merge: true, epics: [{ number: 1, title: "Renamed", stories: [] }] },
          })
          expect(answer.status).toBe(200)
          expect(record(record(answer.body).import)).toMatchObject({ epics_updated: 1, stories_created: 0 })
        }),
      )

      it.effect("a merge whose edges close a cycle with stored ones is refused whole", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-merge-cycle")
          const project = yield* newProject(tenant.userKey)
          expectStatus(
            yield* call("POST", importPath(project), { key: tenant.userKey, body: small }),
            201,
            "first",
          )
          const before = yield* footprint(tenant.id, project)
          const exportBefore = read(
            ExportShape,
            yield* call("GET", exportPath(project), { key: tenant.userKey }),
          )
          const answer = yield* call("POST", importPath(project, "?merge=true"), {
            key: tenant.userKey,
            body: {
              epics: [{ number: 1, title: "Renamed", stories: [{ number: "1.1", title: "Renamed too" }] }],
              story_dependencies: [{ story: "1.1", depends_on: "1.2" }],
            },
          })
          expect(answer.status).toBe(422)
          expect(record(record(answer.body).error).message).toBe("Cycle detected: 1.2 -> 1.1 -> 1.2")
          expect(yield* footprint(tenant.id, project)).toEqual(before)
          const exportAfter = read(
            ExportShape,
            yield* call("GET", exportPath(project), { key: tenant.userKey }),
          )
          expect(exportAfter.epics).toEqual(exportBefore.epics)
        }),
      )
    })

    describe("round trip", () => {
      it.effect("export → import into a new project → export gives the same document", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-round-trip")
          const source = yield* newProject(tenant.userKey)
          const { document } = generatedDocument(3, 6)
          const withStatuses = {
            ...document,
            epics: document.epics.map((epic, e) => ({
              ...epic,
              stories: epic.stories.map((story, s) => ({
                ...story,
                ...(s === 0 && e === 0 ? { initial_verified_status: "pass" } : {}),
                ...(s === 1 && e === 0 ? { initial_agent_status: "reported_done" } : {}),
              })),
            })),
          }
          expectStatus(
            yield* call("POST", importPath(source), { key: tenant.userKey, body: withStatuses }),
            201,
            "the source import",
          )
          const first = expectStatus(
            yield* call("GET", exportPath(source), { key: tenant.userKey }),
            200,
            "export",
          )
          const copy = yield* newProject(tenant.userKey)
          const imported = yield* call("POST", importPath(copy), { key: tenant.userKey, body: first.body })
          expect(imported.body).toEqual({
            import: { epics_created: 3, stories_created: 18, dependencies_created: 33 + 2 },
          })
          const second = expectStatus(
            yield* call("GET", exportPath(copy), { key: tenant.userKey }),
            200,
            "export",
          )
          // What differs is only where and when: the project, and the times of each import.
          const comparable = (body: unknown) => {
            const { export_metadata: _meta, project, ...rest } = record(body)
            return JSON.parse(
              JSON.stringify(
                { ...rest, project: { ...record(project), name: null, slug: null } },
                (key, value) => (key.endsWith("_at") && value !== null ? "set" : value),
              ),
            )
          }
          expect(comparable(second.body)).toEqual(comparable(first.body))
          const stories = read(ExportShape, second).epics[0]?.stories
          expect(stories?.slice(0, 3).map((s) => [s.number, s.agent_status, s.verified_status])).toEqual([
            ["1.1", "reported_done", "verified"],
            ["1.2", "reported_done", "unverified"],
            ["1.3", "pending", "unverified"],
          ])
        }),
      )

      it.effect("an empty project exports empty lists", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("export-empty")
          const project = yield* newProject(tenant.userKey)
          const answer = yield* call("GET", exportPath(project), { key: tenant.workerKey })
          expect(answer.status).toBe(200)
          expect(record(answer.body)).toMatchObject({
            epics: [],
            story_dependencies: [],
            epic_dependencies: [],
          })
        }),
      )
    })

    describe("access", () => {
      it.effect("import: orchestrator, user and superadmin (impersonating); export: every role", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("import-roles")
          const project = yield* newProject(tenant.userKey)
          const importExpect: Record<CallerName, number | ReturnType<typeof envelope>> = {
            superadmin: needsHeader,
            impersonating: 201,
            impersonatingAsAgent: importRoles,
            user: 201,
            orchestrator: 201,
            agent: importRoles,
          }
          const exportExpect: Record<CallerName, number | ReturnType<typeof envelope>> = {
            superadmin: needsHeader,
            impersonating: 200,
            impersonatingAsAgent: 200,
            user: 200,
            orchestrator: 200,
            agent: 200,
          }
          const unauthorized = envelope(401, "Unauthorized")
          for (const [method, path, expected] of [
            ["POST", importPath(project), importExpect],
            ["GET", exportPath(project), exportExpect],
          ] as const) {
            const none = yield* call(method, path, {
              headers: headersOf("none", tenant),
              ...(method === "POST" ? { body: {} } : {}),
            })
            expect({ method, who: "none", status: none.status, body: none.body }).toEqual({
              method,
              who: "none",
              status: 401,
              body: unauthorized,
            })
            for (const who of callers) {
              const answer = yield* call(method, path, {
                headers: headersOf(who, tenant),
                ...(method === "POST" ? { body: {} } : {}),
              })
              const outcome = expected[who]
              if (typeof outcome === "number")
                expect({ method, who, status: answer.status }).toEqual({ method, who, status: outcome })
              else expect({ method, who, body: answer.body }).toEqual({ method, who, body: outcome })
            }
          }
          // Three empty imports went through: each was audited.
          expect((yield* auditEntries(tenant.id, "project", "imported")).length).toBe(3)
        }),
      )

      it.effect("another tenant's project is 404, exactly like an unknown or malformed id", () =>
        Effect.gen(function* () {
          const owner = yield* staffedTenant("import-owner")
          const intruder = yield* staffedTenant("import-intruder")
          const project = yield* newProject(owner.userKey)
          expectStatus(
            yield* call("POST", importPath(project), { key: owner.userKey, body: small }),
            201,
            "owner",
          )
          const before = yield* footprint(owner.id, project)
          const notFound = envelope(404, "Project not found")
          for (const key of [intruder.userKey, intruder.orchestratorKey]) {
            const imported = yield* call("POST", importPath(project), { key, body: small })
            expect(imported.body).toEqual(notFound)
            expect(imported.status).toBe(404)
          }
          const exported = yield* call("GET", exportPath(project), { key: intruder.workerKey })
          expect(exported.status).toBe(404)
          expect(exported.body).toEqual(notFound)
          const unknown = yield* call("GET", exportPath(randomUUID()), { key: intruder.workerKey })
          expect(unknown.body).toEqual(notFound)
          const malformed = yield* call("POST", importPath("not-a-uuid"), {
            key: intruder.userKey,
            body: small,
          })
          expect(malformed.status).toBe(404)
          expect(yield* footprint(owner.id, project)).toEqual(before)
        }),
      )
    })
  })
}
