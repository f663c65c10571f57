/**
 * `@loopctl/adapters-pg`: loopctl's storage on Postgres 15+ (through `@effect/sql-pg`) or on
 * embedded PGlite (the zero-setup default): SQL migrations, row-level security per tenant, the
 * UnitOfWork port, audit partitions and the start-up checks.
 */
export * from "./audit-partitions.js"
export * from "./data-directory-lock.js"
export * from "./database.js"
export * from "./errors.js"
export * from "./guard.js"
export * from "./migrator.js"
export * as PgliteClient from "./PgliteClient.js"
export * as Postgres from "./postgres.js"
export * from "./sql-errors.js"
export * from "./unit-of-work.js"
export * from "./values.js"
export * from "./ids.js"
export * from "./ports.js"
export * from "./repositories/access.js"
export * from "./repositories/records.js"
export * from "./repositories/tenants.js"
export * from "./secrets.js"
export * from "./repositories/work.js"
export * from "./repositories/rate-limits.js"
export * from "./repositories/orchestrator-states.js"
export * from "./repositories/ui-test-runs.js"
