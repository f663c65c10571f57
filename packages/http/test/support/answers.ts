import type { Answer } from "./support.js"

/**
 * Readers of the server's answers that every black-box suite uses: the one copy the group
 * support files re-export.
 */

/** A JSON value as an object (fails the test when it is not one). */
export const record = (value: unknown): Record<string, unknown> => {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`not an object: ${JSON.stringify(value)}`)
  return Object.fromEntries(Object.entries(value))
}

/** The `data` rows of a list answer. */
export const rows = (answer: Answer): ReadonlyArray<Record<string, unknown>> => {
  const data = record(answer.body).data
  if (!Array.isArray(data)) throw new Error(`no data array: ${answer.text}`)
  return data.map(record)
}

/** Fails the test with the answer when its status is not `status`; `what` names the step. */
export const expectStatus = (answer: Answer, status: number, what?: string): Answer => {
  if (answer.status !== status)
    throw new Error(
      `${what === undefined ? "" : `${what}: `}expected ${status}, got ${answer.status}: ${answer.text}`,
    )
  return answer
}

/** A timestamp as the wire writes it: ISO-8601 in UTC with microseconds. */
export const microsTimestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
