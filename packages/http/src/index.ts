/**
 * `@loopctl/http`: the loopctl REST API server on Node. `httpServerLayer` serves the API;
 * `applicationLayer` gives it the core's use cases on a database (`SqlClient`, from
 * `@loopctl/adapters-pg`), with API keys resolved by the core's `Access` (`Authenticator`).
 * The contract alone is `@loopctl/http/api`.
 */
export * from "./api-middleware.js"
export * from "./authentication-live.js"
export * from "./config.js"
export * from "./error-response.js"
export * from "./failures.js"
export * from "./health.js"
export * from "./request-body.js"
export * from "./request-context.js"
export * from "./request-edge.js"
export * from "./server.js"
export * from "./start-failure.js"
export * from "./swagger-page.js"
export * from "./system-handlers.js"
export * from "./admin-handlers.js"
export * from "./agent-handlers.js"
export * from "./api-key-handlers.js"
export * from "./application.js"
export * from "./authenticator.js"
export * from "./command-line.js"
export * from "./create-superadmin.js"
export * from "./identity-handlers.js"
export * from "./path-id.js"
export * from "./rate-limiting.js"
export * from "./superadmin-bootstrap.js"
export * from "./tenant-handlers.js"
export * from "./tenant-scope.js"
