import { Either } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"

/** What an artifact report says was produced; the store adds who, when and for which story. */
export interface ArtifactClaim {
  readonly artifact_type: string
  readonly path: string
  readonly exists: boolean
  readonly details: JsonObject
}

const present = (value: unknown): value is string => typeof value === "string" && value.trim() !== ""

/**
 * Validates an artifact body. `prefix` names where it sits in the request (`artifact.` when it
 * rides along a report), so the 422 details point at the right field.
 */
export const parseArtifactClaim = (
  body: unknown,
  prefix = "",
): Either.Either<ArtifactClaim, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems: Record<string, Array<string>> = {}
  if (!isJsonObject(body)) problems[prefix === "" ? "body" : prefix.slice(0, -1)] = ["must be a JSON object"]
  if (!present(input.artifact_type)) problems[`${prefix}artifact_type`] = ["can't be blank"]
  if (!present(input.path)) problems[`${prefix}path`] = ["can't be blank"]
  if (input.exists !== undefined && input.exists !== null && typeof input.exists !== "boolean") {
    problems[`${prefix}exists`] = ["must be a boolean"]
  }
  if (input.details !== undefined && input.details !== null && !isJsonObject(input.details)) {
    problems[`${prefix}details`] = ["must be a JSON object"]
  }
  if (Object.keys(problems).length > 0) return Either.left(ValidationFailed.ofFields(problems))
  return Either.right({
    artifact_type: String(input.artifact_type),
    path: String(input.path),
    exists: typeof input.exists === "boolean" ? input.exists : true,
    details: isJsonObject(input.details) ? input.details : {},
  })
}
