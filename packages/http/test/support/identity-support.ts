import { randomUUID } from "node:crypto"
import type { HttpServer } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { Access, Rules } from "@loopctl/core"
import { Effect, Schema } from "effect"
import { type Answer, databaseUrl, pgliteBackend, postgresBackend, rootKey, send } from "./support.js"

/**
 * Helpers of the black-box identity tests: requests with a key and a JSON body, the bodies they
 * read back, and the fixtures a test builds through the API itself (tenants, keys, agents).
 */

/** The databases every identity suite runs on: PGlite always, Postgres when DATABASE_URL is set. */
export const backends = [
  { name: "PGlite", database: pgliteBackend },
  ...(databaseUrl === undefined ? [] : [{ name: "Postgres", database: postgresBackend(databaseUrl) }]),
]

/** The error envelope with only status and message. */
export const envelope = (status: number, message: string) => ({ error: { status, message } })

/** What a request carries besides its method and path. */
export interface Call {
  /** The API key, sent as `Authorization: Bearer <key>`. */
  readonly key?: string
  /** A JSON body. */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** Sends `method path` with a key and a JSON body. */
export const call = (
  method: string,
  path: string,
  { key, body, headers = {} }: Call = {},
): Effect.Effect<Answer, never, HttpServer.HttpServer> =>
  send(path, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

/** The caller behind a raw key, as the core's use cases take it. */
export const actorOf = (rawKey: string) =>
  Effect.flatMap(Access, (access) =>
    Effect.flatMap(access.authenticate(rawKey), ({ caller }) => Rules.Access.requireTenantScope(caller)),
  ).pipe(Effect.orDie)

/** Reads an answer's body with `schema` (extra keys are allowed); a mismatch fails the test. */
export const read = <A, I>(schema: Schema.Schema<A, I>, answer: Answer): A =>
  Schema.decodeUnknownSync(schema)(answer.body)

/** A slug no other test uses. */
export const uniqueSlug = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`

/** Every raw key the API handed out during this test file, for the "stored nowhere" check. */
export const issuedKeys: Array<string> = []

const Issued = Schema.Struct({ id: Schema.String, raw_key: Schema.String })

/** A tenant made by the bootstrapped superadmin, with its first (user) key. */
export interface ProvisionedTenant {
  readonly id: string
  readonly slug: string
  readonly userKey: string
  readonly userKeyId: string
}

/** `POST /api/v1/admin/tenants` as the superadmin. */
export const provisionTenant = (label: string, settings?: Readonly<Record<string, unknown>>) =>
  Effect.gen(function* () {
    const slug = uniqueSlug(label)
    const answer = yield* call("POST", "/api/v1/admin/tenants", {
      key: rootKey,
      body: { name: `Tenant ${label}`, slug, email: `ops@${slug}.test`, ...(settings ? { settings } : {}) },
    })
    if (answer.status !== 201) throw new Error(`creating tenant ${slug}: ${answer.status} ${answer.text}`)
    const { tenant, api_key } = read(
      Schema.Struct({ tenant: Schema.Struct({ id: Schema.String }), api_key: Issued }),
      answer,
    )
    issuedKeys.push(api_key.raw_key)
    return {
      id: tenant.id,
      slug,
      userKey: api_key.raw_key,
      userKeyId: api_key.id,
    } satisfies ProvisionedTenant
  })

/** `POST /api/v1/api_keys` with a user key: the new key's id and raw value. */
export const issueKey = (userKey: string, body: Readonly<Record<string, unknown>>) =>
  Effect.gen(function* () {
    const answer = yield* call("POST", "/api/v1/api_keys", { key: userKey, body })
    if (answer.status !== 201) throw new Error(`creating a key: ${answer.status} ${answer.text}`)
    const { api_key } = read(Schema.Struct({ api_key: Issued }), answer)
    issuedKeys.push(api_key.raw_key)
    return { id: api_key.id, raw: api_key.raw_key }
  })

/** `POST /api/v1/agents/register` with an agent key: the agent's id. */
export const registerAgent = (agentKey: string, name: string, agent_type: "orchestrator" | "implementer") =>
  Effect.gen(function* () {
    const answer = yield* call("POST", "/api/v1/agents/register", {
      key: agentKey,
      body: { name, agent_type },
    })
    if (answer.status !== 201) throw new Error(`registering ${name}: ${answer.status} ${answer.text}`)
    return read(Schema.Struct({ agent: Schema.Struct({ id: Schema.String }) }), answer).agent.id
  })

/** A tenant with a key of every tenant role, set up as the README's bootstrap does. */
export interface StaffedTenant extends ProvisionedTenant {
  /** A bootstrap agent key, registered as the orchestrator agent. */
  readonly agentKey: string
  readonly orchestratorAgentId: string
  /** An orchestrator key linked to the orchestrator agent. */
  readonly orchestratorKey: string
  /** An implementer's agent key, registered as agent "worker-1". */
  readonly workerKey: string
  readonly workerAgentId: string
}

/** A fresh tenant with user, agent and orchestrator keys and two registered agents. */
export const staffedTenant = (label: string) =>
  Effect.gen(function* () {
    const tenant = yield* provisionTenant(label)
    const bootstrap = yield* issueKey(tenant.userKey, { name: "agent-bootstrap", role: "agent" })
    const orchestratorAgentId = yield* registerAgent(bootstrap.raw, "orchestrator-main", "orchestrator")
    const orchestrator = yield* issueKey(tenant.userKey, {
      name: "orchestrator-main",
      role: "orchestrator",
      agent_id: orchestratorAgentId,
    })
    const worker = yield* issueKey(tenant.userKey, { name: "worker-1", role: "agent" })
    const workerAgentId = yield* registerAgent(worker.raw, "worker-1", "implementer")
    return {
      ...tenant,
      agentKey: bootstrap.raw,
      orchestratorAgentId,
      orchestratorKey: orchestrator.raw,
      workerKey: worker.raw,
      workerAgentId,
    } satisfies StaffedTenant
  })

interface ColumnRow {
  readonly table_name: string
  readonly column_name: string
}

/**
 * How many rows hold `needle` in any text, varchar or json(b) column of any table, read on the
 * owner path (no row-level security in the way).
 */
export const storedOccurrences = (needle: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const database = yield* DatabaseAccess
    return yield* database.asOwner(
      Effect.gen(function* () {
        const columns = yield* sql<ColumnRow>`
          SELECT c.table_name, c.column_name
          FROM information_schema.columns c
          JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')`
        let found = 0
        for (const column of columns) {
          const rows = yield* sql<{ readonly n: number }>`
            SELECT count(*)::integer AS n FROM ${sql(column.table_name)}
            WHERE strpos(${sql(column.column_name)}::text, ${needle}) > 0`
          found += rows[0]?.n ?? 0
        }
        return { columns: columns.length, found }
      }),
    )
  }).pipe(Effect.orDie)
