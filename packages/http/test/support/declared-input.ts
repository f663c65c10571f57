import { HttpApi } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { JSONSchema, Option, Schema, SchemaAST } from "effect"

/**
 * What each endpoint of the API says it accepts, read from its own schemas: the fields of its body
 * and query with the JSON type each declares (the `jsonSchema` annotation that the OpenAPI
 * document shows), and, per type, values a server must refuse. The malformed-input sweep is
 * generated from this, so an endpoint is swept the day it is declared.
 */

/** The part of a JSON Schema the declarations use. */
export interface JsonType {
  readonly type?: string | undefined
  readonly format?: string | undefined
  readonly enum?: ReadonlyArray<string> | undefined
  readonly minimum?: number | undefined
  readonly maximum?: number | undefined
  readonly oneOf?: ReadonlyArray<JsonType> | undefined
  readonly items?: JsonType | undefined
  readonly properties?: { readonly [name: string]: JsonType } | undefined
}

const JsonTypeSchema: Schema.Schema<JsonType> = Schema.Struct({
  type: Schema.optional(Schema.String),
  format: Schema.optional(Schema.String),
  enum: Schema.optional(Schema.Array(Schema.String)),
  minimum: Schema.optional(Schema.Number),
  maximum: Schema.optional(Schema.Number),
  oneOf: Schema.optional(Schema.Array(Schema.suspend(() => JsonTypeSchema))),
  items: Schema.optional(Schema.suspend(() => JsonTypeSchema)),
  properties: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.suspend(() => JsonTypeSchema) }),
  ),
})

const readJsonType = Schema.decodeUnknownOption(JsonTypeSchema)

/** A declared field: its name, whether it is required, and its JSON type (none when undeclared). */
export interface DeclaredField {
  readonly name: string
  readonly required: boolean
  readonly type: Option.Option<JsonType>
}

/** A JSON Schema as `JSONSchema` writes it: `X | null` is an `anyOf` with a `null` member. */
interface GeneratedType extends JsonType {
  readonly anyOf?: ReadonlyArray<GeneratedType> | undefined
}

const GeneratedTypeSchema: Schema.Schema<GeneratedType> = Schema.Struct({
  type: Schema.optional(Schema.String),
  format: Schema.optional(Schema.String),
  enum: Schema.optional(Schema.Array(Schema.String)),
  minimum: Schema.optional(Schema.Number),
  maximum: Schema.optional(Schema.Number),
  oneOf: Schema.optional(Schema.Array(Schema.suspend(() => JsonTypeSchema))),
  items: Schema.optional(Schema.suspend(() => JsonTypeSchema)),
  properties: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.suspend(() => JsonTypeSchema) }),
  ),
  anyOf: Schema.optional(Schema.Array(Schema.suspend(() => GeneratedTypeSchema))),
})

/** The type a field must have when it is given: `X | null` is `X` (null is leaving it out, or clearing it). */
const givenType = (generated: GeneratedType): Option.Option<JsonType> => {
  if (generated.anyOf === undefined) return Option.some(generated)
  const members = generated.anyOf.filter((member) => member.type !== "null")
  const only = members[0]
  if (members.length === 1 && only !== undefined) return givenType(only)
  return members.length === 0 ? Option.none() : Option.some({ oneOf: members })
}

/** The JSON Schema a typed schema generates for itself (the one the OpenAPI document shows). */
const generatedType = (ast: SchemaAST.AST): Option.Option<JsonType> =>
  Option.flatMap(
    Schema.decodeUnknownOption(GeneratedTypeSchema)(
      JSONSchema.fromAST(ast, { definitions: {}, topLevelReferenceStrategy: "skip" }),
    ),
    givenType,
  )

/**
 * The JSON type an AST node declares: its `jsonSchema` annotation (documented `Schema.Unknown`
 * fields, query parameters), looking through `optional`'s `| undefined`, else the JSON Schema
 * its own type generates.
 */
const declaredType = (ast: SchemaAST.AST): Option.Option<JsonType> => {
  // A refinement's own fragment (`{maxLength: 255}`) is no type; the schema's whole one is.
  const own = Option.filter(
    Option.flatMap(SchemaAST.getJSONSchemaAnnotation(ast), readJsonType),
    (type) => type.type !== undefined || type.oneOf !== undefined,
  )
  if (Option.isSome(own)) return own
  if (ast._tag === "Union") {
    const defined = ast.types.filter((member) => member._tag !== "UndefinedKeyword")
    const only = defined[0]
    if (defined.length === 1 && only !== undefined) return declaredType(only)
    return generatedType(SchemaAST.Union.make(defined))
  }
  return ast._tag === "UnknownKeyword" ? Option.none() : generatedType(ast)
}

/** The fields a request schema declares (through refinements, transformations, unions). */
export const declaredFields = (ast: SchemaAST.AST): ReadonlyArray<DeclaredField> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.flatMap((p) =>
        typeof p.name === "string"
          ? [{ name: p.name, required: !p.isOptional, type: declaredType(p.type) }]
          : [],
      )
    case "Refinement":
      return declaredFields(ast.from)
    case "Transformation":
      return declaredFields(ast.from)
    case "Union":
      return ast.types.flatMap(declaredFields)
    default: {
      // A body taken whole (`Schema.Unknown`) may still document its fields.
      const whole = Option.flatMap(SchemaAST.getJSONSchemaAnnotation(ast), readJsonType)
      const properties = Option.getOrUndefined(whole)?.properties ?? {}
      return Object.entries(properties).map(([name, type]) => ({
        name,
        required: false,
        type: Option.some(type),
      }))
    }
  }
}

/** One endpoint as the sweep sees it. */
export interface DeclaredEndpoint {
  readonly method: string
  readonly path: string
  readonly body: ReadonlyArray<DeclaredField>
  readonly query: ReadonlyArray<DeclaredField>
}

/** Every endpoint of the API with its body and query fields. */
export const declaredEndpoints = (): ReadonlyArray<DeclaredEndpoint> => {
  const endpoints: Array<DeclaredEndpoint> = []
  HttpApi.reflect(LoopctlApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => {
      const fields = (schema: Option.Option<{ readonly ast: SchemaAST.AST }>) =>
        Option.match(schema, { onNone: () => [], onSome: (s) => declaredFields(s.ast) })
      endpoints.push({
        method: endpoint.method,
        path: endpoint.path,
        body: fields(endpoint.payloadSchema),
        query: fields(endpoint.urlParamsSchema),
      })
    },
  })
  return endpoints
}

/**
 * How a refusal can be told from the value being ignored:
 * - `unstorable`: text no database can store, refused where bodies enter with a 422 naming its path;
 * - `typed`: a wrong value of a number, listed-value, time or yes/no field: the answer must differ
 *   from the answer without the field (if it is the same, the field was not even looked at);
 * - `other`: a wrong value of a text, object, list or id field: never a success.
 */
export type RefusalKind = "unstorable" | "typed" | "other"

/** A value a field must refuse, what is wrong with it, and how its refusal shows. */
export interface RefusedValue {
  readonly value: unknown
  readonly why: string
  readonly kind: RefusalKind
}

/** Text no database can store (D25). */
export const unstorableTexts: ReadonlyArray<RefusedValue> = [
  { value: "nul\u0000inside", why: "a NUL character", kind: "unstorable" },
  { value: "lone\ud800surrogate", why: "an unpaired surrogate", kind: "unstorable" },
]

/** Whether `value` is of the JSON type `type` (formats and ranges aside). */
const isOfType = (type: JsonType, value: unknown): boolean => {
  if (type.oneOf !== undefined) return type.oneOf.some((member) => isOfType(member, value))
  switch (type.type) {
    case "string":
      return typeof value === "string"
    case "integer":
      return typeof value === "number" && Number.isInteger(value)
    case "number":
      return typeof value === "number"
    case "boolean":
      return typeof value === "boolean"
    case "array":
      return Array.isArray(value)
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value)
    default:
      return true
  }
}

/** Whether a field of `type` holds a number, a listed value, a time or a yes/no. */
const isTyped = (type: JsonType): boolean =>
  type.type === "integer" ||
  type.type === "number" ||
  type.type === "boolean" ||
  (type.type === "string" && (type.enum !== undefined || type.format === "date-time"))

/** Values of several JSON types: those not of a field's type are wrong for it. */
const everyType: ReadonlyArray<unknown> = [42, "text", { some: "object" }]

const typed = (value: unknown, why: string): RefusedValue => ({ value, why, kind: "typed" })

/** Inside a list or an object, only unstorable text keeps its kind; the rest must just be refused. */
const nested = (refused: RefusedValue, wrap: (value: unknown) => unknown, why: string): RefusedValue => ({
  value: wrap(refused.value),
  why,
  kind: refused.kind === "unstorable" ? "unstorable" : "other",
})

/** Values of the right type that a declared range, format or value list excludes. */
const outOfRange = (type: JsonType, depth: number): ReadonlyArray<RefusedValue> => {
  switch (type.type) {
    case "string":
      if (type.enum !== undefined) return [typed("not-a-listed-value", "not one of the listed values")]
      if (type.format === "date-time")
        return [typed("not a time", "not an ISO 8601 time"), typed("2026-13-45T99:99:99Z", "no such time")]
      if (type.format === "uuid") return [{ value: "not-a-uuid", why: "not a uuid", kind: "other" }]
      return unstorableTexts
    case "integer":
      // No integer column holds 1e300, so an integer without a declared maximum must refuse it.
      return [
        typed(1.5, "not an integer"),
        ...(type.minimum === undefined ? [] : [typed(type.minimum - 1, `below ${type.minimum}`)]),
        type.maximum === undefined
          ? typed(1e300, "too large to store")
          : typed(type.maximum + 1, `above ${type.maximum}`),
      ]
    case "number":
      return [
        ...(type.minimum === undefined ? [] : [typed(type.minimum - 1, `below ${type.minimum}`)]),
        ...(type.maximum === undefined ? [] : [typed(type.maximum + 1, `above ${type.maximum}`)]),
      ]
    case "array": {
      const items = type.items
      if (items === undefined || depth > 1) return []
      return [
        ...(items.type === "object" ? [] : wrongFor(items, depth + 1).slice(0, 1)),
        ...nestedFor(items, depth + 1),
      ].map((refused) => nested(refused, (value) => [value], `an item ${refused.why}`))
    }
    case "object":
      return depth > 1 ? [] : nestedFor(type, depth + 1)
    default:
      return []
  }
}

/** For an object type: objects with one documented property refused, or holding unstorable text. */
const nestedFor = (type: JsonType, depth: number): ReadonlyArray<RefusedValue> => {
  if (type.type !== "object") return []
  const properties = Object.entries(type.properties ?? {})
  if (properties.length === 0)
    return [
      { value: { note: "nul\u0000inside" }, why: "holding a NUL character", kind: "unstorable" },
      { value: { "key\ud800": 1 }, why: "with an unpaired surrogate in a key", kind: "unstorable" },
    ]
  return properties.flatMap(([name, property]) =>
    wrongFor(property, depth).map((refused) =>
      nested(refused, (value) => ({ [name]: value }), `whose ${name} is ${refused.why}`),
    ),
  )
}

/** The values a field of `type` must refuse: every other JSON type, then what its range excludes. */
export const wrongFor = (type: JsonType, depth = 0): ReadonlyArray<RefusedValue> => {
  const kind: RefusalKind = type.oneOf === undefined && isTyped(type) ? "typed" : "other"
  const wrongType = everyType
    .filter((value) => !isOfType(type, value))
    .map((value) => ({ value, why: `of the wrong type (${JSON.stringify(value)})`, kind }))
  const alternatives = type.oneOf ?? [type]
  return [...wrongType, ...alternatives.flatMap((member) => outOfRange(member, depth))]
}

/** The query values a parameter of `type` must refuse (query values are all text). */
export const wrongQueryValuesFor = (type: JsonType): ReadonlyArray<RefusedValue> => {
  const nul: RefusedValue = { value: "nul\u0000inside", why: "a NUL character", kind: "unstorable" }
  switch (type.type) {
    case "integer":
      return [
        typed("lots", "not a number"),
        typed("1.5", "not an integer"),
        ...(type.minimum === undefined ? [] : [typed(String(type.minimum - 1), `below ${type.minimum}`)]),
        nul,
      ]
    case "boolean":
      return [typed("maybe", "neither true nor false"), nul]
    case "string":
      if (type.enum !== undefined) return [typed("not-a-listed-value", "not one of the listed values"), nul]
      if (type.format === "date-time") return [typed("not a time", "not an ISO 8601 time"), nul]
      if (type.format === "uuid") return [{ value: "not-a-uuid", why: "not a uuid", kind: "other" }, nul]
      return [nul]
    default:
      return [nul]
  }
}
