import { Effect, Equal, Option, Schema } from "effect"

/**
 * One promise of a port, as an effect that succeeds when an adapter keeps it. Cases are plain
 * data so that any test runner can execute them; each one sets up its own tenant and never
 * assumes an empty store, so cases can share one database.
 */
export interface ContractCase<R> {
  readonly name: string
  readonly run: Effect.Effect<void, unknown, R>
}

/** Every case of one port. */
export interface ContractSuite<R> {
  readonly port: string
  readonly cases: ReadonlyArray<ContractCase<R>>
}

/** An adapter broke a promise of its port. */
export class ContractViolation extends Schema.TaggedError<ContractViolation>()("ContractViolation", {
  message: Schema.String,
}) {}

/** Names a case; the value the effect yields is dropped. */
export const contractCase = <R>(name: string, run: Effect.Effect<unknown, unknown, R>): ContractCase<R> => ({
  name,
  run: Effect.asVoid(run),
})

const byKey = ([a]: readonly [string, unknown], [b]: readonly [string, unknown]) =>
  a < b ? -1 : a > b ? 1 : 0

/**
 * A value with object keys sorted at every depth: stores such as Postgres `jsonb` do not keep
 * key order, and key order carries no meaning in JSON.
 */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(byKey)
        .map(([key, inner]) => [key, canonical(inner)]),
    )
  }
  return value
}

/** A stable text form of a value, for comparisons and messages. */
export const render = (value: unknown): string => JSON.stringify(canonical(value)) ?? String(value)

const violation = (message: string) => Effect.fail(new ContractViolation({ message }))

/** Fails unless the two values are equal (by `Equal`, or else as canonical JSON). */
export const expectEqual = <A>(
  actual: A,
  expected: A,
  what: string,
): Effect.Effect<void, ContractViolation> => {
  if (Equal.equals(actual, expected)) return Effect.void
  const got = render(actual)
  const want = render(expected)
  return got === want ? Effect.void : violation(`${what}: expected ${want}, got ${got}`)
}

/** Fails unless the condition holds. */
export const expectTrue = (condition: boolean, what: string): Effect.Effect<void, ContractViolation> =>
  condition ? Effect.void : violation(what)

/** The value inside a `Some`, or a violation. */
export const expectSome = <A>(option: Option.Option<A>, what: string): Effect.Effect<A, ContractViolation> =>
  Option.match(option, {
    onNone: () => violation(`${what}: expected a value, got none`),
    onSome: Effect.succeed,
  })

/** Fails unless the option is empty. */
export const expectNone = <A>(
  option: Option.Option<A>,
  what: string,
): Effect.Effect<void, ContractViolation> =>
  Option.match(option, {
    onNone: () => Effect.void,
    onSome: (value) => violation(`${what}: expected none, got ${render(value)}`),
  })

const hasTag = <E, T extends string>(error: E, tag: T): error is Extract<E, { readonly _tag: T }> =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === tag

/**
 * Runs the effect and succeeds with its error when it fails with the tag; a success or any other
 * error is a violation. Defects are not caught: they fail the case as they are.
 */
export const expectFailure = <A, E, R, T extends string>(
  effect: Effect.Effect<A, E, R>,
  tag: T,
  what: string,
): Effect.Effect<Extract<E, { readonly _tag: T }>, ContractViolation, R> =>
  Effect.matchEffect(effect, {
    onSuccess: (value) => violation(`${what}: expected a ${tag} failure, got success ${render(value)}`),
    onFailure: (error) =>
      hasTag(error, tag)
        ? Effect.succeed(error)
        : violation(`${what}: expected a ${tag} failure, got ${render(error)}`),
  })

/**
 * Runs an effect whose outcome is not part of the contract (a refused cross-tenant write may
 * be a silent no-op or an error, depending on the store); only what it leaves behind is checked.
 */
export const settle = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<void, never, R> =>
  Effect.asVoid(Effect.exit(effect))

/**
 * Checks a read made where no tenant is in scope: it may refuse (fail or die), but when it
 * answers, the answer must hold no tenant rows.
 */
export const expectFailClosed = <A, E, R>(
  read: Effect.Effect<A, E, R>,
  isEmpty: (answer: A) => boolean,
  what: string,
): Effect.Effect<void, ContractViolation, R> =>
  Effect.flatMap(Effect.exit(read), (exit) =>
    exit._tag === "Success" && !isEmpty(exit.value)
      ? violation(`${what}: a read outside any unit of work returned ${render(exit.value)}`)
      : Effect.void,
  )
