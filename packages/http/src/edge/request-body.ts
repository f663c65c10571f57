import type { IncomingMessage } from "node:http"
import { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { BadRequest, PayloadTooLarge, Rules, type ValidationFailed } from "@loopctl/core"
import { Effect, Option } from "effect"

/**
 * How request bodies are read, before any route sees them:
 * - more than {@link bodyLimitOf} allows (2 MB; 16 MB for an import) → 413, judged from
 *   `Content-Length` when given, else while reading;
 * - JSON (or no content type): an empty body reads as `{}` (D20), anything else must parse and
 *   nest at most {@link maxNestingDepth} levels deep → 400, and hold no text a database cannot
 *   store (a NUL, an unpaired surrogate) in any string or key → 422 naming its path (D25);
 * - form and multipart bodies are left to the endpoint's own parsing;
 * - any other content type is ignored and reads as `{}`, as the original server did.
 */

/** The largest body accepted, in bytes, except by the import endpoint. */
export const maxBodyBytes = 2_000_000

/**
 * The largest import document accepted, in bytes. A 10,000-story breakdown with 20,000
 * dependencies is about 2.8 MB before any description; an import is the one request meant to
 * carry a whole project, so it alone gets room for long texts.
 */
export const maxImportBodyBytes = 16_000_000

/** `POST /api/v1/projects/:id/import`, with or without a query string. */
const importPath = /^\/api\/v1\/projects\/[^/?]+\/import(?:\?|$)/

/** The largest body `request` may carry: {@link maxImportBodyBytes} for an import, else {@link maxBodyBytes}. */
export const bodyLimitOf = (request: HttpServerRequest.HttpServerRequest): number =>
  request.method === "POST" && importPath.test(request.url) ? maxImportBodyBytes : maxBodyBytes

/** Sent with a 413 so the client's remaining upload does not linger on the connection. */
export const closeConnection = { connection: "close" } as const

const tooLarge = () => new PayloadTooLarge({ message: "Request Entity Too Large" })

const malformed = () => new BadRequest({ message: "Malformed JSON body" })

/** The body of `source`, up to `limit` bytes; `None` when it is longer. */
const readAtMost = (
  source: IncomingMessage,
  limit: number,
): Effect.Effect<Option.Option<string>, BadRequest> =>
  Effect.async((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        // Stop reading without destroying the socket, so the 413 can still be sent.
        stop()
        source.pause()
        resume(Effect.succeed(Option.none()))
      } else {
        chunks.push(chunk)
      }
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Option.some(Buffer.concat(chunks).toString("utf8"))))
    }
    const onError = () => {
      stop()
      resume(Effect.fail(new BadRequest({ message: "The request body could not be read" })))
    }
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    return Effect.sync(stop)
  })

/** `request` with `text` as its JSON body (the original stream has been consumed). */
const withJsonBody = (
  request: HttpServerRequest.HttpServerRequest,
  text: string,
): HttpServerRequest.HttpServerRequest => {
  const headers = Object.entries(request.headers).filter(
    ([name]) => name !== "content-length" && name !== "transfer-encoding" && name !== "content-type",
  )
  const web = new Request(new URL(request.url, "http://localhost"), {
    method: request.method,
    headers: [...headers, ["content-type", "application/json"]],
    body: text,
  })
  const replaced = HttpServerRequest.fromWeb(web)
  return Option.match(request.remoteAddress, {
    onNone: () => replaced,
    onSome: (remoteAddress) => replaced.modify({ remoteAddress }),
  })
}

type BodyKind = "json" | "form" | "ignored"

const bodyKind = (contentType: string | undefined): BodyKind => {
  const type = (contentType ?? "").toLowerCase()
  if (type === "" || type.includes("json")) return "json"
  if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded"))
    return "form"
  return "ignored"
}

/**
 * The deepest nesting a body may have. Real documents (an import is about six levels deep) stay
 * far below it; much deeper ones exhaust the stack of recursive decoders and formatters.
 */
export const maxNestingDepth = 100

const tooDeep = () =>
  new BadRequest({ message: `Malformed JSON body: nested deeper than ${maxNestingDepth} levels` })

/** Whether the JSON text nests arrays and objects deeper than {@link maxNestingDepth}. */
const nestsTooDeep = (text: string): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      // A backslash escapes the next character; a quote ends the string.
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      depth++
      if (depth > maxNestingDepth) return true
    } else if (c === 93 || c === 125) depth--
  }
  return false
}

/** The JSON text's value, or none when it does not parse. */
const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

/**
 * The request as the routes should see it: for methods with a body, a request whose body is
 * valid JSON (`{}` when it was empty or of a content type the API ignores). Fails with the 413
 * or 400 error when the body is too large or not JSON, and with the 422 when it holds
 * unstorable text.
 */
export const normalizeBody = (
  request: HttpServerRequest.HttpServerRequest,
): Effect.Effect<HttpServerRequest.HttpServerRequest, BadRequest | PayloadTooLarge | ValidationFailed> =>
  Effect.gen(function* () {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return request
    const limit = bodyLimitOf(request)
    const declared = Number(request.headers["content-length"] ?? "0")
    if (Number.isFinite(declared) && declared > limit) return yield* Effect.fail(tooLarge())
    switch (bodyKind(request.headers["content-type"])) {
      case "form":
        return request
      case "ignored":
        return withJsonBody(request, "{}")
      case "json": {
        const body = yield* readAtMost(NodeHttpServerRequest.toIncomingMessage(request), limit)
        if (Option.isNone(body)) return yield* Effect.fail(tooLarge())
        if (body.value.trim() === "") return withJsonBody(request, "{}")
        const parsed = parseJson(body.value)
        if (Option.isNone(parsed)) return yield* Effect.fail(malformed())
        if (nestsTooDeep(body.value)) return yield* Effect.fail(tooDeep())
        yield* Rules.StorableText.checkStorableBody(parsed.value)
        return withJsonBody(request, body.value)
      }
    }
  })
