import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access, publicEndpoint, requireRole } from "../contract/access.js"

/**
 * The `system` group: health, discovery and the API's own documentation. Everything here is
 * public except `GET /api/v1/routes`, which needs a key of any role.
 */

/** The state of one part of this server in the health report. */
export const CheckState = Schema.Literal("ok", "error")
export type CheckState = typeof CheckState.Type

/**
 * One entry per part of this server that can fail on its own. Only the database exists so far;
 * the background worker gets its entry here (and its check in health.ts) when it is built.
 */
export const HealthChecks = Schema.Struct({
  database: CheckState,
})
export type HealthChecks = typeof HealthChecks.Type

const healthFields = {
  status: Schema.Literal("ok", "degraded"),
  version: Schema.String,
  checks: HealthChecks,
}

/** `GET /health` when every check passes (200). */
export class HealthReport extends Schema.Class<HealthReport>("HealthReport")(healthFields) {}

/** `GET /health` when a check fails (503): the same shape with `status: "degraded"`. */
export class HealthDegraded extends Schema.Class<HealthDegraded>("HealthDegraded")(healthFields, {
  description: "A dependency check failed",
}) {}

/** `GET /api/v1/`: where to go next. */
export const Discovery = Schema.Struct({
  name: Schema.Literal("loopctl"),
  version: Schema.String,
  docs: Schema.String,
  swagger_ui: Schema.String,
  health: Schema.String,
}).annotations({ identifier: "Discovery" })
export type Discovery = typeof Discovery.Type

/** One endpoint in `GET /api/v1/routes`; `role` is `public`, `any`, `min:<role>` or `exact:<role>|…`. */
export const RouteEntry = Schema.Struct({
  method: Schema.String,
  path: Schema.String,
  description: Schema.String,
  role: Schema.String,
}).annotations({ identifier: "RouteEntry" })
export type RouteEntry = typeof RouteEntry.Type

/** `GET /api/v1/routes`. */
export const RouteList = Schema.Struct({
  routes: Schema.Array(RouteEntry),
  count: Schema.Int,
}).annotations({ identifier: "RouteList" })
export type RouteList = typeof RouteList.Type

export class SystemGroup extends HttpApiGroup.make("system")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(HealthReport)
      .addError(HealthDegraded, { status: 503 })
      .annotate(OpenApi.Summary, "Health check: the state of the database")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.get("root", "/")
      .addSuccess(HttpApiSchema.Empty(302).annotations({ description: "Redirect to /api/v1/" }))
      .annotate(OpenApi.Summary, "Redirects to /api/v1/")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.get("discovery", "/api/v1/")
      .addSuccess(Discovery)
      .annotate(OpenApi.Summary, "Discovery: links to the docs, Swagger UI and health check")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.get("routes", "/api/v1/routes")
      .addSuccess(RouteList)
      .annotate(OpenApi.Summary, "Every endpoint with its method, path, description and required role")
      .pipe(requireRole(Access.anyRole)),
  )
  .add(
    HttpApiEndpoint.get("openapi", "/api/v1/openapi")
      .addSuccess(
        Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
          description: "The OpenAPI 3.1 document of this API",
        }),
      )
      .annotate(OpenApi.Summary, "OpenAPI specification (machine-readable)")
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.get("swaggerUi", "/swaggerui")
      .addSuccess(HttpApiSchema.Text({ contentType: "text/html" }))
      .annotate(OpenApi.Summary, "Interactive Swagger UI (human-readable)")
      .pipe(publicEndpoint),
  )
  .annotate(OpenApi.Description, "Health, discovery and documentation of the API") {}
