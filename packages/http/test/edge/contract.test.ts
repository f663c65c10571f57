import { readFileSync } from "node:fs"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  Access,
  Enveloped,
  InternalServerError,
  LoopctlApi,
  RouteDeclarationError,
  checkAccess,
  describeAccess,
  errorStatus,
  publicEndpoint,
  routeRules,
  version,
} from "@loopctl/api"
import {
  Actor,
  AgentLinkRequired,
  ApiKeyId,
  BadRequest,
  Conflict,
  Forbidden,
  type LoopctlError,
  NotFound,
  PayloadTooLarge,
  PlatformActor,
  RateLimited,
  type Role,
  TenantId,
  TransitionConflict,
  Unauthorized,
  Unavailable,
  ValidationFailed,
} from "@loopctl/core"
import { Either, Schema } from "effect"
import { errorEnvelope, wireStatus } from "../../../core/test/fixtures/wire-status.js"

/** The contract package on its own: envelopes, access rules, the route table, the OpenAPI document. */

const transition = new TransitionConflict({
  message: "Cannot claim a story in state implementing",
  code: "invalid_transition",
  current_state: "implementing",
  attempted_action: "claim",
  hints: ["The story is already being implemented"],
  context: {
    current_agent_status: "implementing",
    current_verified_status: "unverified",
    attempted_action: "claim",
  },
  remediation: { learn_more: "/api/v1/routes" },
})

/** Encodes `error` with its envelope schema, checks the body against the plain rendering the core tests expect, decodes it back. */
const roundTrip =
  <A extends LoopctlError, I>(error: A, schema: Schema.Schema<A, I>) =>
  (): void => {
    const wire: unknown = JSON.parse(JSON.stringify(Schema.encodeSync(schema)(error)))
    expect(wire).toEqual(JSON.parse(JSON.stringify(errorEnvelope(error))))
    const decoded = Schema.decodeUnknownSync(schema)(wire)
    expect(decoded).toBeInstanceOf(error.constructor)
    expect(decoded).toEqual(error)
  }

/** One value of every core error class, with the envelope schema that carries it. */
const cases: ReadonlyArray<readonly [string, () => void]> = [
  ["BadRequest", roundTrip(new BadRequest({ message: "Bad Request" }), Enveloped.BadRequest)],
  ["AgentLinkRequired", roundTrip(AgentLinkRequired.orchestrator(), Enveloped.AgentLinkRequired)],
  ["Unauthorized", roundTrip(new Unauthorized({ message: "Invalid API key" }), Enveloped.Unauthorized)],
  [
    "Forbidden",
    roundTrip(new Forbidden({ message: "This endpoint requires the agent role" }), Enveloped.Forbidden),
  ],
  ["NotFound", roundTrip(NotFound.of("Story"), Enveloped.NotFound)],
  [
    "Conflict",
    roundTrip(new Conflict({ message: "Conflict", details: { agent_id: "a" } }), Enveloped.Conflict),
  ],
  ["TransitionConflict", roundTrip(transition, Enveloped.TransitionConflict)],
  [
    "PayloadTooLarge",
    roundTrip(new PayloadTooLarge({ message: "Request Entity Too Large" }), Enveloped.PayloadTooLarge),
  ],
  [
    "ValidationFailed (details)",
    roundTrip(ValidationFailed.ofFields({ name: ["can't be blank"] }), Enveloped.ValidationFailed),
  ],
  [
    "ValidationFailed (code, context)",
    roundTrip(
      new ValidationFailed({ message: "Agent ID required", code: "agent_id_required", context: { a: 1 } }),
      Enveloped.ValidationFailed,
    ),
  ],
  [
    "RateLimited",
    roundTrip(
      new RateLimited({ message: "Too many requests. Retry after 45 seconds.", retry_after_seconds: 45 }),
      Enveloped.RateLimited,
    ),
  ],
  ["Unavailable", roundTrip(new Unavailable({ message: "Database unavailable" }), Enveloped.Unavailable)],
]

describe("error envelopes", () => {
  it.each(cases)("%s encodes to errorEnvelope's body and decodes back to its class", (_name, check) =>
    check(),
  )

  it("the core tests expect the statuses the contract gives each tag", () => {
    const { InternalServerError: _server, ...coreStatuses } = errorStatus
    expect(wireStatus).toEqual(coreStatuses)
  })

  it("the 500 carries the request id", () => {
    const error = new InternalServerError({ message: "Internal server error", request_id: "req-1" })
    const wire = Schema.encodeSync(Enveloped.InternalServerError)(error)
    expect(wire).toEqual({ error: { status: 500, message: "Internal server error", request_id: "req-1" } })
    expect(Schema.decodeUnknownSync(Enveloped.InternalServerError)(wire)).toEqual(error)
  })

  it("a richer body is not mistaken for a plainer class, nor the other way round", () => {
    const wire = Schema.encodeSync(Enveloped.TransitionConflict)(transition)
    expect(Either.isLeft(Schema.decodeUnknownEither(Enveloped.Conflict)(wire))).toBe(true)
    const plain = { error: { status: 409, message: "Conflict" } }
    expect(Either.isLeft(Schema.decodeUnknownEither(Enveloped.TransitionConflict)(plain))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(Enveloped.NotFound)(plain))).toBe(true)
  })
})

describe("access rules", () => {
  const actor = (role: Role) =>
    new Actor({
      tenant_id: TenantId.make("7e1a0000-0000-4000-8000-000000000001"),
      api_key_id: ApiKeyId.make("7e1a0000-0000-4000-8000-000000000002"),
      key_name: "k",
      role,
      agent_id: null,
    })

  it("are written as /routes shows them", () => {
    expect(describeAccess(Access.public)).toBe("public")
    expect(describeAccess(Access.anyRole)).toBe("any")
    expect(describeAccess(Access.min("user"))).toBe("min:user")
    expect(describeAccess(Access.exact("agent"))).toBe("exact:agent")
    expect(describeAccess(Access.exact("agent", "orchestrator"))).toBe("exact:agent|orchestrator")
  })

  it("exact roles have no hierarchy and no superadmin bypass", () => {
    expect(Either.isRight(checkAccess(actor("agent"), Access.exact("agent")))).toBe(true)
    for (const role of ["superadmin", "user", "orchestrator"] as const)
      expect(checkAccess(actor(role), Access.exact("agent"))).toEqual(
        Either.left(new Forbidden({ message: "This endpoint requires the agent role" })),
      )
  })

  it("minimum roles follow superadmin > user > orchestrator > agent", () => {
    expect(Either.isRight(checkAccess(actor("superadmin"), Access.min("user")))).toBe(true)
    expect(Either.isRight(checkAccess(actor("user"), Access.min("user")))).toBe(true)
    expect(checkAccess(actor("orchestrator"), Access.min("user"))).toEqual(
      Either.left(new Forbidden({ message: "Insufficient permissions. Required role: user" })),
    )
  })
  it("a superadmin outside every tenant passes every minimum and only exact rules naming superadmin", () => {
    const platform = new PlatformActor({
      api_key_id: ApiKeyId.make("7e1a0000-0000-4000-8000-000000000003"),
      key_name: "root",
    })
    expect(checkAccess(platform, Access.min("user"))).toEqual(Either.right(platform))
    expect(checkAccess(platform, Access.exact("superadmin"))).toEqual(Either.right(platform))
    for (const rule of [Access.exact("agent"), Access.exact("agent", "orchestrator"), Access.exact("user")]) {
      // The same refusal the core gives a tenant actor of another role.
      expect(checkAccess(platform, rule)).toEqual(checkAccess(actor("superadmin"), rule))
      expect(Either.isLeft(checkAccess(platform, rule))).toBe(true)
    }
  })
})

describe("the route table", () => {
  it("lists every endpoint of the API with its access rule, the system group first", () => {
    const rules = routeRules(LoopctlApi)
    const listed = rules.map((rule) => `${rule.method} ${rule.path}`)
    expect(listed.slice(0, 6)).toEqual([
      "GET /health",
      "GET /",
      "GET /api/v1/",
      "GET /api/v1/routes",
      "GET /api/v1/openapi",
      "GET /swaggerui",
    ])
    expect(new Set(listed).size).toBe(listed.length)
    expect(rules.find((rule) => rule.path === "/api/v1/routes")?.access).toEqual(Access.anyRole)
  })

  it("gives the identity endpoints the roles of platform.md §4.2", () => {
    const declared = new Map(
      routeRules(LoopctlApi).map((rule) => [`${rule.method} ${rule.path}`, describeAccess(rule.access)]),
    )
    const expected: ReadonlyArray<readonly [string, string]> = [
      ["GET /api/v1/tenants/me", "any"],
      ["PATCH /api/v1/tenants/me", "min:user"],
      ["POST /api/v1/admin/tenants", "exact:superadmin"],
      ["GET /api/v1/admin/tenants", "exact:superadmin"],
      ["GET /api/v1/admin/tenants/:id", "exact:superadmin"],
      ["PATCH /api/v1/admin/tenants/:id", "exact:superadmin"],
      ["POST /api/v1/admin/tenants/:id/suspend", "exact:superadmin"],
      ["POST /api/v1/admin/tenants/:id/activate", "exact:superadmin"],
      ["GET /api/v1/admin/stats", "exact:superadmin"],
      ["POST /api/v1/api_keys", "min:user"],
      ["GET /api/v1/api_keys", "min:user"],
      ["DELETE /api/v1/api_keys/:id", "min:user"],
      ["POST /api/v1/api_keys/:id/rotate", "min:user"],
      ["POST /api/v1/agents/register", "exact:agent"],
      ["GET /api/v1/agents", "min:orchestrator"],
      ["GET /api/v1/agents/:id", "min:orchestrator"],
    ]
    for (const [route, role] of expected)
      expect({ route, role: declared.get(route) }).toEqual({ route, role })
  })

  it("refuses an endpoint that declares no access rule or no summary", () => {
    const undeclared = HttpApi.make("t").add(
      HttpApiGroup.make("g").add(HttpApiEndpoint.get("x", "/x").annotate(OpenApi.Summary, "x")),
    )
    expect(() => routeRules(undeclared)).toThrow(new RouteDeclarationError("GET /x declares no access rule"))
    const unsummarised = HttpApi.make("t").add(
      HttpApiGroup.make("g").add(HttpApiEndpoint.get("x", "/x").pipe(publicEndpoint)),
    )
    expect(() => routeRules(unsummarised)).toThrow(new RouteDeclarationError("GET /x has no summary"))
  })
})

describe("the OpenAPI document", () => {
  const spec = OpenApi.fromApi(LoopctlApi)
  const text = JSON.stringify(spec)

  it("names the API, its version, its servers and the bearer scheme", () => {
    expect(spec.info).toMatchObject({ title: "loopctl", version })
    expect(spec.servers?.map((server) => server.url)).toEqual([
      "/",
      "http://localhost:4000",
      "https://loopctl.local:8443",
    ])
    expect(spec.components.securitySchemes.BearerAuth).toMatchObject({ type: "http", scheme: "bearer" })
    expect(spec.paths["/api/v1/routes"]?.get?.security).toEqual([{ BearerAuth: [] }])
    expect(spec.paths["/health"]?.get?.security).toEqual([])
  })

  it("shows the envelopes, never the platform's decode error", () => {
    expect(text).not.toContain("HttpApiDecodeError")
    expect(Object.keys(spec.components.schemas)).not.toContain("Issue")
    expect(spec.paths["/health"]?.get?.responses[400]).toEqual({
      description: "Bad Request",
      content: { "application/json": { schema: { $ref: "#/components/schemas/BadRequest" } } },
    })
    expect(spec.paths["/api/v1/routes"]?.get?.responses).toHaveProperty("401")
  })
})

// What the contract may import is checked in packages/api/test/dependency-closure.test.ts.
describe("the contract's version", () => {
  it("states the package's version", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
    expect(version).toBe(manifest.version)
  })
})
