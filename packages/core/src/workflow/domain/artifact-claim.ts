import { Schema } from "effect"
import { Flag, objectOf } from "../../kernel/domain/fields.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { nullableObject, optionalOrNull } from "../../kernel/domain/optional-fields.js"
import { NonBlankText } from "../../kernel/domain/text-fields.js"

/**
 * What an artifact report says was produced, as sent (alone, or riding along a report); the
 * store adds who, when and for which story.
 */
export const ArtifactClaimRequest = objectOf(
  Schema.Struct({
    artifact_type: NonBlankText.annotations({
      description: "What was produced: migration, schema, test, route, commit_diff, …",
    }),
    path: NonBlankText.annotations({ description: "Where it is" }),
    exists: optionalOrNull(Flag.annotations({ description: "Whether it exists (default true)" })),
    details: optionalOrNull(JsonObjectField.annotations({ description: "Free-form object (default {})" })),
  }).annotations({ parseOptions: { errors: "all" } }),
)
export type ArtifactClaimRequest = typeof ArtifactClaimRequest.Type

/** A report: done, with an artifact to record in the same transaction when one is given. */
export const ReportRequest = Schema.Struct({
  artifact: nullableObject(ArtifactClaimRequest, {
    type: "object",
    description: "An artifact to record with the report: {artifact_type, path, exists?, details?}",
  }),
}).annotations({ parseOptions: { errors: "all" } })
export type ReportRequest = typeof ReportRequest.Type
