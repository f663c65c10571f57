import { randomUUID } from "node:crypto"
import { HttpApi } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, layer } from "@effect/vitest"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { Access, Rules, WorkBreakdown } from "@loopctl/core"
import { LoopctlApi } from "@loopctl/http/api"
import { Effect, FastCheck, Layer, Option, type SchemaAST } from "effect"
import { routeRules } from "../src/api/routes.js"
import { backends, call, issueKey, provisionTenant, staffedTenant } from "./identity-support.js"
import { type Answer, collectLogs, realServer, rootKey, send } from "./support.js"

/**
 * Every endpoint of the API, read from its definition, gets malformed input: bodies that are not
 * JSON, JSON of the wrong shape, the endpoint's own fields with values of every wrong type,
 * generated objects, deep nesting, oversized text, and garbage query parameters. Each request is
 * made with a key of the role the endpoint accepts, on ids that exist, so the input reaches the
 * handler. Whatever the answer, it is never a 5xx, an error is always the envelope, and an
 * answer that is not a success leaves the database exactly as it was (no partial write).
 */

/** The property names a request schema declares (through refinements, transformations, unions). */
const fieldNames = (ast: SchemaAST.AST): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.flatMap((p) => (typeof p.name === "string" ? [p.name] : []))
    case "Refinement":
      return fieldNames(ast.from)
    case "Transformation":
      return [...new Set([...fieldNames(ast.from), ...fieldNames(ast.to)])]
    case "Union":
      return [...new Set(ast.types.flatMap(fieldNames))]
    default:
      return []
  }
}

interface Target {
  readonly method: string
  readonly path: string
  readonly access: ReturnType<typeof routeRules>[number]["access"]
  readonly bodyFields: ReadonlyArray<string>
  readonly queryFields: ReadonlyArray<string>
}

/** Every endpoint with its access rule and the fields of its body and query. */
const targets = (): ReadonlyArray<Target> => {
  const fields = new Map<string, { body: ReadonlyArray<string>; query: ReadonlyArray<string> }>()
  HttpApi.reflect(LoopctlApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => {
      const names = (schema: Option.Option<{ readonly ast: SchemaAST.AST }>) =>
        Option.match(schema, { onNone: () => [], onSome: (s) => fieldNames(s.ast) })
      fields.set(`${endpoint.method} ${endpoint.path}`, {
        body: names(endpoint.payloadSchema),
        query: names(endpoint.urlParamsSchema),
      })
    },
  })
  return routeRules(LoopctlApi).map((rule) => {
    const declared = fields.get(`${rule.method} ${rule.path}`)
    return { ...rule, bodyFields: declared?.body ?? [], queryFields: declared?.query ?? [] }
  })
}

/** Values of every JSON type, and some that stress parsers and columns. */
const wrongValues: ReadonlyArray<unknown> = [
  null,
  0,
  -1,
  1.5,
  1e308,
  "",
  " ",
  "x".repeat(70_000),
  "\u0000\ud800",
  "2026-13-45T99:99:99Z",
  "00000000-0000-0000-0000-000000000000",
  true,
  [],
  [1, "a", null],
  {},
  { nested: { deeper: [{}] } },
]

/** Raw bodies that are not a JSON object (the edge refuses most of them before any route). */
const rawBodies: ReadonlyArray<string> = [
  "",
  "{",
  "null",
  '"text"',
  "[1,2,3]",
  `{"a":${"{".repeat(3000)}${"}".repeat(3000)}}`,
]

/** Bodies for one endpoint: raw ones, its fields with each wrong value, generated objects. */
const bodiesFor = (target: Target): ReadonlyArray<string> => {
  const fields = target.bodyFields.length > 0 ? target.bodyFields : ["name"]
  const typed = wrongValues.map((value) =>
    JSON.stringify(Object.fromEntries(fields.map((field) => [field, value]))),
  )
  const generated = FastCheck.sample(
    FastCheck.dictionary(
      FastCheck.oneof(FastCheck.constantFrom(...fields), FastCheck.string()),
      FastCheck.jsonValue({ maxDepth: 3 }),
    ),
    { numRuns: 4, seed: target.path.length * 31 + target.method.length },
  ).map((object) => JSON.stringify(object))
  return [...rawBodies, ...typed, ...generated]
}

/** Query strings for one endpoint: each declared parameter with garbage, repeated, or huge. */
const queriesFor = (target: Target): ReadonlyArray<string> => {
  const names = [...target.queryFields, "page", "page_size", "limit"]
  const values = ["-1", "abc", "1e309", "x".repeat(5000)]
  return values.map((value) => names.map((name) => `${name}=${encodeURIComponent(value)}`).join("&"))
}

/** Every table's rows, hashed per table, without columns that each request touches; one statement. */
const fingerprint = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const database = yield* DatabaseAccess
  return yield* database.asOwner(
    Effect.gen(function* () {
      const tables = yield* sql<{ readonly table_name: string }>`
        SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
          AND table_name NOT IN ('rate_limit_counters', 'schema_migrations')
        ORDER BY table_name`
      const row = "(to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text"
      const statement = tables
        .map(
          ({ table_name }) =>
            `SELECT '${table_name}' AS name, md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS digest FROM "${table_name}" t`,
        )
        .join(" UNION ALL ")
      const rows = yield* sql.unsafe<{ readonly name: string; readonly digest: string }>(statement)
      return rows.map((r) => `${r.name}:${r.digest}`).sort()
    }),
  )
}).pipe(Effect.orDie)

/** What makes an answer acceptable for malformed input. */
const expectHandled = (answer: Answer, what: string) => {
  expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500)
  if (answer.status >= 400 && answer.text !== "") {
    expect(answer.body, `${what}: the error envelope`).toMatchObject({
      error: { status: answer.status, message: expect.any(String) },
    })
  }
}

/** Destructive endpoints run last so that the ids the others use still exist while they run. */
const destructive = (target: Target) =>
  target.method === "DELETE" || /(revoke|suspend|rotate|force|delete|activate)/.test(target.path)

/** What the sweep works on: a staffed tenant with a board, and a second tenant for admin actions. */
const setUp = Effect.gen(function* () {
  const team = yield* staffedTenant("fuzz")
  // Lift the tenant's rate limit so the sweep is not cut short by 429s (beyond the platform
  // maximum a tenant may set itself: only the superadmin may grant that).
  yield* call("PATCH", `/api/v1/admin/tenants/${team.id}`, {
    key: rootKey,
    body: { settings: { rate_limit_requests_per_minute: 100_000 } },
  })
  const victim = yield* provisionTenant("fuzz-victim")
  const spareKey = yield* issueKey(team.userKey, { name: "spare", role: "agent" })
  // A project, an epic and a story of the tenant, made through the core.
  const access = yield* Access
  const actor = yield* Effect.flatMap(access.authenticate(team.userKey), ({ caller }) =>
    Rules.Access.requireTenantScope(caller),
  )
  const work = yield* WorkBreakdown
  const project = yield* work.createProject(actor, { name: "Fuzz", slug: `fuzz-${randomUUID().slice(0, 8)}` })
  const epic = yield* work.createEpic(actor, project.id, { number: 1, title: "Epic" })
  const story = yield* work.createStory(actor, epic.id, {
    number: "1.1",
    title: "Story",
    acceptance_criteria: [{ id: "AC-1", description: "it works" }],
  })
  const keyOf = (target: Target): string | undefined => {
    const rule = target.access
    const role =
      rule._tag === "Public"
        ? undefined
        : rule._tag === "AnyRole"
          ? "user"
          : rule._tag === "MinRole"
            ? rule.role
            : rule.roles[0]
    switch (role) {
      case undefined:
        return undefined
      case "superadmin":
        return rootKey
      case "user":
        return team.userKey
      case "orchestrator":
        return team.orchestratorKey
      case "agent":
        return team.workerKey
    }
  }
  /** The path with each parameter an existing entity's id where the path names its kind. */
  const fill = (path: string) =>
    path.replace(/\/([a-z_]+)\/:([a-z_]+)/g, (_, resource: string, param: string) => {
      const id = (() => {
        if (param === "project_id" || resource === "projects") return project.id
        if (resource === "epics") return epic.id
        if (resource === "stories") return story.id
        if (resource === "agents") return team.workerAgentId
        if (resource === "api_keys") return spareKey.id
        if (resource === "tenants") return victim.id
        return randomUUID()
      })()
      return `/${resource}/${id}`
    })
  return { keyOf, fill, state: { current: yield* fingerprint } }
})

type Sweep = Effect.Effect.Success<typeof setUp>

/** The malformed requests for one endpoint. */
const attemptsFor = (target: Target, key: string | undefined) => {
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` }
  const attempts: Array<{ what: string; init: RequestInit; query: string }> = []
  if (target.method !== "GET") {
    for (const body of bodiesFor(target))
      attempts.push({
        what: `body ${body.slice(0, 80)}`,
        init: { method: target.method, headers: { ...headers, "content-type": "application/json" }, body },
        query: "",
      })
    attempts.push({
      what: "a text/plain body",
      init: { method: target.method, headers: { ...headers, "content-type": "text/plain" }, body: "{}" },
      query: "",
    })
  }
  for (const query of queriesFor(target))
    attempts.push({
      what: `?${query.slice(0, 80)}`,
      init: { method: target.method, headers },
      query: `?${query}`,
    })
  return attempts
}

const all = targets()
const ordered = [...all.filter((t) => !destructive(t)), ...all.filter(destructive)]

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  let sweep: Sweep | undefined

  layer(server, { timeout: 120_000, excludeTestServices: true })(`malformed input on ${name}`, (it) => {
    it.effect("the sweep covers every endpoint the API declares", () =>
      Effect.gen(function* () {
        expect(ordered.length).toBe(all.length)
        expect(all.length).toBeGreaterThan(20)
        sweep = yield* setUp
      }),
    )

    for (const target of ordered) {
      it.effect(
        `${target.method} ${target.path}: never 5xx, refusals write nothing`,
        () =>
          Effect.gen(function* () {
            const ready = sweep ?? (yield* setUp)
            sweep = ready
            const path = ready.fill(target.path)
            for (const attempt of attemptsFor(target, ready.keyOf(target))) {
              const answer = yield* send(`${path}${attempt.query}`, attempt.init)
              const what = `${target.method} ${target.path} ${attempt.what}`
              expectHandled(answer, what)
              // A GET cannot write (each is also read-only by construction); only mutations are compared.
              if (target.method === "GET") continue
              const after = yield* fingerprint
              if (answer.status >= 400)
                expect(after, `${what} → ${answer.status}: nothing written`).toEqual(ready.state.current)
              ready.state.current = after
            }
          }),
        60_000,
      )
    }
  })
}
