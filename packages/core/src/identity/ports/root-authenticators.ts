import { Context, type Effect } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { RootAuthenticator } from "../domain/root-authenticator.js"

/**
 * The hardware authenticators enrolled as a tenant's roots at signup. Tenant-scoped: written and
 * read in the tenant's unit of work.
 */
export class RootAuthenticators extends Context.Tag("@loopctl/core/RootAuthenticators")<
  RootAuthenticators,
  {
    /**
     * Stores an authenticator of the current tenant. Fails with DuplicateKey `credential_id` when
     * any tenant (not only the current one) has an authenticator with that credential id.
     */
    readonly insert: (authenticator: RootAuthenticator) => Effect.Effect<void, DuplicateKey>
    /** The current tenant's authenticators, oldest first (then by id). */
    readonly list: Effect.Effect<ReadonlyArray<RootAuthenticator>>
  }
>() {}
