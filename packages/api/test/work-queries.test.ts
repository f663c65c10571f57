import { describe, expect, it } from "@effect/vitest"
import { AgentStatus, MAX_OFFSET, Rules, VerifiedStatus, pageRequest } from "@loopctl/core"
import { Effect, Either, FastCheck, Schema } from "effect"
import { errorEnvelope } from "../../core/test/fixtures/wire-status.js"
import { pageQueryFields } from "../src/contract/list-meta.js"
import { payloadStruct } from "../src/contract/payload.js"
import { decodeQuery } from "../src/contract/query-fields.js"
import { BlockedQuery, EpicStoryQuery, ReadyQuery, StoryListQuery } from "../src/work/stories.js"

/**
 * The page parameters and the story lists' query strings (workflow.md §1.3, §4.5), decoded by the
 * contract's typed Schemas and served by the core's rules. A blank value is not given; an id that
 * is not a uuid is a 404, as a malformed id is everywhere, answered before anything else; a status
 * nobody has, or a negative or unreadable number, is a 400 naming the parameter (D26). These are
 * the answers the core's parsers gave before.
 */

const { epicStoryPage, queueScope, statusFilter, storyListWindow } = Rules.StoryQuery

const uuid = "0a1b2c3d-0000-4000-8000-00000000abcd"
const PageQuery = payloadStruct(pageQueryFields)

/** A query decoded the way the server decodes it: the value, or the error envelope's `error`. */
const decoded = <A, I>(schema: Schema.Schema<A, I>, query: unknown) =>
  Either.mapLeft(Effect.runSync(Effect.either(decodeQuery(schema, query))), (e) => errorEnvelope(e).error)

/** The reference reading of an integer query value: blank is absent; only digits (and a sign) are a number. */
const strictInteger = (value: string): number | undefined | "invalid" => {
  const text = value.trim()
  if (text === "") return undefined
  return /^[+-]?\d+$/.test(text) ? Number(text) : "invalid"
}

const arbCount = FastCheck.oneof(
  FastCheck.integer({ min: -50, max: 2000 }).map(String),
  FastCheck.constantFrom("", " ", "1.5", "1e3", "12abc", "+7", " 8 ", "9".repeat(30)),
  FastCheck.string({ maxLength: 4 }),
)

describe("the page parameters", () => {
  it.prop(
    "whole numbers of at least 1 are kept, blank is not given, anything else is a 400 naming each",
    [arbCount, arbCount, arbCount],
    ([page, page_size, limit]) => {
      const outcome = decoded(PageQuery, { page, page_size, limit })
      const readings = {
        page_size: strictInteger(page_size),
        limit: strictInteger(limit),
        page: strictInteger(page),
      }
      const refused = Object.entries(readings).filter(
        ([, n]) => n === "invalid" || (n !== undefined && n < 1),
      )
      if (refused.length > 0) {
        expect(outcome).toEqual(
          Either.left({
            status: 400,
            message: expect.any(String),
            details: Object.fromEntries(
              refused.map(([name, n]) => [
                name,
                [n === "invalid" ? "must be an integer of at least 1" : "must be greater than or equal to 1"],
              ]),
            ),
          }),
        )
        return
      }
      expect(outcome).toEqual(
        Either.right({ page: readings.page, page_size: readings.page_size, limit: readings.limit }),
      )
    },
  )

  it("the message names each refused parameter with what it accepts", () => {
    expect(decoded(PageQuery, { page: "0" })).toEqual(
      Either.left({
        status: 400,
        message: "page must be greater than or equal to 1",
        details: { page: ["must be greater than or equal to 1"] },
      }),
    )
    expect(decoded(PageQuery, { limit: "1e3" })).toEqual(
      Either.left({
        status: 400,
        message: "limit must be an integer of at least 1",
        details: { limit: ["must be an integer of at least 1"] },
      }),
    )
  })

  it.prop(
    "served with the list's default and maximum: page_size wins over limit, a page beyond any row is the last reachable",
    [
      FastCheck.option(FastCheck.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      FastCheck.option(FastCheck.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      FastCheck.option(FastCheck.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
    ],
    ([page_size, limit, page]) => {
      const served = pageRequest({ page, page_size, limit }, { page_size: 20, max: 100 })
      expect(served.page_size).toBe(Math.min(100, page_size ?? limit ?? 20))
      expect(served.page).toBe(Math.min(Math.floor(MAX_OFFSET / served.page_size) + 1, page ?? 1))
    },
  )

  it.prop(
    "a decoded page encodes back to the text a client sends",
    [FastCheck.integer({ min: 1, max: 1e9 })],
    ([n]) => {
      const text = Schema.encodeSync(PageQuery)({ page: n, page_size: n })
      expect(text).toEqual({ page: String(n), page_size: String(n) })
      expect(decoded(PageQuery, text)).toEqual(Either.right({ page: n, page_size: n }))
    },
  )
})

describe("GET /stories' query", () => {
  it("project_id is required (400), ids are uuids (404), in that order, before any 400 naming a parameter", () => {
    const required = { status: 400, message: "project_id query parameter is required" }
    const notFound = { status: 404, message: "Not found" }
    expect(decoded(StoryListQuery, {})).toEqual(Either.left(required))
    expect(decoded(StoryListQuery, { project_id: " " })).toEqual(Either.left(required))
    expect(decoded(StoryListQuery, { agent_status: "bogus", limit: "0" })).toEqual(Either.left(required))
    expect(decoded(StoryListQuery, { epic_id: "x" })).toEqual(Either.left(required))
    expect(decoded(StoryListQuery, { project_id: "nope" })).toEqual(Either.left(notFound))
    expect(decoded(StoryListQuery, { project_id: "nope", agent_status: "bogus" })).toEqual(
      Either.left(notFound),
    )
    expect(decoded(StoryListQuery, { project_id: uuid, epic_id: "x", offset: "-1" })).toEqual(
      Either.left(notFound),
    )
  })

  it("an unknown status is a 400 listing the known ones; bad numbers are named together", () => {
    expect(decoded(StoryListQuery, { project_id: uuid, agent_status: "bogus" })).toEqual(
      Either.left({
        status: 400,
        message: "agent_status must be one of: pending, contracted, assigned, implementing, reported_done",
        details: {
          agent_status: ["must be one of: pending, contracted, assigned, implementing, reported_done"],
        },
      }),
    )
    expect(decoded(StoryListQuery, { project_id: uuid, limit: "lots", offset: "-5" })).toEqual(
      Either.left({
        status: 400,
        message: "limit must be an integer of at least 1; offset must be greater than or equal to 0",
        details: {
          limit: ["must be an integer of at least 1"],
          offset: ["must be greater than or equal to 0"],
        },
      }),
    )
    expect(decoded(StoryListQuery, { project_id: uuid, offset: "x" })).toMatchObject(
      Either.left({ status: 400, details: { offset: [expect.any(String)] } }),
    )
  })

  it.prop(
    "a valid query is served: ids lower-cased, blank filters dropped, limit 100 by default and at most 500, limit wins",
    [
      FastCheck.uuid(),
      FastCheck.option(FastCheck.uuid(), { nil: undefined }),
      FastCheck.constantFrom("", " ", ...AgentStatus.literals),
      FastCheck.constantFrom("", ...VerifiedStatus.literals),
      FastCheck.option(FastCheck.integer({ min: 1, max: 5000 }), { nil: undefined }),
      FastCheck.option(FastCheck.integer({ min: 1, max: 5000 }), { nil: undefined }),
      FastCheck.option(FastCheck.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
    ],
    ([project, epic, agent_status, verified_status, limit, page_size, offset]) => {
      const text = (n: number | undefined) => (n === undefined ? {} : { value: String(n) })
      const query = {
        project_id: project.toUpperCase(),
        ...(epic === undefined ? {} : { epic_id: epic }),
        agent_status: ` ${agent_status}`,
        verified_status,
        ...(limit === undefined ? {} : { limit: text(limit).value }),
        ...(page_size === undefined ? {} : { page_size: text(page_size).value }),
        ...(offset === undefined ? {} : { offset: text(offset).value }),
      }
      const served = Either.map(decoded(StoryListQuery, query), (q) => ({
        project_id: q.project_id,
        ...storyListWindow(q),
      }))
      expect(served).toEqual(
        Either.right({
          project_id: project.toLowerCase(),
          filter: {
            ...(agent_status.trim() === "" ? {} : { agent_status }),
            ...(verified_status === "" ? {} : { verified_status }),
            ...(epic === undefined ? {} : { epic_id: epic.toLowerCase() }),
          },
          range: {
            limit: Math.min(500, limit ?? page_size ?? 100),
            offset: Math.min(MAX_OFFSET, offset ?? 0),
          },
        }),
      )
    },
  )
})

describe("an epic's story list query", () => {
  it("pages 20 by default (page_size wins over limit, at most 100) and filters by status", () => {
    const served = (query: Readonly<Record<string, string>>) =>
      Either.map(decoded(EpicStoryQuery, query), (q) => ({ filter: statusFilter(q), page: epicStoryPage(q) }))
    expect(served({})).toEqual(Either.right({ filter: {}, page: { page: 1, page_size: 20 } }))
    expect(served({ page: "2", limit: "2", page_size: "1", verified_status: "verified" })).toEqual(
      Either.right({ filter: { verified_status: "verified" }, page: { page: 2, page_size: 1 } }),
    )
    expect(served({ page_size: "500" })).toEqual(
      Either.right({ filter: {}, page: { page: 1, page_size: 100 } }),
    )
    expect(served({ agent_status: "nonsense", page: "0" })).toMatchObject(
      Either.left({
        status: 400,
        details: { agent_status: [expect.any(String)], page: [expect.any(String)] },
      }),
    )
  })
})

describe("the queues' query", () => {
  it("optional ids (404 when malformed, before a bad page), a page of 100 by default, at most 500", () => {
    const served = (query: Readonly<Record<string, string>>) =>
      Either.map(decoded(ReadyQuery, query), queueScope)
    expect(served({})).toEqual(Either.right({ page: { page: 1, page_size: 100 } }))
    expect(served({ project_id: uuid.toUpperCase(), epic_id: uuid, page_size: "9999", page: "3" })).toEqual(
      Either.right({ project_id: uuid, epic_id: uuid, page: { page: 3, page_size: 500 } }),
    )
    const notFound = Either.left({ status: 404, message: "Not found" })
    expect(served({ project_id: "zzz" })).toEqual(notFound)
    expect(served({ epic_id: "zzz", page: "0" })).toEqual(notFound)
    expect(Either.map(decoded(BlockedQuery, { project_id: "bad" }), queueScope)).toEqual(notFound)
    expect(served({ page: "0" })).toMatchObject(
      Either.left({ status: 400, details: { page: [expect.any(String)] } }),
    )
  })
})
