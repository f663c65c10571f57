import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { backends, call, envelope, issueKey, provisionTenant, read } from "../support/identity-support.js"
import { allAtOnce, rounds } from "../support/race-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * Rotation cannot multiply a key. Every rotation used to leave its predecessor live for the
 * grace period, and a key could be rotated again and again (in parallel too), so one key could
 * become any number of live keys. Now a key is rotated at most once (its successor is the one
 * to rotate next), and rotating the successor ends the grace of the key before it: at most one
 * predecessor is ever in grace, so a key and its rotations are at most two live keys. On
 * Postgres parallel rotations of one key are released together by a barrier, over rounds.
 */

const Rotated = Schema.Struct({
  new_key: Schema.Struct({ id: Schema.String, raw_key: Schema.String }),
  old_key_expires_at: Schema.String,
})

const rotate = (userKey: string, keyId: string) =>
  call("POST", `/api/v1/api_keys/${keyId}/rotate`, { key: userKey, body: { grace_period_hours: 24 } })

/** Whether a raw key still authenticates. */
const isLive = (raw: string) =>
  Effect.map(call("GET", "/api/v1/tenants/me", { key: raw }), (answer) => answer.status === 200)

const alreadyRotated = envelope(422, "Cannot rotate a key that was already rotated; rotate its successor")

for (const { name, database } of backends) {
  layer(realServer(database).pipe(Layer.provide(collectLogs([]))), {
    timeout: 180_000,
    excludeTestServices: true,
  })(`key rotation on ${name}`, (it) => {
    it.effect("a key is rotated once; rotating its successor ends the grace of the key before it", () =>
      Effect.gen(function* () {
        const tenant = yield* provisionTenant("rotation")
        const first = yield* issueKey(tenant.userKey, { name: "ci", role: "agent" })

        const once = yield* rotate(tenant.userKey, first.id)
        expect(once.status).toBe(201)
        const second = read(Rotated, once).new_key
        expect([yield* isLive(first.raw), yield* isLive(second.raw_key)]).toEqual([true, true])

        // The rotated key cannot be rotated again: that is how one key became many.
        const again = yield* rotate(tenant.userKey, first.id)
        expect(again.status).toBe(422)
        expect(again.body).toEqual(alreadyRotated)

        // Rotating the successor: it goes into grace, and the first key's grace ends now.
        const next = yield* rotate(tenant.userKey, second.id)
        expect(next.status).toBe(201)
        const third = read(Rotated, next).new_key
        expect([
          yield* isLive(first.raw),
          yield* isLive(second.raw_key),
          yield* isLive(third.raw_key),
        ]).toEqual([false, true, true])

        // The audit trail says what happened to each key.
        const audit = yield* call("GET", `/api/v1/audit?entity_type=api_key&entity_id=${first.id}`, {
          key: tenant.userKey,
        })
        const actions = read(
          Schema.Struct({ data: Schema.Array(Schema.Struct({ action: Schema.String })) }),
          audit,
        )
          .data.map((entry) => entry.action)
          .sort()
        expect(actions).toEqual(["created", "grace_ended", "rotated"])
      }),
    )

    it.effect(`8 parallel rotations of one key: one succeeds, and two keys are live (${rounds} rounds)`, () =>
      Effect.gen(function* () {
        const tenant = yield* provisionTenant("rotation-race")
        for (let round = 1; round <= rounds; round++) {
          const key = yield* issueKey(tenant.userKey, { name: `race-${round}`, role: "user" })
          const answers = yield* allAtOnce(Array.from({ length: 8 }, () => rotate(tenant.userKey, key.id)))
          const statuses = answers.map((answer) => answer.status).sort()
          expect(statuses, `round ${round}`).toEqual([201, 422, 422, 422, 422, 422, 422, 422])
          for (const answer of answers) if (answer.status === 422) expect(answer.body).toEqual(alreadyRotated)
          const successors = answers.flatMap((answer) =>
            answer.status === 201 ? [read(Rotated, answer).new_key.raw_key] : [],
          )
          const live = yield* Effect.forEach([key.raw, ...successors], isLive)
          expect(live, `round ${round}`).toEqual([true, true])
        }
      }),
    )

    it.effect(`parallel rotations of a key and of its successor leave two live keys (${rounds} rounds)`, () =>
      Effect.gen(function* () {
        const tenant = yield* provisionTenant("rotation-chain-race")
        for (let round = 1; round <= rounds; round++) {
          const key = yield* issueKey(tenant.userKey, { name: `chain-${round}`, role: "user" })
          const successor = read(Rotated, yield* rotate(tenant.userKey, key.id)).new_key
          const answers = yield* allAtOnce([
            ...Array.from({ length: 4 }, () => rotate(tenant.userKey, successor.id)),
            ...Array.from({ length: 4 }, () => rotate(tenant.userKey, key.id)),
          ])
          expect(
            answers.filter((answer) => answer.status === 201),
            `round ${round}`,
          ).toHaveLength(1)
          const third = answers.flatMap((answer) =>
            answer.status === 201 ? [read(Rotated, answer).new_key.raw_key] : [],
          )
          const live = yield* Effect.forEach([key.raw, successor.raw_key, ...third], isLive)
          expect(live, `round ${round}`).toEqual([false, true, true])
        }
      }),
    )
  })
}
