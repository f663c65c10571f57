import { isJsonObject } from "./json.js"

/**
 * What the database can keep. Postgres refuses the NUL character in text and jsonb, and a UTF-16
 * surrogate without its pair has no UTF-8 form (jsonb refuses it; text would silently turn it into
 * U+FFFD). JSON can carry both (`"\u0000"`, `"\ud800"`), so text is checked before it is stored:
 * refusing it is a 422 (D25), storing it would be a 500 or a changed value.
 */

/** The problem reported for text the database cannot keep. */
export const unstorableMessage = "must not contain NUL characters or unpaired UTF-16 surrogates"

/** Whether a string holds a NUL or an unpaired surrogate. */
export const isUnstorable = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit === 0) return true
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true
      i++
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return true
  }
  return false
}

/** Whether every string and key inside a JSON value is storable (walked without recursion). */
export const isStorableJson = (value: unknown): boolean => {
  const pending: Array<unknown> = [value]
  for (let next = pending.pop(); next !== undefined || pending.length > 0; next = pending.pop()) {
    if (typeof next === "string") {
      if (isUnstorable(next)) return false
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item)
    } else if (isJsonObject(next)) {
      for (const [key, item] of Object.entries(next)) {
        if (isUnstorable(key)) return false
        pending.push(item)
      }
    }
  }
  return true
}
