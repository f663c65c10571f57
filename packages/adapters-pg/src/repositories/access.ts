import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Agent, Agents, ApiKey, ApiKeys, DuplicateKey, type KeyInUse } from "@loopctl/core"
import { Effect, Layer, Option, Schema } from "effect"
import { decodeRows, encodeRow, optional } from "../rows.js"
import { isUniqueViolation } from "../sql-errors.js"
import { DatabaseAccess } from "../unit-of-work.js"
import { keyUseStatement } from "./key-use.js"
import { pageWindow, selectPage } from "./paging.js"
import * as T from "./shapes.js"

/**
 * SQL implementations of API keys and agents. Tenant keys and agents are read and written in
 * the tenant's unit of work (RLS). Superadmin keys have no tenant: they are written on the owner
 * path. Authentication reads a key by its hash in the hash-only lookup scope
 * (`DatabaseAccess.asApiKeyLookup`), which must not be entered from inside a unit of work.
 */

type Row = Readonly<Record<string, unknown>>

const apiKeys = {
  decode: decodeRows(ApiKey, {
    timestamps: ["last_used_at", "expires_at", "revoked_at", "inserted_at", "updated_at", "rotated_at"],
  }),
  encode: encodeRow(ApiKey, []),
}

const agents = {
  decode: decodeRows(Agent, { timestamps: ["last_seen_at", "inserted_at", "updated_at"] }),
  encode: encodeRow(Agent, ["metadata"]),
}

/** The rate count of an authentication's row: both null when the request was not counted. */
const decodeCount = Schema.decodeUnknown(
  Schema.Struct({
    per_key_limit: Schema.NullOr(Schema.Number),
    counts: Schema.NullOr(Schema.Array(Schema.Number)),
  }),
)

/** Which uniqueness rule of api_keys a write broke; any other failure is a defect. */
const keyRefusal = (error: SqlError) => {
  if (isUniqueViolation(error, "api_keys_key_hash_key"))
    return Effect.fail(new DuplicateKey({ entity: "api_key", key: "key_hash" }))
  if (isUniqueViolation(error, "api_keys_agent_role_key"))
    return Effect.fail(new DuplicateKey({ entity: "api_key", key: "agent_role" }))
  return Effect.die(error)
}

export const ApiKeysSql = Layer.effect(
  ApiKeys,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const access = yield* DatabaseAccess
    const one = (statement: Effect.Effect<ReadonlyArray<Row>, SqlError>) =>
      optional(Effect.flatMap(Effect.orDie(statement), apiKeys.decode))
    return ApiKeys.of({
      insert: (key) =>
        access.ownerIfUnscoped(
          Effect.catchAll(
            Effect.asVoid(sql`INSERT INTO api_keys ${sql.insert(apiKeys.encode(key))}`),
            keyRefusal,
          ),
        ),
      update: (key) =>
        access.ownerIfUnscoped(
          Effect.catchAll(
            Effect.asVoid(
              sql`UPDATE api_keys SET name = ${key.name}, agent_id = ${key.agent_id},
                    last_used_at = ${key.last_used_at}, expires_at = ${key.expires_at},
                    revoked_at = ${key.revoked_at}, rotated_at = ${key.rotated_at},
                    updated_at = ${key.updated_at}
                  WHERE id = ${key.id}`,
            ),
            keyRefusal,
          ),
        ),
      findByHash: (hash) =>
        access.asApiKeyLookup(hash, one(sql`SELECT * FROM api_keys WHERE key_hash = ${hash}`)),
      use: (hash, at, staleBefore, windowStart) =>
        Number.isSafeInteger(windowStart)
          ? Effect.flatMap(
              // One round trip: the lookup scope's settings and the one statement of key-use.ts.
              access.apiKeyLookupStatement(hash, keyUseStatement(hash, at, staleBefore, windowStart)),
              (rows) =>
                Effect.gen(function* () {
                  const row = rows[0]
                  if (row === undefined) return Option.none<KeyInUse>()
                  const [key] = yield* apiKeys.decode([row])
                  if (key === undefined) return Option.none<KeyInUse>()
                  const tenant = row.tenant
                  const decoded =
                    typeof tenant === "object" && tenant !== null
                      ? Option.fromNullable((yield* T.tenants.decode([{ ...tenant }]))[0])
                      : Option.none()
                  const { per_key_limit, counts } = yield* Effect.orDie(decodeCount(row))
                  const counted =
                    per_key_limit === null || counts === null
                      ? Option.none()
                      : Option.some({ perKeyLimit: per_key_limit, counts })
                  return Option.some<KeyInUse>({ key, tenant: decoded, counted })
                }),
            )
          : Effect.dieMessage(`a rate window must start at a whole second, not ${windowStart}`),
      findById: (id) => one(sql`SELECT * FROM api_keys WHERE id = ${id}`),
      findForUpdate: (id) => one(sql`SELECT * FROM api_keys WHERE id = ${id} FOR UPDATE`),
      list: (options) =>
        Effect.flatMap(
          Effect.orDie(
            options.include_revoked
              ? sql<Row>`SELECT * FROM api_keys ORDER BY inserted_at DESC, id DESC`
              : sql<Row>`SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY inserted_at DESC, id DESC`,
          ),
          apiKeys.decode,
        ),
      countActive: (at) =>
        Effect.orDie(
          Effect.map(
            sql<Row>`SELECT count(*) AS n FROM api_keys
                     WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${at})`,
            (rows) => Number(rows[0]?.n ?? 0),
          ),
        ),
      revoke: (id, at) =>
        one(sql`UPDATE api_keys SET revoked_at = ${at}, updated_at = ${at} WHERE id = ${id} RETURNING *`),
      linkAgent: (id, agent, at) =>
        Effect.orDie(
          Effect.map(
            sql`UPDATE api_keys SET agent_id = ${agent}, updated_at = ${at}
                WHERE id = ${id} AND agent_id IS NULL RETURNING id`,
            (rows) => rows.length > 0,
          ),
        ),
    })
  }),
)

export const AgentsSql = Layer.effect(
  Agents,
  Effect.map(SqlClient.SqlClient, (sql) => {
    const one = (statement: Effect.Effect<ReadonlyArray<Row>, SqlError>) =>
      optional(Effect.flatMap(Effect.orDie(statement), agents.decode))
    return Agents.of({
      insert: (agent) =>
        Effect.catchAll(
          Effect.asVoid(sql`INSERT INTO agents ${sql.insert(agents.encode(agent))}`),
          (error) =>
            isUniqueViolation(error, "agents_name_key")
              ? Effect.fail(new DuplicateKey({ entity: "agent", key: "name" }))
              : Effect.die(error),
        ),
      findById: (id) => one(sql`SELECT * FROM agents WHERE id = ${id}`),
      findByName: (name) => one(sql`SELECT * FROM agents WHERE name = ${name}`),
      findByApiKey: (key) =>
        one(sql`SELECT a.* FROM agents a
                JOIN api_keys k ON k.tenant_id = a.tenant_id AND k.agent_id = a.id
                WHERE k.id = ${key}`),
      list: (filter, page) => {
        const where = sql.and([
          sql`TRUE`,
          ...(filter.agent_type === undefined ? [] : [sql`agent_type = ${filter.agent_type}`]),
          ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`]),
        ])
        return selectPage(sql, {
          from: sql`agents`,
          where,
          orderBy: sql`${sql(filter.sort_by)} ASC NULLS LAST, id`,
          window: pageWindow(page),
          decode: agents.decode,
        })
      },
    })
  }),
)
