import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel, Logger } from "effect"
import pg from "pg"
import { roundTripCounter } from "./round-trip-counter.js"
import { budgetOf, countRoundTrips, formatRoundTrips } from "./round-trips.js"
import { useCases } from "./store-baseline.js"

/**
 * The round-trip count is only worth its figures if the relay counts what the client waits for:
 * a simple query is one, a parameterized one (Parse/Bind/Execute/Sync in one write) is one, a
 * transaction is one per statement. Then the benchmark's code path runs with every call 2xx.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined

describe.runIf(databaseUrl !== undefined)("the round-trip counter", () => {
  const url = databaseUrl ?? ""

  it.scoped("counts one per simple query, per parameterized query and per transaction statement", () =>
    Effect.gen(function* () {
      const counter = yield* roundTripCounter(url)
      const client = new pg.Client({ connectionString: counter.url })
      yield* Effect.promise(() => client.connect())
      yield* Effect.addFinalizer(() => Effect.promise(() => client.end()))
      counter.reset()
      yield* Effect.promise(() => client.query("SELECT 1"))
      expect(counter.count()).toBe(1)
      yield* Effect.promise(() => client.query("SELECT $1::int + $2::int AS n", [1, 2]))
      expect(counter.count()).toBe(2)
      counter.reset()
      yield* Effect.promise(async () => {
        await client.query("BEGIN")
        await client.query("SELECT $1::text", ["a"])
        await client.query("SELECT 2; SELECT 3")
        await client.query("COMMIT")
      })
      expect(counter.count()).toBe(4)
    }),
  )

  it.effect(
    "counts every call of the story loop on the production server, each answered 2xx",
    () =>
      Effect.gen(function* () {
        const calls = yield* countRoundTrips(url)
        expect(calls.map((c) => c.call)).toEqual([
          "GET /health",
          "GET /tenants/me",
          "GET /stories/ready",
          "GET /stories/blocked",
          "GET /stories?project_id",
          "GET /stories/:id",
          ...useCases,
        ])
        // Every call but the health check reads the database at least to authenticate.
        for (const c of calls.slice(1)) expect(c.roundTrips).toBeGreaterThan(0)
        // Authentication and the rate count are one round trip: one query carries the key
        // lookup's scope, the lookup and the count, and no other query touches either.
        for (const c of calls.slice(1)) {
          const auth = c.statements.filter(
            (text) => text.includes("app.api_key_hash") || text.includes("loopctl_rate_hit"),
          )
          expect({ call: c.call, auth: auth.length }).toEqual({ call: c.call, auth: 1 })
          expect(auth[0]).toContain("loopctl_rate_hit")
          expect(auth[0]).not.toMatch(/\bBEGIN\b|\bCOMMIT\b/)
        }
        // The budgets of the standards, counted on the wire: a read at most 3 round trips, a
        // transition at most 5. The blocked queue here is empty, and a page with no rows pays one
        // more statement for its total (a non-empty page carries the total in its rows).
        const over = calls.flatMap((c) => {
          const budget = budgetOf(c.kind)
          const allowed =
            budget === undefined ? c.roundTrips : budget + (c.call === "GET /stories/blocked" ? 1 : 0)
          return c.roundTrips > allowed ? [{ call: c.call, roundTrips: c.roundTrips, budget }] : []
        })
        expect(over).toEqual([])
        expect(formatRoundTrips(calls)).toHaveLength(calls.length + 1)
      }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)),
    120_000,
  )
})
