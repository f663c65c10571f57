import { describe, expect, it } from "@effect/vitest"
import {
  CHANGES_LIMIT,
  Rules,
  type Timestamp,
  parseTimestamp,
  timeProblem,
  timestampFromNanos,
} from "@loopctl/core"
import { Effect, Either, FastCheck, type Schema } from "effect"
import { errorEnvelope } from "../../core/test/fixtures/wire-status.js"
import { AuditQuery, ChangesQuery, HistoryQuery } from "../src/audit/audit.js"
import { decodeQuery } from "../src/contract/query-fields.js"
import { PlatformAuditQuery } from "../src/identity/admin.js"

/**
 * The audit endpoints' query strings (platform.md §9.3–§9.5): decoded by the contract's typed
 * Schemas, then served by the core's rules (defaults, clamps). Empty values mean "no filter"; a
 * uuid filter that is not a uuid is a 404; a time, an actor type or a number that does not read
 * as one is a 400 naming it (D26). These are the refusals the core's parsers answered before.
 */

const { auditListOf, changesOf, historyPage, matchesNothing, nextSince, platformAuditListOf } =
  Rules.AuditQuery

/** A query decoded the way the server decodes it: the value, or the error it answers. */
const decoded = <A, I>(schema: Schema.Schema<A, I>, query: unknown) =>
  Effect.runSync(Effect.either(decodeQuery(schema, query)))

const parseAuditQuery = (query: Readonly<Record<string, unknown>>) =>
  Either.map(decoded(AuditQuery, query), auditListOf)
const parsePlatformAuditQuery = (query: Readonly<Record<string, unknown>>) =>
  Either.map(decoded(PlatformAuditQuery, query), platformAuditListOf)
const parseChangesQuery = (query: Readonly<Record<string, unknown>>) =>
  Either.map(decoded(ChangesQuery, query), changesOf)
const parseSince = (since: string) => Either.map(decoded(ChangesQuery, { since }), (query) => query.since)

const uuid = "0a1b2c3d-0000-4000-8000-00000000abcd"

/** Instants between 2026-01-01 and about 2027, with microseconds. */
const arbInstant: FastCheck.Arbitrary<Timestamp> = FastCheck.bigInt({
  min: 1_767_225_600_000_000_000n,
  max: 1_800_000_000_000_000_000n,
}).map(timestampFromNanos)

const arbBlank = FastCheck.constantFrom("", " ", "\t", "  \n")

/** The reference reading of an integer query value: blank is absent; only digits (and a sign) are a number. */
const strictInteger = (value: string): number | undefined | "invalid" => {
  const text = value.trim()
  if (text === "") return undefined
  return /^[+-]?\d+$/.test(text) ? Number(text) : "invalid"
}

const message = <A>(outcome: Either.Either<A, Parameters<typeof errorEnvelope>[0]>) =>
  Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => null })

describe("the audit list's query", () => {
  it("reads every filter, the time range and the page", () => {
    const parsed = parseAuditQuery({
      entity_type: "story",
      entity_id: uuid.toUpperCase(),
      action: "status_changed",
      actor_type: "api_key",
      actor_id: uuid,
      project_id: uuid,
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-02T01:00:00.5+01:00",
      page: "3",
      page_size: "10",
    })
    expect(parsed).toEqual(
      Either.right({
        filter: {
          entity_type: "story",
          entity_id: uuid,
          action: "status_changed",
          actor_type: "api_key",
          actor_id: uuid,
          project_id: uuid,
          from: "2026-01-01T00:00:00.000000Z",
          to: "2026-01-02T00:00:00.500000Z",
        },
        page: { page: 3, page_size: 10 },
      }),
    )
  })

  it.prop(
    "blank values filter nothing",
    [arbBlank, arbBlank, arbBlank, arbBlank, arbBlank, arbBlank, arbBlank, arbBlank],
    ([entity_type, entity_id, action, actor_type, actor_id, project_id, from, to]) => {
      const parsed = parseAuditQuery({
        entity_type,
        entity_id,
        action,
        actor_type,
        actor_id,
        project_id,
        from,
        to,
      })
      expect(parsed).toEqual(Either.right({ filter: {}, page: { page: 1, page_size: 20 } }))
    },
  )

  it.prop(
    "a uuid filter that is not a uuid is a 404; any other text is a filter as given",
    [
      FastCheck.constantFrom("entity_id", "actor_id", "project_id"),
      FastCheck.string({ minLength: 1 }).filter((s) => s.trim() !== "" && !/^[0-9a-f-]{36}$/i.test(s.trim())),
    ],
    ([field, value]) => {
      expect(message(parseAuditQuery({ [field]: value }))).toEqual({ status: 404, message: "Not found" })
      const free = parseAuditQuery({ entity_type: value, action: value })
      expect(Either.map(free, (q) => q.filter)).toEqual(Either.right({ entity_type: value, action: value }))
    },
  )

  it.prop(
    "from and to are kept when they are instants with a zone; blank is no bound; anything else is a 400 naming them",
    [FastCheck.oneof(arbInstant, FastCheck.string(), FastCheck.constant("2026-01-01T00:00:00"))],
    ([value]) => {
      const parsed = parseAuditQuery({ from: value, to: value })
      const instant = parseTimestamp(value.trim())
      if (value.trim() === "") expect(Either.map(parsed, (q) => q.filter)).toEqual(Either.right({}))
      else if (instant === undefined)
        expect(Either.isLeft(parsed) && parsed.left._tag === "BadRequest" && parsed.left.details).toEqual({
          from: [timeProblem],
          to: [timeProblem],
        })
      else expect(Either.map(parsed, (q) => q.filter)).toEqual(Either.right({ from: instant, to: instant }))
    },
  )

  it.prop(
    "an actor type is one of the four, else a 400 listing them",
    [FastCheck.oneof(FastCheck.constantFrom("api_key", "superadmin", "system", "human"), FastCheck.string())],
    ([value]) => {
      const parsed = parseAuditQuery({ actor_type: value })
      const known = ["api_key", "superadmin", "system", "human"].includes(value.trim())
      if (value.trim() === "") expect(Either.map(parsed, (q) => q.filter)).toEqual(Either.right({}))
      else if (known)
        expect(Either.map(parsed, (q) => q.filter)).toEqual(Either.right({ actor_type: value.trim() }))
      else
        expect(message(parsed)).toMatchObject({
          status: 400,
          details: { actor_type: [expect.stringContaining("api_key")] },
        })
    },
  )

  it.prop(
    "the page is 20 by default, at most 100, and `limit` is an alias of page_size; a size below 1 or not an integer is a 400",
    [FastCheck.oneof(FastCheck.integer({ min: -500, max: 500 }).map(String), FastCheck.string())],
    ([size]) => {
      const read = strictInteger(size)
      for (const [name, query] of [
        ["page_size", { page_size: size }],
        ["limit", { limit: size }],
      ] as const) {
        const parsed = parseAuditQuery(query)
        if (read === "invalid" || (read !== undefined && read < 1))
          expect(message(parsed)).toMatchObject({ status: 400, details: { [name]: [expect.any(String)] } })
        else
          expect(Either.map(parsed, (q) => q.page)).toEqual(
            Either.right({ page: 1, page_size: read === undefined ? 20 : Math.min(100, read) }),
          )
      }
    },
  )
})

describe("the superadmin's audit query", () => {
  it.prop(
    "a tenant filter is a lower-cased uuid, blank means none, anything else is a 404; project is no filter",
    [
      FastCheck.uuid(),
      arbBlank,
      FastCheck.string({ minLength: 1 }).filter((s) => s.trim() !== "" && !/^[0-9a-f-]{36}$/i.test(s.trim())),
    ],
    ([tenant, blank, garbage]) => {
      const parsed = parsePlatformAuditQuery({ tenant_id: tenant.toUpperCase(), action: "created" })
      expect(Either.map(parsed, (q) => q.filter)).toEqual(
        Either.right({ tenant_id: tenant.toLowerCase(), action: "created" }),
      )
      expect(Either.map(parsePlatformAuditQuery({ tenant_id: blank }), (q) => q.filter)).toEqual(
        Either.right({}),
      )
      expect(message(parsePlatformAuditQuery({ tenant_id: garbage }))).toEqual({
        status: 404,
        message: "Not found",
      })
      const withProject = { tenant_id: tenant, project_id: tenant }
      expect(Either.map(parsePlatformAuditQuery(withProject), (q) => q.filter)).toEqual(
        Either.right({ tenant_id: tenant.toLowerCase() }),
      )
    },
  )
})

describe("filters no entry can match", () => {
  it.prop(
    "a filter matches nothing exactly when one of its texts holds a NUL or a lone surrogate",
    [FastCheck.string(), FastCheck.constantFrom("\u0000", "\ud800", "\udfff", "")],
    ([text, poison]) => {
      const value = `${text}${poison}`
      const expected = poison !== ""
      expect(matchesNothing({ entity_type: value })).toBe(expected)
      expect(matchesNothing({ action: "created", entity_type: value })).toBe(expected)
    },
  )
})

describe("the change feed's query", () => {
  it("needs since, with the spec's messages", () => {
    const required = { status: 400, message: "The 'since' parameter is required" }
    const invalid = {
      status: 400,
      message: "Invalid timestamp format for 'since'. Expected ISO8601 (e.g., 2026-01-01T00:00:00Z)",
      details: { since: [timeProblem] },
    }
    expect(message(parseChangesQuery({}))).toEqual(required)
    expect(message(parseChangesQuery({ since: "" }))).toEqual(required)
    expect(message(parseChangesQuery({ since: "2026-01-01T00:00:00" }))).toEqual(invalid)
    expect(message(parseChangesQuery({ since: "yesterday" }))).toEqual(invalid)
    expect(message(parseChangesQuery({ since: "2026-02-30T00:00:00Z" }))).toEqual(invalid)
    // A repeated parameter is not text: the contract's 422, as for any value of the wrong type.
    expect(message(parseChangesQuery({ since: ["2026-01-01T00:00:00Z"] }))?.status).toBe(422)
  })

  it("checks since before the filters", () => {
    expect(message(parseChangesQuery({ project_id: "nope" }))?.status).toBe(400)
    expect(message(parseChangesQuery({ since: "2026-01-01T00:00:00Z", project_id: "nope" }))?.status).toBe(
      404,
    )
  })

  it.prop(
    "any instant with Z or an offset is a cursor",
    [arbInstant, FastCheck.integer({ min: -12, max: 14 })],
    ([at, hours]) => {
      expect(parseSince(at)).toEqual(Either.right(at))
      const shifted = new Date(Date.parse(at) + hours * 3_600_000).toISOString().slice(0, 19)
      const offset = `${hours < 0 ? "-" : "+"}${String(Math.abs(hours)).padStart(2, "0")}:00`
      const micros = at.slice(19, 26)
      expect(parseSince(`${shifted}${micros}${offset}`)).toEqual(Either.right(at))
    },
  )

  it.prop(
    "limit is an integer of at least 1, 1000 when absent, served at most 1000; zero, negatives and garbage are refused",
    [FastCheck.oneof(FastCheck.integer({ min: -5000, max: 5000 }).map(String), FastCheck.string())],
    ([value]) => {
      const parsed = parseChangesQuery({ since: "2026-01-01T00:00:00Z", limit: value })
      const read = strictInteger(value)
      const refused = read === "invalid" || (read !== undefined && read < 1)
      if (refused) {
        expect(message(parsed)).toMatchObject({ status: 400, details: { limit: [expect.any(String)] } })
        return
      }
      const limit = Either.getOrThrow(Either.map(parsed, (q) => q.limit))
      expect(limit).toBeGreaterThanOrEqual(1)
      expect(limit).toBeLessThanOrEqual(CHANGES_LIMIT)
      expect(limit).toBe(read === undefined ? 1000 : Math.min(1000, read))
    },
  )

  it("reads the filters, ignoring blank ones", () => {
    const parsed = parseChangesQuery({
      since: "2026-01-01T00:00:00Z",
      limit: "5",
      project_id: uuid,
      entity_type: "story",
      action: "",
    })
    expect(parsed).toEqual(
      Either.right({
        since: "2026-01-01T00:00:00.000000Z",
        limit: 5,
        filter: { project_id: uuid, entity_type: "story" },
      }),
    )
  })

  it.prop(
    "next_since is the last entry's instant when more follow, else null",
    [FastCheck.array(arbInstant, { maxLength: 5 }).map((xs) => [...xs].sort()), FastCheck.boolean()],
    ([instants, more]) => {
      const entries = instants.map((inserted_at) => ({ inserted_at }))
      expect(nextSince(entries, more)).toBe(more ? (instants[instants.length - 1] ?? null) : null)
    },
  )
})

describe("a story history's query", () => {
  it.prop(
    "the page is 100 by default and at most 100; a size below 1 is a 400",
    [FastCheck.option(FastCheck.integer({ min: -500, max: 500 }), { nil: undefined })],
    ([size]) => {
      const query = size === undefined ? {} : { page_size: String(size) }
      const page = Either.map(decoded(HistoryQuery, query), historyPage)
      if (size !== undefined && size < 1) expect(Either.isLeft(page)).toBe(true)
      else
        expect(page).toEqual(
          Either.right({ page: 1, page_size: size === undefined ? 100 : Math.min(100, size) }),
        )
    },
  )
})
