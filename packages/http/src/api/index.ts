/**
 * `@loopctl/http/api`: the loopctl REST API contract alone — endpoints, schemas, error envelopes,
 * access rules and the authentication middleware tag. It holds no server code and imports nothing
 * from Node, so clients build on it with `HttpApiClient.make(LoopctlApi, …)`.
 */
export * from "./access.js"
export * from "./api.js"
export * from "./audit.js"
export * from "./authentication.js"
export * from "./errors.js"
export * from "./openapi.js"
export * from "./payload.js"
export * from "./routes.js"
export * from "./system.js"
export * from "./version.js"
export * from "./admin.js"
export * from "./agents.js"
export * from "./api-keys.js"
export * from "./body-fields.js"
export * from "./identity.js"
export * from "./list-meta.js"
export * from "./tenant-views.js"
export * from "./tenants.js"
