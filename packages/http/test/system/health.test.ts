import { describe, expect, it } from "@effect/vitest"
import { PgliteClient, pgliteDatabase } from "@loopctl/adapters-pg"
import { Effect, Exit, Layer, Scope } from "effect"
import { httpServerLayer } from "../../src/index.js"
import { collectLogs, send, withFakeKeys } from "../support/support.js"

describe("GET /health when the database is gone", () => {
  it.live("answers 503 with status degraded and the failing check", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        httpServerLayer({ port: 0, host: "127.0.0.1" }).pipe(
          Layer.provideMerge(withFakeKeys(pgliteDatabase({ dataDir: "memory://" }))),
          Layer.provide(collectLogs([])),
        ),
        scope,
      )
      yield* Effect.flatMap(Effect.provide(PgliteClient.Pglite, context), (db) =>
        Effect.promise(() => db.close()),
      )
      const { status, body } = yield* Effect.provide(send("/health"), context)
      expect(status).toBe(503)
      expect(body).toEqual({
        status: "degraded",
        version: "0.1.0",
        checks: { database: "error" },
      })
      // Releasing closes PGlite a second time, which it refuses; that is this test's doing.
      yield* Effect.exit(Scope.close(scope, Exit.void))
    }),
  )
})
