import { HttpApiBuilder, HttpServerResponse, OpenApi } from "@effect/platform"
import {
  type Discovery,
  HealthDegraded,
  HealthReport,
  LoopctlApi,
  routeEntries,
  routeRules,
  version,
} from "@loopctl/api"
import { Effect } from "effect"
import { healthChecks, isHealthy } from "./health.js"
import { swaggerPage } from "./swagger-page.js"

/** The discovery body of `GET /api/v1/` (the original's five keys). */
const discovery: Discovery = {
  name: "loopctl",
  version,
  docs: "/api/v1/openapi",
  swagger_ui: "/swaggerui",
  health: "/health",
}

/** `GET /health`: 200 when every check passes, else 503 with `status: "degraded"`. */
const health = Effect.gen(function* () {
  const checks = yield* healthChecks
  return isHealthy(checks)
    ? new HealthReport({ status: "ok", version, checks })
    : yield* Effect.fail(new HealthDegraded({ status: "degraded", version, checks }))
})

/**
 * The handlers of the `system` group. The route list, OpenAPI document and Swagger page are built
 * once, the last two on their first request: together they took about a third of the start-up
 * time and kept a large document in memory that an agent fleet never asks for.
 */
export const SystemLive = HttpApiBuilder.group(LoopctlApi, "system", (handlers) =>
  Effect.gen(function* () {
    const routes = routeEntries(routeRules(LoopctlApi))
    const openApi = yield* Effect.cached(
      Effect.sync(() => HttpServerResponse.unsafeJson(OpenApi.fromApi(LoopctlApi))),
    )
    // The page is rendered whole, so the router scope it is rendered in can close at once.
    const swagger = yield* Effect.cached(Effect.orDie(Effect.scoped(swaggerPage(LoopctlApi))))
    return handlers
      .handle("health", () => health)
      .handle("root", () => Effect.succeed(HttpServerResponse.redirect("/api/v1/", { status: 302 })))
      .handle("discovery", () => Effect.succeed(discovery))
      .handle("routes", () => Effect.succeed({ routes, count: routes.length }))
      .handle("openapi", () => openApi)
      .handle("swaggerUi", () => swagger)
  }),
)
