import { createHash } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, layer } from "@effect/vitest"
import {
  Access,
  type Caller,
  IdentityActions,
  LoopctlServices,
  Outbox,
  Rules,
  UnitOfWork,
} from "@loopctl/core"
import { Effect, Layer } from "effect"
import { performAs } from "../../core/test/fixtures/perform-as.js"
import { DatabaseAccess, SqlPorts } from "../src/index.js"
import {
  type BackendServices,
  databaseUrl,
  pgliteBackend,
  postgresBackend,
  postgresTitle,
} from "./support.js"

/**
 * The Access use cases on SQL: tenant creation on the owner path, authentication through the
 * hash-only lookup (with the use recorded in the same statement), agent registration, and a scan
 * of every text column of every table proving that no raw key is ever stored.
 */

const ROOT_KEY = "root-key-for-the-sql-access-tests"

const actorOf = (raw: string, impersonate?: string) =>
  Effect.flatMap(
    Effect.flatMap(Access, (access) => access.authenticate(raw, impersonate)),
    ({ caller }) => Rules.Access.requireTenantScope(caller),
  )

const statusOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.either(effect), (outcome) => (outcome._tag === "Right" ? "ok" : outcome.left._tag))

/** A fresh tenant (its slug unique to the run) made by the superadmin, with its first key. */
const provisioned = (root: Caller, slug: string) =>
  Effect.flatMap(Access, (access) =>
    performAs(
      root,
      IdentityActions.createTenant,
    )(access.createTenant({ name: `Tenant ${slug}`, slug, email: `${slug}@example.org` })),
  )

const lifecycle = Effect.gen(function* () {
  const access = yield* Access
  yield* access.bootstrapSuperadmin(ROOT_KEY)
  expect((yield* access.bootstrapSuperadmin(ROOT_KEY)).created).toBe(false)
  const root = (yield* access.authenticate(ROOT_KEY)).caller
  const slug = `t-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`
  const made = yield* provisioned(root, slug)
  expect(yield* statusOf(provisioned(root, slug))).toBe("Conflict")
  const user = yield* actorOf(made.api_key.raw_key)
  expect(user.tenant_id).toBe(made.tenant.id)

  // Keys: create, register an agent with one, link an orchestrator, rotate, revoke.
  const agentKey = yield* performAs(
    user,
    IdentityActions.createApiKey,
  )(access.createApiKey({ name: "w1", role: "agent" }))
  const agentActor = yield* actorOf(agentKey.raw_key)
  const agent = yield* performAs(
    agentActor,
    IdentityActions.registerAgent,
  )(access.registerAgent({ name: "boss", agent_type: "orchestrator" }))
  expect(
    yield* statusOf(
      performAs(
        yield* actorOf(agentKey.raw_key),
        IdentityActions.registerAgent,
      )(access.registerAgent({ name: "b2", agent_type: "implementer" })),
    ),
  ).toBe("Conflict")
  const orchestrator = yield* performAs(
    user,
    IdentityActions.createApiKey,
  )(
    access.createApiKey({
      name: "o",
      role: "orchestrator",
      agent_id: agent.id,
    }),
  )
  expect((yield* actorOf(orchestrator.raw_key)).agent_id).toBe(agent.id)
  const rotated = yield* performAs(
    user,
    IdentityActions.rotateApiKey,
  )(access.rotateApiKey(orchestrator.id, { grace_period_hours: 1 }))
  expect((yield* actorOf(rotated.new_key.raw_key)).agent_id).toBe(agent.id)
  expect((yield* actorOf(orchestrator.raw_key)).agent_id).toBe(agent.id)
  yield* performAs(user, IdentityActions.revokeApiKey)(access.revokeApiKey(agentKey.id))
  expect(yield* statusOf(actorOf(agentKey.raw_key))).toBe("Unauthorized")
  const events = yield* Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      made.tenant.id,
      Effect.flatMap(Outbox, (o) => o.list(100)),
    ),
  )
  expect(events.map((e) => e.event.event)).toEqual(["agent.registered"])

  // Status and impersonation.
  yield* performAs(root, IdentityActions.suspendTenant)(access.suspendTenant(made.tenant.id))
  expect(yield* statusOf(actorOf(made.api_key.raw_key))).toBe("Forbidden")
  expect((yield* actorOf(ROOT_KEY, made.tenant.id)).tenant_id).toBe(made.tenant.id)
  yield* performAs(root, IdentityActions.activateTenant)(access.activateTenant(made.tenant.id))
  expect((yield* actorOf(made.api_key.raw_key)).tenant_id).toBe(made.tenant.id)
  const detail = yield* performAs(root, IdentityActions.inspectTenant)(access.getTenantDetail(made.tenant.id))
  expect(detail).toMatchObject({ agent_count: 1, api_key_count: 3 })
  const listed = yield* performAs(
    root,
    IdentityActions.listTenants,
  )(access.listTenants({ search: slug }, { page: 1, page_size: 10 }))
  expect(listed.data.map((t) => t.id)).toEqual([made.tenant.id])

  return [ROOT_KEY, made.api_key.raw_key, agentKey.raw_key, orchestrator.raw_key, rotated.new_key.raw_key]
})

interface ColumnRow {
  readonly table_name: string
  readonly column_name: string
}

/** How many rows, in every text-like column of every table, contain `needle`. */
const occurrences = (needle: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const access = yield* DatabaseAccess
    return yield* access.asOwner(
      Effect.gen(function* () {
        const columns = yield* sql<ColumnRow>`
          SELECT c.table_name, c.column_name
          FROM information_schema.columns c
          JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')`
        expect(columns.length).toBeGreaterThan(50)
        let found = 0
        for (const column of columns) {
          const rows = yield* sql<{ readonly n: number }>`
            SELECT count(*)::integer AS n FROM ${sql(column.table_name)}
            WHERE strpos(${sql(column.column_name)}::text, ${needle}) > 0`
          found += rows[0]?.n ?? 0
        }
        return found
      }),
    )
  })

const noRawKeyStored = Effect.gen(function* () {
  const raws = yield* lifecycle
  for (const raw of raws) expect({ raw, stored: yield* occurrences(raw) }).toEqual({ raw, stored: 0 })
  // The scan does find what is there: the first user key's hash sits in api_keys.
  const hash = createHash("sha256")
    .update(raws[1] ?? "")
    .digest("hex")
  expect(yield* occurrences(hash)).toBe(1)
})

interface SessionRow {
  readonly hash: string | null
  readonly role: string
}

/**
 * Authentication runs its scope's settings and its statement as one simple query with no
 * BEGIN: the settings are transaction-local, so they must end with that implicit transaction
 * and leave nothing behind on the connection (PGlite has only one).
 */
const lookupLeavesNoSettings = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const access = yield* Access
  yield* access.bootstrapSuperadmin(ROOT_KEY)
  const session = sql<SessionRow>`SELECT current_setting('app.api_key_hash', true) AS hash, current_user AS role`
  const before = yield* session
  for (let i = 0; i < 3; i++) yield* access.authenticate(ROOT_KEY)
  const after = yield* session
  expect(after).toEqual(before)
  expect(after[0]?.hash ?? "").toBe("")
})

const app = <Out extends BackendServices, E>(backend: Layer.Layer<Out, E>) =>
  LoopctlServices.pipe(Layer.provideMerge(SqlPorts), Layer.provideMerge(backend))

layer(app(pgliteBackend), { timeout: 60_000 })("access on PGlite", (it) => {
  it.effect(
    "tenants, keys and agents through the use cases, and no raw key anywhere in the database",
    () => noRawKeyStored,
  )
  it.effect("authentication's settings end with its one query", () => lookupLeavesNoSettings)
})

describe.skipIf(databaseUrl === undefined)(postgresTitle("access on Postgres"), () => {
  if (databaseUrl === undefined) return
  layer(app(postgresBackend(databaseUrl)), { timeout: 60_000 })("Postgres", (it) => {
    it.effect(
      "tenants, keys and agents through the use cases, and no raw key anywhere in the database",
      () => noRawKeyStored,
    )
    it.effect("authentication's settings end with its one query", () => lookupLeavesNoSettings)
  })
})
