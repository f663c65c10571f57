import { randomUUID } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, layer } from "@effect/vitest"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { LoopctlApi, routeRules } from "@loopctl/api"
import {
  Access,
  EpicPlanning,
  ProjectPlanning,
  Rules,
  StoryNumber,
  StoryPlanning,
  WorkActions,
} from "@loopctl/core"
import { Effect, FastCheck, Layer, Option } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import {
  type DeclaredField,
  type RefusalKind,
  declaredEndpoints,
  unstorableTexts,
  wrongFor,
  wrongQueryValuesFor,
} from "../support/declared-input.js"
import { backends, call, issueKey, provisionTenant, staffedTenant } from "../support/identity-support.js"
import { type Answer, collectLogs, realServer, rootKey, send } from "../support/support.js"

/**
 * Every endpoint of the API, read from its definition, gets malformed input: bodies that are not
 * JSON, JSON of the wrong shape, generated objects, deep nesting, oversized text, garbage query
 * parameters, and — generated from the JSON type each body and query field declares — every
 * field on its own with values of the wrong type, out of its range, or holding text no database
 * can store (NUL, an unpaired surrogate). Each request is made with a key of the role the
 * endpoint accepts, on ids that exist, so the input reaches the handler.
 *
 * Whatever the answer, it is never a 5xx, an error is always the envelope, and an answer that is
 * not a success leaves the database exactly as it was (no partial write). A value a field must
 * refuse is never answered with a success (it would have been ignored, D26), and a 422 or 400
 * that lists field problems names that field (D25, D26). A page size above the maximum is read
 * as the maximum, and the answer's `meta` says so.
 */

interface Target {
  readonly method: string
  readonly path: string
  readonly access: ReturnType<typeof routeRules>[number]["access"]
  readonly body: ReadonlyArray<DeclaredField>
  readonly query: ReadonlyArray<DeclaredField>
}

/** Every endpoint with its access rule and the fields of its body and query. */
const targets = (): ReadonlyArray<Target> => {
  const declared = new Map(
    declaredEndpoints().map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint]),
  )
  return routeRules(LoopctlApi).map((rule) => {
    const endpoint = declared.get(`${rule.method} ${rule.path}`)
    return { ...rule, body: endpoint?.body ?? [], query: endpoint?.query ?? [] }
  })
}

/** Values that stress parsers and columns, given to every field of a body at once. */
const wrongValues: ReadonlyArray<unknown> = [
  null,
  -1,
  1e308,
  "",
  "x".repeat(70_000),
  "\u0000\ud800",
  "00000000-0000-0000-0000-000000000000",
  [1, "a", null],
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

/** What a refused value's answer must show: which field, in the body or the query, and how. */
interface Refusal {
  readonly field: string
  readonly in: "body" | "query"
  readonly kind: RefusalKind
}

/** One request of the sweep. */
interface Attempt {
  readonly what: string
  readonly body?: string
  readonly contentType?: string
  readonly query: string
  /** Set when the request holds a value that must be refused. */
  readonly refusal?: Refusal
  /** Set when the request asks for a page larger than any list serves. */
  readonly oversizedPage?: number
  /** Set on the empty body whose answer the refused values are compared with. */
  readonly baseline?: boolean
}

/** Bodies for one endpoint: raw ones, all its fields with each wrong value, generated objects. */
const bodiesFor = (target: Target): ReadonlyArray<Attempt> => {
  const fields = target.body.length > 0 ? target.body.map((f) => f.name) : ["name"]
  const whole = wrongValues.map((value) =>
    JSON.stringify(Object.fromEntries(fields.map((name) => [name, value]))),
  )
  const generated = FastCheck.sample(
    FastCheck.dictionary(
      FastCheck.oneof(FastCheck.constantFrom(...fields), FastCheck.string()),
      FastCheck.jsonValue({ maxDepth: 3 }),
    ),
    { numRuns: 2, seed: target.path.length * 31 + target.method.length },
  ).map((object) => JSON.stringify(object))
  return [...rawBodies, ...whole, ...generated].map((body) => ({
    what: `body ${body.slice(0, 80)}`,
    body,
    query: "",
  }))
}

/** Each declared body field alone, with every value its declared type must refuse. */
const refusedBodiesFor = (target: Target): ReadonlyArray<Attempt> =>
  target.body.flatMap((declared) => {
    const refused = Option.match(declared.type, {
      onNone: () => unstorableTexts,
      onSome: (type) => wrongFor(type),
    })
    return refused.map(({ value, why, kind }) => ({
      what: `body ${declared.name} ${why}`,
      body: JSON.stringify({ [declared.name]: value }),
      query: "",
      refusal: { field: declared.name, in: "body" as const, kind },
    }))
  })

const queryString = (values: Readonly<Record<string, string>>): string => {
  const text = new URLSearchParams(values).toString()
  return text === "" ? "" : `?${text}`
}

/** Query strings for one endpoint: every declared parameter with garbage, repeated, or huge. */
const garbageQueriesFor = (target: Target): ReadonlyArray<Attempt> => {
  const names = [...target.query.map((f) => f.name), "page", "page_size", "limit"]
  return ["-1", "abc", "1e309", "x".repeat(5000)].map((value) => ({
    what: `?${names.join(",")}=${value.slice(0, 20)}`,
    query: `?${names.map((name) => `${name}=${encodeURIComponent(value)}`).join("&")}`,
  }))
}

/**
 * Each declared query parameter with every value its type must refuse, beside valid values for
 * the endpoint's id and time parameters (so a 400 is about the parameter, not a missing one).
 */
const refusedQueriesFor = (target: Target, valid: Readonly<Record<string, string>>): ReadonlyArray<Attempt> =>
  target.query.flatMap((declared) => {
    const refused = Option.match(declared.type, {
      onNone: () => wrongQueryValuesFor({ type: "string" }),
      onSome: wrongQueryValuesFor,
    })
    return refused.map(({ value, why, kind }) => ({
      what: `?${declared.name} ${why}`,
      query: queryString({ ...valid, [declared.name]: String(value) }),
      refusal: { field: declared.name, in: "query" as const, kind },
    }))
  })

/** The page-size parameters of a list, each asking for far more than any list serves. */
const oversizedPagesFor = (
  target: Target,
  valid: Readonly<Record<string, string>>,
): ReadonlyArray<Attempt> =>
  target.method !== "GET"
    ? []
    : target.query
        .filter((declared) => declared.name === "page_size" || declared.name === "limit")
        .map((declared) => ({
          what: `?${declared.name}=1000000`,
          query: queryString({ ...valid, [declared.name]: "1000000" }),
          oversizedPage: 1_000_000,
        }))

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
  expect.soft(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500)
  if (answer.status >= 400 && answer.text !== "") {
    expect.soft(answer.body, `${what}: the error envelope`).toMatchObject({
      error: { status: answer.status, message: expect.any(String) },
    })
  }
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The field names of an error envelope's `details`, if it has any. */
const detailKeys = (body: unknown): Option.Option<ReadonlyArray<string>> => {
  const error = isRecord(body) ? body.error : undefined
  const details = isRecord(error) ? error.details : undefined
  return isRecord(details) ? Option.some(Object.keys(details)) : Option.none()
}

/** Whether a `details` key is about `field` (the field itself or a path inside it). */
const namesField = (key: string, field: string) =>
  key === field || key.startsWith(`${field}.`) || key.startsWith(`${field}[`)

/** What an error answer says: status, message and details (empty for a success). */
const gist = (answer: Answer): string => {
  if (answer.status < 400 || !isRecord(answer.body) || !isRecord(answer.body.error))
    return String(answer.status)
  const { message, details } = answer.body.error
  return JSON.stringify([answer.status, message, details ?? null])
}

/**
 * A value the field must refuse, never answered with a success (the value silently ignored).
 * Unstorable text is a 422 (body) or 400 (query) naming the field. A query value the list cannot
 * read is a 400 naming the parameter (an id that is not a uuid may be the 404 of any id). A wrong
 * number, listed value, time or yes/no in a body either names the field or at least changes the
 * answer from the one the body gets without the field (`baseline`) when that answer lists field
 * problems: an identical list means the field was not looked at.
 */
const expectRefused = (answer: Answer, refusal: Refusal, baseline: Option.Option<Answer>, what: string) => {
  const shown = `${answer.status} ${answer.text.slice(0, 300)}`
  expect.soft(answer.status, `${what} must be refused, not ignored → ${shown}`).toBeGreaterThanOrEqual(400)
  const names = Option.exists(detailKeys(answer.body), (keys) =>
    keys.some((key) => namesField(key, refusal.field)),
  )
  const fieldStatus = refusal.in === "body" ? 422 : 400
  const mustName = refusal.kind === "unstorable" || (refusal.in === "query" && refusal.kind === "typed")
  if (mustName) {
    expect.soft(answer.status, `${what} → ${shown}`).toBe(fieldStatus)
    expect.soft(names, `${what}: details name ${refusal.field} → ${shown}`).toBe(true)
  } else if (refusal.kind === "typed" && !names) {
    // Only a baseline that reports field problems shows that the fields were read; a refusal
    // before them (a state, a bound key) says nothing about this one.
    const readFields = Option.filter(baseline, (without) => Option.isSome(detailKeys(without.body)))
    Option.map(readFields, (without) =>
      expect
        .soft(gist(answer), `${what}: the same answer as without ${refusal.field} → ${shown}`)
        .not.toBe(gist(without)),
    )
  }
}

/** A page far larger than the maximum is served at the maximum, and `meta` states the size used. */
const expectClamped = (answer: Answer, asked: number, what: string) => {
  expect
    .soft(answer.status, `${what} is clamped → ${answer.status} ${answer.text.slice(0, 300)}`)
    .toBeLessThan(300)
  const meta = isRecord(answer.body) ? answer.body.meta : undefined
  if (!isRecord(meta)) return
  const used = typeof meta.page_size === "number" ? meta.page_size : meta.limit
  expect.soft(typeof used, `${what}: meta states the size used`).toBe("number")
  if (typeof used === "number") expect.soft(used, `${what}: meta.page_size`).toBeLessThan(asked)
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
  const projectPlanning = yield* ProjectPlanning
  const epicPlanning = yield* EpicPlanning
  const storyPlanning = yield* StoryPlanning
  const project = yield* projectPlanning
    .createProject({
      name: "Fuzz",
      slug: `fuzz-${randomUUID().slice(0, 8)}`,
    })
    .pipe(performAs(actor, WorkActions.createProject))
  const epic = yield* epicPlanning
    .createEpic(project.id, { number: 1, title: "Epic" })
    .pipe(performAs(actor, WorkActions.createEpic))
  const story = yield* storyPlanning
    .createStory(epic.id, {
      number: StoryNumber.make("1.1"),
      title: "Story",
      acceptance_criteria: [{ id: "AC-1", description: "it works" }],
    })
    .pipe(performAs(actor, WorkActions.createStory))
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
  /** Valid values for a list's id and time parameters, so that only the value under test is wrong. */
  const validQuery = (target: Target): Readonly<Record<string, string>> => {
    const ids: Readonly<Record<string, string>> = {
      project_id: project.id,
      epic_id: epic.id,
      tenant_id: victim.id,
    }
    return Object.fromEntries(
      target.query.flatMap((declared): ReadonlyArray<readonly [string, string]> => {
        const id = ids[declared.name]
        if (id !== undefined) return [[declared.name, id]]
        const isTime = Option.exists(declared.type, (type) => type.format === "date-time")
        return isTime ? [[declared.name, "2020-01-01T00:00:00Z"]] : []
      }),
    )
  }
  return { keyOf, fill, validQuery, state: { current: yield* fingerprint } }
})

type Sweep = Effect.Effect.Success<typeof setUp>

/** The malformed requests for one endpoint. */
const attemptsFor = (target: Target, sweep: Sweep): ReadonlyArray<Attempt> => {
  const valid = sweep.validQuery(target)
  const withBody: ReadonlyArray<Attempt> =
    target.method === "GET"
      ? []
      : [
          ...bodiesFor(target),
          { what: "the empty body", body: "{}", query: "", baseline: true },
          ...refusedBodiesFor(target),
          { what: "a text/plain body", body: "{}", contentType: "text/plain", query: "" },
        ]
  return [
    ...withBody,
    ...garbageQueriesFor(target),
    ...refusedQueriesFor(target, valid),
    ...oversizedPagesFor(target, valid),
  ]
}

/** The path with every parameter a NUL character: a 4xx like any id that names nothing. */
const nulParameters = (path: string) => path.replace(/:[a-z_]+/g, "%00")

const all = targets()
const ordered = [...all.filter((t) => !destructive(t)), ...all.filter(destructive)]

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  let sweep: Sweep | undefined

  layer(server, { timeout: 120_000, excludeTestServices: true })(`malformed input on ${name}`, (it) => {
    it.effect("the sweep covers every endpoint the API declares, and every field declares its type", () =>
      Effect.gen(function* () {
        expect(ordered.length).toBe(all.length)
        expect(all.length).toBeGreaterThan(20)
        const untyped = all.flatMap((target) =>
          [...target.body, ...target.query]
            .filter((declared) => Option.isNone(declared.type))
            .map((declared) => `${target.method} ${target.path} ${declared.name}`),
        )
        expect(untyped).toEqual([])
        sweep = yield* setUp
      }),
    )

    for (const target of ordered) {
      it.effect(
        `${target.method} ${target.path}: never 5xx, refusals write nothing, wrong values refused`,
        () =>
          Effect.gen(function* () {
            const ready = sweep ?? (yield* setUp)
            sweep = ready
            const key = ready.keyOf(target)
            const authorization: Record<string, string> =
              key === undefined ? {} : { authorization: `Bearer ${key}` }
            const path = ready.fill(target.path)
            if (target.path.includes(":")) {
              const answer = yield* send(nulParameters(target.path), {
                method: target.method,
                headers: authorization,
              })
              expectHandled(answer, `${target.method} ${nulParameters(target.path)}`)
            }
            let baseline = Option.none<Answer>()
            for (const attempt of attemptsFor(target, ready)) {
              const init: RequestInit =
                attempt.body === undefined
                  ? { method: target.method, headers: authorization }
                  : {
                      method: target.method,
                      headers: {
                        ...authorization,
                        "content-type": attempt.contentType ?? "application/json",
                      },
                      body: attempt.body,
                    }
              const answer = yield* send(`${path}${attempt.query}`, init)
              const what = `${target.method} ${target.path} ${attempt.what}`
              expectHandled(answer, what)
              if (attempt.baseline === true) baseline = Option.some(answer)
              if (attempt.refusal !== undefined) expectRefused(answer, attempt.refusal, baseline, what)
              if (attempt.oversizedPage !== undefined) expectClamped(answer, attempt.oversizedPage, what)
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
