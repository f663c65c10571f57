import { createHash } from "node:crypto"
import { HttpServerResponse } from "@effect/platform"

/**
 * D29: what the server's HTML pages say to browsers. The pages (`/signup`, `/swaggerui`) are
 * self-contained: their scripts and styles are inline and they load nothing from elsewhere.
 * Their Content-Security-Policy therefore names each inline block by its SHA-256, so exactly
 * that code runs and nothing injected beside it would; they may talk to this server only, and
 * no other site may frame them.
 */

/** What a page needs beyond its own inline code. */
export interface PageNeeds {
  /** `img-src` sources (Swagger UI's stylesheet draws its icons from `data:` URLs). */
  readonly images?: ReadonlyArray<string>
}

const inlineBlocks = (html: string, tag: "script" | "style"): ReadonlyArray<string> =>
  // Only blocks without attributes: `<script type="application/json">` is data, never run.
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((match) => match[1] ?? "")

const hashSource = (content: string) =>
  `'sha256-${createHash("sha256").update(content, "utf8").digest("base64")}'`

/** The Content-Security-Policy of a page: its own inline scripts and styles by hash, this server, nothing else. */
export const pagePolicy = (html: string, needs: PageNeeds = {}): string => {
  const sources = (blocks: ReadonlyArray<string>) =>
    blocks.length === 0 ? "'none'" : blocks.map(hashSource).join(" ")
  return [
    "default-src 'none'",
    `script-src ${sources(inlineBlocks(html, "script"))}`,
    `style-src ${sources(inlineBlocks(html, "style"))}`,
    ...(needs.images === undefined ? [] : [`img-src ${needs.images.join(" ")}`]),
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ")
}

/**
 * An HTML page as a response, with its policy, `X-Frame-Options: DENY` (for browsers that do not
 * read `frame-ancestors`) and `X-Content-Type-Options: nosniff`. Build it once per page.
 */
export const htmlPage = (html: string, needs: PageNeeds = {}): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.html(html).pipe(
    HttpServerResponse.setHeaders({
      "content-security-policy": pagePolicy(html, needs),
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
    }),
  )
