import { Either, Option } from "effect"
import { type BadRequest, ValidationFailed } from "../domain/errors.js"
import { isJsonObject } from "../domain/json.js"
import { QueryProblems } from "../domain/query-parameters.js"
import { isUnstorable, unstorableMessage } from "../domain/storable.js"

/** Where in a request body or query the text the database cannot keep (domain/storable.ts) is. */

/**
 * The path (`state_data.steps[2].note`) of the first string or object key inside a JSON value
 * that cannot be stored, or none. Walks without recursion, so any nesting depth is safe.
 */
export const firstUnstorable = (value: unknown, path: string): Option.Option<string> => {
  const pending: Array<readonly [unknown, string]> = [[value, path]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, at] = next
    if (typeof current === "string") {
      if (isUnstorable(current)) return Option.some(at)
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], `${at}[${i}]`])
    } else if (isJsonObject(current)) {
      const entries = Object.entries(current)
      for (const [key] of entries) if (isUnstorable(key)) return Option.some(at)
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i]
        if (entry !== undefined) pending.push([entry[1], `${at}.${entry[0]}`])
      }
    }
  }
  return Option.none()
}

/** The most paths one refusal names: enough to fix a body, bounded for a hostile one. */
const maxNamedPaths = 20

/** The paths of every string or object key inside a JSON value that cannot be stored, in order. */
export const everyUnstorable = (value: unknown, path: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  const pending: Array<readonly [unknown, string]> = [[value, path]]
  for (let next = pending.pop(); next !== undefined && found.length < maxNamedPaths; next = pending.pop()) {
    const [current, at] = next
    if (typeof current === "string") {
      if (isUnstorable(current)) found.push(at)
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], `${at}[${i}]`])
    } else if (isJsonObject(current)) {
      const entries = Object.entries(current)
      if (entries.some(([key]) => isUnstorable(key))) found.push(at)
      else
        for (let i = entries.length - 1; i >= 0; i--) {
          const entry = entries[i]
          if (entry !== undefined) pending.push([entry[1], `${at}.${entry[0]}`])
        }
    }
  }
  return found
}

/**
 * D25 for a whole request body: every path holding unstorable text (`name`, `settings.label`,
 * `stories[0].reason`; `body` for a bare string or a top-level key), as the 422 that names them.
 * One check where bodies enter, so that no field of any endpoint reaches the store with such text.
 */
export const checkStorableBody = (body: unknown): Either.Either<unknown, ValidationFailed> => {
  const paths = everyUnstorable(body, "")
  if (paths.length === 0) return Either.right(body)
  const details: Record<string, Array<string>> = {}
  for (const path of paths) {
    const field = path.startsWith(".") ? path.slice(1) : path
    details[field === "" ? "body" : field] = [unstorableMessage]
  }
  return Either.left(ValidationFailed.ofFields(details))
}

/** D25 for a query: the 400 naming every parameter whose value (or name) the store could not hold. */
export const checkStorableQuery = (
  parameters: ReadonlyArray<readonly [string, string]>,
): Either.Either<void, BadRequest> => {
  const problems = new QueryProblems()
  for (const [name, value] of parameters) {
    if (isUnstorable(name)) problems.add("query", `a parameter name ${unstorableMessage}`)
    else if (isUnstorable(value)) problems.add(name, unstorableMessage)
  }
  return problems.result(() => undefined)
}
