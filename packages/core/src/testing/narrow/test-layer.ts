import { type Context, Effect, Layer, Schema } from "effect"

/**
 * The defect of a port member a test did not stub: the test reached further than it said it
 * would. It names the port and the member, so the failure says what to stub (or what the use case
 * should not have touched).
 */
export class UnstubbedPortMember extends Schema.TaggedError<UnstubbedPortMember>()("UnstubbedPortMember", {
  port: Schema.String,
  member: Schema.String,
}) {
  override get message(): string {
    return `${this.port}: unstubbed member "${this.member}"`
  }
}

/**
 * Makes the dying stand-ins of one port's members. A member is either a method answering an
 * effect or an effect itself (`Ids.uuid`, `RootAuthenticators.list`); both die with
 * `UnstubbedPortMember` when run, so merely reading a member never fails a test.
 */
export interface Unstubbed<S> {
  /** A method that dies with the port and method name whatever it is called with. */
  readonly method: (name: keyof S & string) => (..._arguments: ReadonlyArray<unknown>) => Effect.Effect<never>
  /** An effect member that dies with the port and member name when run. */
  readonly effect: (name: keyof S & string) => Effect.Effect<never>
}

const unstubbedOf = <S>(port: string): Unstubbed<S> => {
  const dies = (member: string) => Effect.die(new UnstubbedPortMember({ port, member }))
  return {
    method: (name) => {
      const dead = dies(name)
      return () => dead
    },
    effect: dies,
  }
}

/**
 * A narrow test layer for a port, as in Effect-TS/examples `lib/Layer.ts` but without a Proxy:
 * `everyMember` lists the port's whole shape once, each member dying (`unstubbed.method("find")`),
 * and the compiler checks that list against the tag's service type, so a member added to the port
 * must be added there too. A test then states only the members it expects to be used:
 *
 *     const OrchestratorStatesTest = makeTestLayer(OrchestratorStates, (unstubbed) => ({
 *       find: unstubbed.method("find"), insert: unstubbed.method("insert"), replace: unstubbed.method("replace"),
 *     }))
 *     OrchestratorStatesTest({ find: () => Effect.succeed(Option.none()) })
 *
 * Anything else it reaches dies with the port's key and the member's name.
 */
export const makeTestLayer =
  <I, S>(tag: Context.Tag<I, S>, everyMember: (unstubbed: Unstubbed<S>) => S) =>
  (stubs: Partial<S> = {}): Layer.Layer<I> =>
    Layer.succeed(tag, { ...everyMember(unstubbedOf<S>(tag.key)), ...stubs })
