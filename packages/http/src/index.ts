/**
 * `@loopctl/http`: the loopctl REST API server on Node. `httpServerLayer` serves the API over a
 * database (`SqlClient`, from `@loopctl/adapters-pg`); `AuthenticationLive` plugs API-key
 * resolution into it. The contract alone is `@loopctl/http/api`.
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
