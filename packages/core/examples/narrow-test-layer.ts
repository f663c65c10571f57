/**
 * `@loopctl/core/testing`: a test layer per port that says which members a test expects to be
 * reached. Here `Ids` is stubbed with a fixed uuid, so code asking for a fresh id gets it; the
 * `Tenants` port is provided with no stubs at all, so anything reaching it dies with
 * `UnstubbedPortMember` naming the port and the member.
 */
import { TenantId, Tenants, freshId } from "@loopctl/core"
import { IdsTest, TenantsTest, UnstubbedPortMember } from "@loopctl/core/testing"
import { Cause, Effect, Exit, Layer, Option } from "effect"

const fixed = "00000000-0000-4000-8000-000000000001"

/** A fresh tenant id, and what reaching an unstubbed member of `Tenants` does. */
export const narrowLayerExample = Effect.gen(function* () {
  const id = yield* freshId(TenantId)
  const reached = yield* Effect.exit(Effect.flatMap(Tenants, (tenants) => tenants.findById(id)))
  const died = Exit.isFailure(reached) ? Option.getOrUndefined(Cause.dieOption(reached.cause)) : undefined
  return { id, died: died instanceof UnstubbedPortMember ? died.message : undefined }
}).pipe(Effect.provide(Layer.mergeAll(IdsTest({ uuid: Effect.succeed(fixed) }), TenantsTest())))
