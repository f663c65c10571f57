import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, ParseResult, Schema } from "effect"
import { refusedParameters } from "../src/contract/query-fields.js"
import { TenantListQuery } from "../src/identity/admin.js"
import { AgentListQuery } from "../src/identity/agents.js"
import { ApiKeyListQuery } from "../src/identity/api-keys.js"

/**
 * The identity lists' typed query strings: what each parameter reads as, and the refusals the
 * server answers with a 400 naming the parameter (D26), as the core's readers did before.
 */

/** The decoded query, or the parameters it refuses with their problems. */
const read = <A, I>(schema: Schema.Schema<A, I>, query: Readonly<Record<string, string>>) =>
  Either.match(Schema.decodeUnknownEither(schema, { errors: "all" })(query), {
    onLeft: (error) => ({ refused: refusedParameters(ParseResult.ArrayFormatter.formatErrorSync(error)) }),
    onRight: (decoded) => ({ decoded }),
  })

const padded = (text: string) => FastCheck.constantFrom(text, ` ${text}`, `${text} `)
const blank = FastCheck.constantFrom("", " ", "  \t")

describe("the agent list query", () => {
  it.prop(
    "keeps the known values it is given, reads blank as not given, and refuses any other, naming it",
    [
      FastCheck.constantFrom(undefined, "", " ", "orchestrator", "implementer", "robot"),
      FastCheck.constantFrom(undefined, " ", "active", "idle", "deactivated", "asleep"),
      FastCheck.constantFrom(undefined, "name", "status", "last_seen_at", "height"),
    ],
    ([agent_type, status, sort_by]) => {
      const given: Record<string, string> = {}
      for (const [key, value] of Object.entries({ agent_type, status, sort_by }))
        if (value !== undefined) given[key] = value
      const outcome = read(AgentListQuery, given)
      const unknown = Object.keys(given).filter((key) =>
        ["robot", "asleep", "height"].includes(given[key] ?? ""),
      )
      if (unknown.length > 0) {
        expect(outcome).toEqual({
          refused: Object.fromEntries(
            unknown.map((key) => [key, [expect.stringMatching(/^must be one of: /)]]),
          ),
        })
        return
      }
      // A given key is kept (blank as undefined, no filter); an absent one stays absent.
      const expected = Object.fromEntries(
        Object.entries(given).map(([key, value]) => [key, value.trim() === "" ? undefined : value]),
      )
      expect(outcome).toEqual({ decoded: expected })
    },
  )

  it("a refused value names what it accepts, as the core's reader words it", () => {
    expect(read(AgentListQuery, { status: "sleeping" })).toEqual({
      refused: { status: ["must be one of: active, idle, deactivated"] },
    })
  })
})

describe("the tenant list query", () => {
  it.prop(
    "reads a status and a trimmed search; blank is no filter",
    [padded("suspended"), padded("Acme")],
    ([status, search]) => {
      expect(read(TenantListQuery, { status, search })).toEqual({
        decoded: { status: "suspended", search: "Acme" },
      })
    },
  )

  it.prop("blank values are not given", [blank, blank], ([status, search]) => {
    expect(read(TenantListQuery, { status, search })).toEqual({
      decoded: { status: undefined, search: undefined },
    })
  })

  it("refuses an unknown status and a search the store cannot hold, naming each", () => {
    expect(read(TenantListQuery, { status: "gone", search: "a\u0000b" })).toEqual({
      refused: {
        status: ["must be one of: active, suspended, deactivated, pending_enrollment"],
        search: ["must not contain NUL characters or unpaired UTF-16 surrogates"],
      },
    })
  })
})

describe("the API key list query", () => {
  it.prop(
    "include_revoked reads true/1 and false/0, blank as not given, and refuses anything else",
    [FastCheck.constantFrom("true", "1", " true", "false", "0", "", " ", "maybe", "yes")],
    ([include_revoked]) => {
      const outcome = read(ApiKeyListQuery, { include_revoked })
      const trimmed = include_revoked.trim()
      if (trimmed === "") expect(outcome).toEqual({ decoded: { include_revoked: undefined } })
      else if (["true", "1"].includes(trimmed))
        expect(outcome).toEqual({ decoded: { include_revoked: true } })
      else if (["false", "0"].includes(trimmed))
        expect(outcome).toEqual({ decoded: { include_revoked: false } })
      else expect(outcome).toEqual({ refused: { include_revoked: ["must be true or false (or 1 or 0)"] } })
    },
  )

  it("encodes a typed query back to the text a client sends", () => {
    expect(Schema.encodeSync(ApiKeyListQuery)({ include_revoked: true })).toEqual({ include_revoked: "true" })
    expect(Schema.encodeSync(AgentListQuery)({ sort_by: "status" })).toEqual({ sort_by: "status" })
  })
})

describe("refusedParameters", () => {
  it("is none when any issue is a body field's", () => {
    expect(refusedParameters([{ path: ["name"], message: "can't be blank" }])).toBeUndefined()
    expect(refusedParameters([])).toBeUndefined()
  })
})
