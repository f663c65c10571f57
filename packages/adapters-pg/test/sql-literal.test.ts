import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck, Layer } from "effect"
import { PgliteClient, sqlLiteral } from "../src/index.js"

/**
 * The unit of work sends BEGIN and its scope's settings as one simple query, which has no
 * parameters, so the values are written as literals. A literal must read back as exactly the
 * text it was made from, whatever quotes and backslashes the text holds; a Postgres server that
 * disagrees would make the scope's settings something else than asked.
 */

const pglite = PgliteClient.layer({ dataDir: "memory://" })

describe("sqlLiteral", () => {
  it.effect("reads back as its text on Postgres, quotes and backslashes included", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const fixed = [
        "",
        "plain",
        "it's",
        "\\",
        "a\\'b",
        "''",
        "\\\\'",
        "ünïcødé 🚀",
        "E'x'",
        "'; DROP TABLE x; --",
      ]
      const random = FastCheck.sample(
        FastCheck.string({ unit: FastCheck.constantFrom("a", "'", "\\", '"', " ", ";", "é", "\n") }),
        200,
      )
      for (const text of [...fixed, ...random]) {
        const rows = yield* sql.unsafe<{ readonly v: string }>(`SELECT ${sqlLiteral(text)} AS v`)
        expect(rows[0]?.v).toBe(text)
      }
    }).pipe(Effect.provide(Layer.orDie(pglite))),
  )

  it("doubles each quote, and switches to the escape form when there is a backslash", () => {
    expect(sqlLiteral("it's")).toBe("'it''s'")
    expect(sqlLiteral("a\\b")).toBe(" E'a\\\\b'")
  })
})
