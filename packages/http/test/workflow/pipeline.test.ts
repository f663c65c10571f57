import {
  FetchHttpClient,
  HttpApi,
  HttpApiBuilder,
  HttpApiClient,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpClient,
  HttpClientRequest,
  OpenApi,
} from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Access, CurrentActor, Enveloped, payloadStruct, publicEndpoint, requireRole } from "@loopctl/api"
import { Conflict, TransitionConflict, isPlatformActor } from "@loopctl/core"
import { MemoryPorts } from "@loopctl/core/memory"
import { Effect, Either, Layer, Schema } from "effect"
import { AuthenticationLive, serveApi } from "../../src/index.js"
import { type LoggedLine, baseUrl, collectLogs, fakeAuthenticator, send } from "../support/support.js"

/**
 * The server's request pipeline around a probe API whose endpoints exercise it: role rules,
 * schema failures, empty and ignored bodies, defects and core errors, and the typed client's
 * decoding of error envelopes back into the core's classes. Same middleware, same Node server.
 */

const Whoami = Schema.Struct({ role: Schema.String, key_name: Schema.String })

const transition = new TransitionConflict({
  message: "Story must be contracted before it can be claimed",
  code: "must_contract_first",
  current_state: "pending",
  attempted_action: "claim",
  hints: ["POST /api/v1/stories/:id/contract first"],
  context: {
    current_agent_status: "pending",
    current_verified_status: "unverified",
    attempted_action: "claim",
  },
})

class Probe extends HttpApiGroup.make("probe")
  .add(
    HttpApiEndpoint.get("agentsOnly", "/probe/agents-only")
      .addSuccess(Whoami)
      .annotate(OpenApi.Summary, "exact agent")
      .pipe(requireRole(Access.exact("agent"))),
  )
  .add(
    HttpApiEndpoint.get("reviewers", "/probe/reviewers")
      .addSuccess(Whoami)
      .annotate(OpenApi.Summary, "exact agent or orchestrator")
      .pipe(requireRole(Access.exact("agent", "orchestrator"))),
  )
  .add(
    HttpApiEndpoint.get("orchestratorsUp", "/probe/orchestrators-up")
      .addSuccess(Whoami)
      .annotate(OpenApi.Summary, "min orchestrator")
      .pipe(requireRole(Access.min("orchestrator"))),
  )
  .add(
    HttpApiEndpoint.post("create", "/probe/things")
      .setPayload(payloadStruct({ name: Schema.String, count: Schema.Int }))
      .addSuccess(Schema.Struct({ name: Schema.String, count: Schema.Int }), { status: 201 })
      .annotate(OpenApi.Summary, "required fields")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.post("touch", "/probe/touch")
      .setPayload(payloadStruct({ note: Schema.optional(Schema.String) }))
      .addSuccess(Schema.Struct({ note: Schema.NullOr(Schema.String) }))
      .annotate(OpenApi.Summary, "optional fields")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.get("search", "/probe/search")
      .setUrlParams(payloadStruct({ page: Schema.NumberFromString }))
      .addSuccess(Schema.Number)
      .annotate(OpenApi.Summary, "query schema")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.get("crash", "/probe/crash").annotate(OpenApi.Summary, "a defect").pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.post("claim", "/probe/claim")
      .addError(Enveloped.Conflict)
      .addError(Enveloped.TransitionConflict)
      .annotate(OpenApi.Summary, "a transition 409")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.post("duplicate", "/probe/duplicate")
      .addError(Enveloped.Conflict)
      .addError(Enveloped.TransitionConflict)
      .annotate(OpenApi.Summary, "a plain 409")
      .pipe(publicEndpoint),
  ) {}

class ProbeApi extends HttpApi.make("probe")
  .add(Probe)
  .addError(Enveloped.BadRequest)
  .addError(Enveloped.NotFound)
  .addError(Enveloped.PayloadTooLarge)
  .addError(Enveloped.ValidationFailed)
  .addError(Enveloped.InternalServerError)
  .addError(Enveloped.Unavailable) {}

const whoami = Effect.map(CurrentActor, ({ caller }) => ({
  role: isPlatformActor(caller) ? "superadmin" : caller.role,
  key_name: caller.key_name,
}))

const ProbeLive = HttpApiBuilder.group(ProbeApi, "probe", (handlers) =>
  handlers
    .handle("agentsOnly", () => whoami)
    .handle("reviewers", () => whoami)
    .handle("orchestratorsUp", () => whoami)
    .handle("create", ({ payload }) => Effect.succeed(payload))
    .handle("touch", ({ payload }) => Effect.succeed({ note: payload.note ?? null }))
    .handle("search", ({ urlParams }) => Effect.succeed(urlParams.page))
    .handle("crash", () => Effect.die(new Error("the probe fell over")))
    .handle("claim", () => Effect.fail(transition))
    .handle("duplicate", () => Effect.fail(new Conflict({ message: "Conflict" }))),
)

const logs: Array<LoggedLine> = []

const server = serveApi(
  HttpApiBuilder.api(ProbeApi).pipe(
    Layer.provide(ProbeLive),
    Layer.provide(AuthenticationLive(ProbeApi)),
    Layer.provide(Layer.merge(fakeAuthenticator, MemoryPorts)),
  ),
  { port: 0, host: "127.0.0.1" },
).pipe(Layer.provide(collectLogs(logs)))

const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } })

const postJson = (
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
) => ({
  method: "POST",
  headers,
  body,
})

layer(server, { excludeTestServices: true })("the request pipeline", (it) => {
  describe("role rules declared on the endpoints", () => {
    it.effect("exact roles admit only the listed roles, with the spec's 403 message", () =>
      Effect.gen(function* () {
        expect((yield* send("/probe/agents-only", as("lc_agent"))).body).toEqual({
          role: "agent",
          key_name: "agent-key",
        })
        for (const key of ["lc_user", "lc_orchestrator", "lc_superadmin"]) {
          const { status, body } = yield* send("/probe/agents-only", as(key))
          expect(status).toBe(403)
          expect(body).toEqual({ error: { status: 403, message: "This endpoint requires the agent role" } })
        }
        expect((yield* send("/probe/reviewers", as("lc_orchestrator"))).status).toBe(200)
        expect((yield* send("/probe/reviewers", as("lc_user"))).body).toEqual({
          error: { status: 403, message: "This endpoint requires the agent or orchestrator role" },
        })
      }),
    )

    it.effect("a minimum role admits it and every higher role", () =>
      Effect.gen(function* () {
        for (const key of ["lc_orchestrator", "lc_user", "lc_superadmin"])
          expect((yield* send("/probe/orchestrators-up", as(key))).status).toBe(200)
        const { status, body } = yield* send("/probe/orchestrators-up", as("lc_agent"))
        expect(status).toBe(403)
        expect(body).toEqual({
          error: { status: 403, message: "Insufficient permissions. Required role: orchestrator" },
        })
      }),
    )

    it.effect("a missing key is 401 before any role check", () =>
      Effect.gen(function* () {
        const { status, body } = yield* send("/probe/agents-only")
        expect(status).toBe(401)
        expect(body).toEqual({ error: { status: 401, message: "Unauthorized" } })
      }),
    )
  })

  describe("bodies and schemas", () => {
    it.effect("a body that fails its schema is a 422 with field details", () =>
      Effect.gen(function* () {
        const missing = yield* send("/probe/things", postJson(JSON.stringify({ count: 2 })))
        expect(missing.status).toBe(422)
        expect(missing.body).toEqual({
          error: { status: 422, message: "Validation failed", details: { name: ["can't be blank"] } },
        })
        const wrong = yield* send("/probe/things", postJson(JSON.stringify({ name: 5, count: 1.5 })))
        expect(wrong.status).toBe(422)
        expect(Object.keys(Object(Object(wrong.body).error).details)).toEqual(["name", "count"])
        const notAnObject = yield* send("/probe/things", postJson("[1, 2]"))
        expect(notAnObject.status).toBe(422)
        expect(Object(Object(notAnObject.body).error).details).toHaveProperty("body")
        const ok = yield* send("/probe/things", postJson(JSON.stringify({ name: "a", count: 2 })))
        expect(ok.status).toBe(201)
        expect(ok.body).toEqual({ name: "a", count: 2 })
      }),
    )

    it.effect("a query that fails its schema is a 422 naming the parameter", () =>
      Effect.gen(function* () {
        const { status, body } = yield* send("/probe/search?page=abc")
        expect(status).toBe(422)
        expect(Object(Object(body).error).details).toHaveProperty("page")
        expect((yield* send("/probe/search?page=3")).body).toBe(3)
      }),
    )

    it.effect("an empty body reads as {} with or without a JSON content type (D20)", () =>
      Effect.gen(function* () {
        for (const init of [postJson(""), postJson("", {}), postJson("  \n"), { method: "POST" }]) {
          const { status, body } = yield* send("/probe/touch", init)
          expect(status).toBe(200)
          expect(body).toEqual({ note: null })
        }
        const blank = yield* send("/probe/things", postJson(""))
        expect(blank.status).toBe(422)
        expect(Object(Object(blank.body).error).details).toEqual({
          name: ["can't be blank"],
          count: ["can't be blank"],
        })
      }),
    )

    it.effect("a body of another content type is ignored, as the original did", () =>
      Effect.gen(function* () {
        const { status, body } = yield* send(
          "/probe/touch",
          postJson('{"note":"x"}', { "content-type": "text/plain" }),
        )
        expect(status).toBe(200)
        expect(body).toEqual({ note: null })
        const json = yield* send("/probe/touch", postJson('{"note":"x"}'))
        expect(json.body).toEqual({ note: "x" })
      }),
    )
  })

  describe("failures", () => {
    it.effect("a defect is a 500 carrying the request id, and its cause is logged", () =>
      Effect.gen(function* () {
        const { status, headers, body } = yield* send("/probe/crash")
        const requestId = headers.get("x-request-id")
        expect(status).toBe(500)
        expect(body).toEqual({
          error: { status: 500, message: "Internal server error", request_id: requestId },
        })
        const logged = logs.find(
          (line) => line.level === "ERROR" && line.annotations.request_id === requestId,
        )
        expect(logged?.cause).toContain("the probe fell over")
        expect(JSON.stringify(body)).not.toContain("fell over")
      }),
    )

    it.effect("a core error is rendered exactly as the contract's envelope schema encodes it", () =>
      Effect.gen(function* () {
        const { status, body } = yield* send("/probe/claim", { method: "POST" })
        expect(status).toBe(409)
        expect(body).toEqual(
          JSON.parse(JSON.stringify(Schema.encodeSync(Enveloped.TransitionConflict)(transition))),
        )
      }),
    )
  })

  describe("the typed client", () => {
    const client = Effect.flatMap(baseUrl, (url) =>
      HttpApiClient.make(ProbeApi, {
        baseUrl: url,
        transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken("lc_user")),
      }),
    ).pipe(Effect.provide(FetchHttpClient.layer))

    it.effect(
      "decodes a transition 409 into the core's TransitionConflict, and a plain one into Conflict",
      () =>
        Effect.gen(function* () {
          const probe = (yield* client).probe
          const refused = yield* Effect.either(probe.claim())
          expect(Either.isLeft(refused)).toBe(true)
          if (Either.isLeft(refused)) {
            expect(refused.left).toBeInstanceOf(TransitionConflict)
            expect(refused.left).toEqual(transition)
          }
          const duplicate = yield* Effect.flip(probe.duplicate())
          expect(duplicate).toBeInstanceOf(Conflict)
          expect(duplicate).toEqual(new Conflict({ message: "Conflict" }))
        }),
    )

    it.effect("decodes the 403 of a role rule into the core's Forbidden", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip((yield* client).probe.agentsOnly())
        expect(error._tag).toBe("Forbidden")
        expect(error.message).toBe("This endpoint requires the agent role")
      }),
    )
  })
})
