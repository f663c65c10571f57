import { randomUUID } from "node:crypto"
import type { Caller } from "@loopctl/core"
import { Context, Option } from "effect"

/**
 * What the server knows about the request being answered: its id (sent back as `X-Request-Id`
 * and written in every log line and 500 body) and, once the API key middleware ran, the caller.
 */
export class RequestContext extends Context.Tag("@loopctl/http/RequestContext")<
  RequestContext,
  {
    readonly requestId: string
    /** The authenticated caller, when there is one. */
    readonly actor: () => Option.Option<Caller>
    /** Records the authenticated caller for the request's log line. */
    readonly setActor: (actor: Caller) => void
  }
>() {}

/** A fresh context for one request. */
export const makeRequestContext = (requestId: string): RequestContext["Type"] => {
  let current: Option.Option<Caller> = Option.none()
  return {
    requestId,
    actor: () => current,
    setActor: (actor) => {
      current = Option.some(actor)
    },
  }
}

/** Printable ASCII, as a client-supplied request id must be. */
const printable = /^[\x21-\x7e]+$/

/**
 * The request id to use: the client's `X-Request-Id` when it is 20–200 printable characters
 * (so ids can be traced across services), otherwise a fresh UUID.
 */
export const requestIdFrom = (header: string | undefined): string =>
  header !== undefined && header.length >= 20 && header.length <= 200 && printable.test(header)
    ? header
    : randomUUID()
