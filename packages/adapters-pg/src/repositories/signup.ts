import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import {
  DuplicateKey,
  RootAuthenticator,
  RootAuthenticators,
  SignupChallenge,
  SignupChallenges,
} from "@loopctl/core"
import { Effect, Layer, Option, Schema } from "effect"
import { decodeRows, encodeRow, optional } from "../rows.js"
import { isUniqueViolation } from "../sql-errors.js"

/**
 * SQL implementations of signup's ports. Root authenticators live in their tenant's unit of work
 * (RLS); signup challenges are global rows the app role reads, adds and deletes, in whatever
 * scope the caller is (a completing signup deletes its challenge in its own transaction).
 */

const authenticators = {
  decode: decodeRows(RootAuthenticator, { timestamps: ["inserted_at"] }),
  encode: encodeRow(RootAuthenticator, []),
}

const challenges = {
  decode: decodeRows(SignupChallenge, { timestamps: ["expires_at"] }),
  encode: encodeRow(SignupChallenge, []),
}

/** A credential id another tenant (or this one) enrolled already; any other failure is a defect. */
const authenticatorRefusal = (error: SqlError) =>
  isUniqueViolation(error, "tenant_root_authenticators_credential_id_key")
    ? Effect.fail(new DuplicateKey({ entity: "root_authenticator", key: "credential_id" }))
    : Effect.die(error)

export const RootAuthenticatorsSql = Layer.effect(
  RootAuthenticators,
  Effect.map(SqlClient.SqlClient, (sql) =>
    RootAuthenticators.of({
      insert: (authenticator) =>
        Effect.catchAll(
          Effect.asVoid(
            sql`INSERT INTO tenant_root_authenticators ${sql.insert(authenticators.encode(authenticator))}`,
          ),
          authenticatorRefusal,
        ),
      list: Effect.flatMap(
        Effect.orDie(sql`SELECT * FROM tenant_root_authenticators ORDER BY inserted_at, id`),
        authenticators.decode,
      ),
    }),
  ),
)

/** Ids come from clients: anything that is not a uuid names no challenge (and never reaches SQL). */
const isUuid = Schema.is(Schema.UUID)

export const SignupChallengesSql = Layer.effect(
  SignupChallenges,
  Effect.map(SqlClient.SqlClient, (sql) =>
    SignupChallenges.of({
      insert: (challenge, at) =>
        Effect.orDie(
          Effect.asVoid(
            // One statement: the expired rows go as the new one comes.
            sql`WITH expired AS (DELETE FROM signup_challenges WHERE expires_at <= ${at})
                INSERT INTO signup_challenges ${sql.insert(challenges.encode(challenge))}`,
          ),
        ),
      find: (id, at) =>
        isUuid(id)
          ? optional(
              Effect.flatMap(
                Effect.orDie(sql`SELECT * FROM signup_challenges WHERE id = ${id} AND expires_at > ${at}`),
                challenges.decode,
              ),
            )
          : Effect.succeedNone,
      consume: (id, at) =>
        isUuid(id)
          ? Effect.map(
              optional(
                Effect.flatMap(
                  Effect.orDie(sql`DELETE FROM signup_challenges WHERE id = ${id} RETURNING *`),
                  challenges.decode,
                ),
              ),
              // An expired challenge is removed all the same, but never answered.
              Option.filter((challenge) => challenge.expires_at > at),
            )
          : Effect.succeedNone,
    }),
  ),
)
