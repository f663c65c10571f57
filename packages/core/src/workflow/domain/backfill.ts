import { Schema } from "effect"
import { refusing } from "../../kernel/domain/fields.js"
import { utf8Length } from "../../kernel/domain/metadata.js"
import { optionalOrNull } from "../../kernel/domain/optional-fields.js"
import { NonBlankText, Text } from "../../kernel/domain/text-fields.js"

/**
 * What a backfill request says about work done before loopctl tracked it: why it counts as
 * done, where the evidence is, which pull request did it.
 */

/** The largest `reason` or `evidence_url`, in UTF-8 bytes. */
export const backfillTextMaxBytes = 2000

const withinBytes = (text: string) => utf8Length(text) <= backfillTextMaxBytes
const tooLong = { message: () => `must be at most ${backfillTextMaxBytes} bytes` }

/**
 * Whether text is an absolute http(s) URL: a scheme, a host, no credentials and no whitespace;
 * else what is wrong with it. Read by pattern rather than with the platform's URL class, which
 * the core (portable, `effect` only) cannot assume.
 */
const httpUrlProblem = (text: string): true | string => {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([/?#][^\s]*)?$/.exec(text)
  const scheme = match?.[1]?.toLowerCase()
  const authority = match?.[2] ?? ""
  if (match === null || /\s/.test(text) || authority === "") return "must be a valid http or https URL"
  if (scheme !== "http" && scheme !== "https") return "must use the http or https scheme"
  if (authority.includes("@")) return "must not contain credentials (user:pass@)"
  const host = authority.replace(/:\d*$/, "")
  if (host === "" || !/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)$/.test(host))
    return "must be a valid http or https URL"
  return true
}

/** Why the work counts as done: not blank, stored trimmed, at most 2000 bytes. */
export const BackfillReason: Schema.Schema<string> = NonBlankText.pipe(
  Schema.compose(Schema.Trim),
  Schema.filter(withinBytes, tooLong),
)

/** A link to the evidence: an http(s) URL without credentials, at most 2000 bytes. */
export const EvidenceUrl: Schema.Schema<string> = Text.pipe(
  Schema.filter(withinBytes, tooLong),
  Schema.filter(httpUrlProblem),
)

/** Digits, as some clients send a pull request number. */
const DigitsText = Schema.transform(Schema.String.pipe(Schema.pattern(/^\s*\d+\s*$/)), Schema.Number, {
  strict: true,
  decode: (text) => Number.parseInt(text, 10),
  encode: (n) => String(n),
})

/** A pull request number: a positive integer, or its digits as text. */
export const PullRequestNumber: Schema.Schema<number, number | string> = refusing(
  Schema.Union(Schema.Number, DigitsText).pipe(Schema.filter((n) => Number.isSafeInteger(n) && n > 0)),
  "must be a positive integer",
)

/** A backfill request; every problem is named under `details.<field>` in one 422. */
export const BackfillRequest = Schema.Struct({
  reason: BackfillReason.annotations({
    description: "Why the work counts as done (at most 2000 bytes)",
    jsonSchema: { type: "string" },
  }),
  evidence_url: optionalOrNull(
    EvidenceUrl.annotations({
      description: "An http(s) link to the evidence, without credentials",
      jsonSchema: { type: "string" },
    }),
  ),
  pr_number: optionalOrNull(
    PullRequestNumber.annotations({
      description: "The pull request that did the work (a positive integer)",
      jsonSchema: { type: "integer" },
    }),
  ),
}).annotations({ parseOptions: { errors: "all" } })
export type BackfillRequest = typeof BackfillRequest.Type
