import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck, Layer, Redacted } from "effect"
import { PgliteClient, Postgres } from "../src/index.js"
import { inlineParameters } from "../src/statement-batching.js"
import { databaseUrl, postgresSkipReason } from "./support.js"

/**
 * A statement that travels with others in one simple query has its parameters written into it
 * as literals. The literal must mean what the parameter meant: the same statement, run once with
 * its parameters and once inlined, must answer the same rows, on both databases.
 */

const texts = FastCheck.string({
  unit: FastCheck.constantFrom("a", "'", "\\", '"', " ", ";", "$1", "é", "🚀", "\n", "{", "}", ","),
})
const values = FastCheck.oneof(
  texts,
  FastCheck.integer(),
  FastCheck.double({ noNaN: true, noDefaultInfinity: true }),
  FastCheck.boolean(),
  FastCheck.constant(null),
)

const sameAnswers = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const cases = FastCheck.sample(FastCheck.tuple(values, FastCheck.array(texts, { maxLength: 4 })), 60)
  for (const [value, list] of cases) {
    const statement = `SELECT $1::text AS one, $2::text[] AS many, $3::jsonb AS doc, '$1' AS quoted, 1 AS "$2" -- $3`
    const params = [value, list, { value, list }]
    const bound = yield* sql.unsafe(statement, params)
    const inlined = yield* sql.unsafe(inlineParameters(statement, params))
    expect(inlined).toEqual(bound)
  }
})

describe("inlineParameters", () => {
  it("replaces placeholders only in the statement's own text", () => {
    expect(inlineParameters("SELECT $1, '$1', \"$1\", $$ $1 $$, $tag$ $2 $tag$ -- $1", ["x", "y"])).toBe(
      "SELECT 'x', '$1', \"$1\", $$ $1 $$, $tag$ $2 $tag$ -- $1",
    )
    expect(inlineParameters("SELECT E'it\\'s $1', $2 /* $1 */", ["a", null])).toBe(
      "SELECT E'it\\'s $1', NULL /* $1 */",
    )
    expect(() => inlineParameters("SELECT $3", ["a"])).toThrow("no value for placeholder $3")
  })

  it.effect("answers what the parameters answer, on PGlite", () =>
    sameAnswers.pipe(Effect.provide(Layer.orDie(PgliteClient.layer({ dataDir: "memory://" })))),
  )

  it.effect.skipIf(databaseUrl === undefined)(
    `answers what the parameters answer, on Postgres${databaseUrl === undefined ? ` (${postgresSkipReason})` : ""}`,
    () =>
      sameAnswers.pipe(
        Effect.provide(
          Layer.orDie(Postgres.layer({ url: Redacted.make(databaseUrl ?? ""), maxConnections: 1 })),
        ),
      ),
  )
})
