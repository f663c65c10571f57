import { Schema } from "effect"
import { JsonObject } from "./json.js"

/** The largest `metadata` object accepted, measured as UTF-8 bytes of its JSON text. */
export const METADATA_MAX_BYTES = 65_536

/**
 * UTF-8 length of a string without relying on TextEncoder (core must run anywhere). JSON text
 * never holds a lone surrogate (JSON.stringify escapes them), so surrogates come in pairs.
 */
export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** How many bytes a value takes once encoded as JSON. */
export const jsonByteSize = (value: unknown): number => utf8Length(JSON.stringify(value) ?? "")

/** A free-form `metadata` object, bounded to 64KB of JSON. */
export const BoundedMetadata = JsonObject.pipe(
  Schema.filter((value) => jsonByteSize(value) <= METADATA_MAX_BYTES || "must be smaller than 64KB"),
)
export type BoundedMetadata = typeof BoundedMetadata.Type
