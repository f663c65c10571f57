import { HttpServerResponse } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Unavailable } from "@loopctl/core"
import { Cause, Effect, Layer } from "effect"
import { answerFailure } from "../../src/edge/failures.js"
import { DatabaseProxy, databaseProxy } from "../support/database-proxy.js"
import { collectLogs, databaseUrl, postgresBackend, realServer, rootKey, send } from "../support/support.js"

/**
 * `Unavailable` (503) is what a request gets when the database cannot serve it — not a 500:
 * a unit of work that the database kept aborting for conflicts with concurrent transactions
 * gives up by dying with the core's `Unavailable` (its port has no error channel for it), and so
 * does one whose database went away. The server answers both in the error envelope.
 */

describe("a unit of work that gave up", () => {
  it.effect("is answered 503 Unavailable in the envelope", () =>
    Effect.gen(function* () {
      const message = "The request kept conflicting with concurrent requests and was not applied. Retry it."
      const response = HttpServerResponse.toWeb(yield* answerFailure(Cause.die(new Unavailable({ message }))))
      expect(response.status).toBe(503)
      expect(yield* Effect.promise(() => response.json())).toEqual({ error: { status: 503, message } })
    }),
  )
})

const unavailable = {
  error: { status: 503, message: "The database is unavailable. Retry the request later." },
}

const listTenants = send("/api/v1/admin/tenants", { headers: { authorization: `Bearer ${rootKey}` } })

if (databaseUrl !== undefined) {
  const serverUrl = databaseUrl
  // The server reaches its database only through the relay, which the test cuts and restores.
  const server = Layer.unwrapEffect(
    Effect.map(DatabaseProxy, (proxy) => realServer(postgresBackend(proxy.url))),
  ).pipe(Layer.provideMerge(databaseProxy(serverUrl)), Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(
    "a server whose database goes away",
    (it) => {
      it.effect(
        "answers 503 in the envelope while the database is unreachable, and serves again once it is back",
        () =>
          Effect.gen(function* () {
            const proxy = yield* DatabaseProxy
            const before = yield* listTenants
            expect(before.status, before.text).toBe(200)

            yield* proxy.cut
            const during = yield* listTenants
            expect(during.status, during.text).toBe(503)
            expect(during.body).toEqual(unavailable)
            const again = yield* listTenants
            expect(again.status, again.text).toBe(503)

            yield* proxy.restore
            const after = yield* listTenants
            expect(after.status, after.text).toBe(200)
          }),
      )
    },
  )
}
