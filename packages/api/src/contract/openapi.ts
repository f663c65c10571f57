/**
 * Tidying of the generated OpenAPI document. `HttpApi` always declares its own
 * `HttpApiDecodeError` as a possible 400, but this server never sends it: schema failures are
 * answered with the 422 envelope. The transform drops it from every response and from the
 * components.
 */

const decodeErrorRef = "#/components/schemas/HttpApiDecodeError"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isDecodeErrorRef = (value: unknown): boolean => isRecord(value) && value.$ref === decodeErrorRef

/** Component schemas only the decode error uses. */
const decodeErrorSchemas = ["HttpApiDecodeError", "Issue", "PropertyKey"]

/** A response schema without the decode error: the other members of its `anyOf`, or nothing. */
const withoutDecodeError = (schema: unknown): unknown => {
  if (isDecodeErrorRef(schema)) return undefined
  if (!isRecord(schema) || !Array.isArray(schema.anyOf)) return schema
  const rest = schema.anyOf.filter((member) => !isDecodeErrorRef(member))
  if (rest.length === schema.anyOf.length) return schema
  const { anyOf: _anyOf, ...others } = schema
  return rest.length === 1 ? { ...others, ...rest[0] } : { ...others, anyOf: rest }
}

const cleanResponses = (responses: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(responses).flatMap(([status, response]) => {
      if (!isRecord(response) || !isRecord(response.content)) return [[status, response]]
      const content = Object.fromEntries(
        Object.entries(response.content).flatMap(([type, media]) => {
          if (!isRecord(media)) return [[type, media]]
          const schema = withoutDecodeError(media.schema)
          return schema === undefined ? [] : [[type, { ...media, schema }]]
        }),
      )
      if (Object.keys(content).length === 0) return []
      // The response took its description from the decode error, the first member at 400.
      const changed = JSON.stringify(content) !== JSON.stringify(response.content)
      return [[status, changed ? { ...response, description: "Bad Request", content } : response]]
    }),
  )

const cleanPaths = (paths: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(paths).map(([path, item]) => {
      if (!isRecord(item)) return [path, item]
      const operations = Object.entries(item).map(([method, operation]) =>
        isRecord(operation) && isRecord(operation.responses)
          ? [method, { ...operation, responses: cleanResponses(operation.responses) }]
          : [method, operation],
      )
      return [path, Object.fromEntries(operations)]
    }),
  )

/** Removes `HttpApiDecodeError` (and the schemas only it uses) from an OpenAPI document. */
export const dropDecodeErrors = (spec: Record<string, unknown>): Record<string, unknown> => {
  const paths = isRecord(spec.paths) ? cleanPaths(spec.paths) : spec.paths
  const components = isRecord(spec.components) ? spec.components : {}
  const schemas = isRecord(components.schemas) ? components.schemas : {}
  const kept = Object.fromEntries(
    Object.entries(schemas).filter(([name]) => !decodeErrorSchemas.includes(name)),
  )
  const text = JSON.stringify({ paths, kept })
  const stillUsed = Object.fromEntries(
    decodeErrorSchemas
      .filter((name) => name !== "HttpApiDecodeError" && text.includes(`"#/components/schemas/${name}"`))
      .flatMap((name) => (name in schemas ? [[name, schemas[name]]] : [])),
  )
  return { ...spec, paths, components: { ...components, schemas: { ...kept, ...stillUsed } } }
}
