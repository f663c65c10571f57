import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import { ApiKey } from "../../../src/identity/domain/api-key.js"
import {
  checkRotatable,
  endedGrace,
  isKeyUsable,
  rotatedKey,
  secondsAfter,
  successorOf,
} from "../../../src/identity/rules/access.js"
import { ApiKeyId, TenantId } from "../../../src/kernel/domain/ids.js"
import { type Timestamp, timestampFromNanos } from "../../../src/kernel/domain/timestamp.js"

/**
 * The rotation rules played over generated sequences of rotations (of any key of the lineage,
 * with any grace, at any pace), the way the Access service applies them: however a key is
 * rotated, at most one of its predecessors is in grace, so at most two of its keys work.
 */

const start = timestampFromNanos(1_767_225_600_000_000_000n)

const keyNumber = (n: number) => ApiKeyId.make(`00000000-0000-4000-8000-${String(n).padStart(12, "0")}`)

const aKey = (n: number, at: Timestamp) =>
  new ApiKey({
    id: keyNumber(n),
    tenant_id: TenantId.make("7e1a0000-0000-4000-8000-0000000000bb"),
    name: "ci",
    key_prefix: "lc_abcde",
    key_hash: String(n).padStart(64, "0"),
    role: "agent",
    agent_id: null,
    last_used_at: null,
    expires_at: null,
    revoked_at: null,
    inserted_at: at,
    updated_at: at,
  })

/** One attempt: which key of the lineage (by position), with what grace, how long after the last. */
const arbAttempt = FastCheck.record({
  pick: FastCheck.nat(),
  grace: FastCheck.integer({ min: 0, max: 168 }),
  after: FastCheck.integer({ min: 0, max: 200 * 3600 }),
})

/** Applies one rotation attempt as the service does; the lineage is unchanged when it is refused. */
const attempt = (keys: ReadonlyArray<ApiKey>, target: ApiKey, grace: number, at: Timestamp) => {
  if (Either.isLeft(checkRotatable(target))) return { keys, rotated: false }
  const old = rotatedKey(target, at, grace)
  const successor = successorOf(aKey(keys.length, at), old)
  const predecessor = Option.fromNullable(keys.find((key) => key.id === target.rotated_from))
  const ended = Option.flatMap(predecessor, (found) => endedGrace(found, at))
  const replaced = keys.map((key) =>
    key.id === old.id ? old : Option.isSome(ended) && key.id === ended.value.id ? ended.value : key,
  )
  return { keys: [...replaced, successor], rotated: true }
}

describe("key rotation rules", () => {
  it.prop(
    "whatever is rotated, at most one predecessor is in grace and at most two keys work",
    [FastCheck.array(arbAttempt, { maxLength: 30 })],
    ([attempts]) => {
      let keys: ReadonlyArray<ApiKey> = [aKey(0, start)]
      let at = start
      for (const { pick, grace, after } of attempts) {
        at = secondsAfter(at, after)
        const target = keys[pick % keys.length]
        if (target === undefined) throw new Error("an empty lineage")
        keys = attempt(keys, target, grace, at).keys
        const working = keys.filter((key) => isKeyUsable(key, at))
        expect(working.filter((key) => key.rotated_at !== null).length).toBeLessThanOrEqual(1)
        expect(working.length).toBeLessThanOrEqual(2)
        // The newest key (the one no rotation replaced) always works.
        const newest = keys.filter((key) => key.rotated_at === null)
        expect(newest).toHaveLength(1)
        expect(newest.every((key) => isKeyUsable(key, at))).toBe(true)
      }
    },
  )

  it.prop(
    "a key is rotated once: only the newest key of a lineage can be rotated",
    [FastCheck.array(arbAttempt, { minLength: 1, maxLength: 20 })],
    ([attempts]) => {
      let keys: ReadonlyArray<ApiKey> = [aKey(0, start)]
      for (const { pick, grace } of attempts) {
        const target = keys[pick % keys.length]
        if (target === undefined) throw new Error("an empty lineage")
        const isNewest = target.id === keys.at(-1)?.id
        const result = attempt(keys, target, grace, start)
        expect(result.rotated).toBe(isNewest)
        keys = result.keys
      }
    },
  )

  it("rotation never lengthens a key's life, and ending a grace that is over changes nothing", () => {
    const expiring = new ApiKey({ ...aKey(1, start), expires_at: secondsAfter(start, 3600) })
    expect(rotatedKey(expiring, start, 24).expires_at).toBe(secondsAfter(start, 3600))
    expect(endedGrace(expiring, secondsAfter(start, 3600))).toEqual(Option.none())
    const ended = endedGrace(expiring, start)
    expect(Option.map(ended, (key) => key.expires_at)).toEqual(Option.some(start))
  })
})
