import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { HttpServer } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { chromium } from "playwright-core"
import { backends, call, issueKey, provisionTenant, read, uniqueSlug } from "../support/identity-support.js"
import { SoftwareAuthenticator } from "../support/software-authenticator.js"
import { type Answer, collectLogs, realServer, rootKey, send } from "../support/support.js"

/**
 * D29 over HTTP. Every response that carries a raw API key says `Cache-Control: no-store`, so no
 * cache (a proxy, the browser's back button) keeps a copy. The HTML pages (`/signup`,
 * `/swaggerui`) forbid framing and type sniffing and carry a Content-Security-Policy that lets
 * exactly their own inline scripts and styles run (by hash, not 'unsafe-inline') and nothing
 * else load; in a real browser (where Chromium is installed) both pages work under it.
 */

const Issued = Schema.Struct({ api_key: Schema.Struct({ id: Schema.String, raw_key: Schema.String }) })

const expectNoStore = (answer: Answer, what: string) => {
  expect(answer.status, `${what}: ${answer.text.slice(0, 200)}`).toBeLessThan(300)
  expect(answer.headers.get("cache-control"), what).toBe("no-store")
}

/** The directives of a Content-Security-Policy header. */
const directives = (policy: string | null): ReadonlyMap<string, ReadonlyArray<string>> =>
  new Map(
    (policy ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== "")
      .map(([name = "", ...values]) => [name, values] as const),
  )

/** The CSP source of an inline block: its SHA-256 in base64. */
const hashSource = (content: string) =>
  `'sha256-${createHash("sha256").update(content, "utf8").digest("base64")}'`

const inlineBlocks = (html: string, tag: "script" | "style") =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((match) => match[1] ?? "")

const origin = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://localhost:${server.address.port}` : "http://localhost",
)

const browsers = existsSync("/usr/bin/chromium")
  ? [{ name: "Chromium", executablePath: "/usr/bin/chromium" }]
  : []

/** What a page did in the browser: the CSP violations it reported, and a check of its own. */
const inBrowser = (executablePath: string, url: string, check: string) =>
  Effect.acquireUseRelease(
    Effect.promise(() => chromium.launch({ executablePath, headless: true })),
    (browser) =>
      Effect.promise(async () => {
        const page = await browser.newPage()
        const violations: Array<string> = []
        page.on("console", (message) => {
          if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
        })
        // A script text runs in the page (the test's own types have no DOM).
        await page.addInitScript({
          content: `document.addEventListener("securitypolicyviolation", (event) => {
            console.error("Content Security Policy violation: " + event.violatedDirective + " " + event.blockedURI)
          })`,
        })
        await page.goto(url)
        await page.locator(check).first().waitFor({ timeout: 20_000 })
        return violations
      }),
    (browser) => Effect.promise(() => browser.close()),
  )

for (const { name, database } of backends) {
  layer(realServer(database).pipe(Layer.provide(collectLogs([]))), {
    timeout: 120_000,
    excludeTestServices: true,
  })(`response headers on ${name} (D29)`, (it) => {
    it.effect("every response that carries a raw key is Cache-Control: no-store", () =>
      Effect.gen(function* () {
        const slug = uniqueSlug("no-store")
        const created = yield* call("POST", "/api/v1/admin/tenants", {
          key: rootKey,
          body: { name: "No store", slug, email: `ops@${slug}.test` },
        })
        expectNoStore(created, "admin tenant create")
        const userKey = read(Issued, created).api_key.raw_key

        const key = yield* call("POST", "/api/v1/api_keys", {
          key: userKey,
          body: { name: "ci", role: "agent" },
        })
        expectNoStore(key, "api key create")
        const rotated = yield* call("POST", `/api/v1/api_keys/${read(Issued, key).api_key.id}/rotate`, {
          key: userKey,
          body: {},
        })
        expectNoStore(rotated, "api key rotate")

        const options = yield* call("POST", "/signup/options", { body: {} })
        const { challenge_id, publicKey } = read(
          Schema.Struct({
            challenge_id: Schema.String,
            publicKey: Schema.Struct({ challenge: Schema.String }),
          }),
          options,
        )
        const signupSlug = uniqueSlug("no-store-signup")
        const signedUp = yield* call("POST", "/signup/complete", {
          body: {
            challenge_id,
            name: "Signed up",
            slug: signupSlug,
            email: `root@${signupSlug}.test`,
            authenticators: [
              {
                response: new SoftwareAuthenticator().register({
                  challenge: publicKey.challenge,
                  origin: yield* origin,
                  rpId: "localhost",
                }),
              },
            ],
          },
        })
        expectNoStore(signedUp, "signup complete")

        // Answers without a secret are not singled out.
        const tenant = yield* call("GET", "/api/v1/tenants/me", { key: userKey })
        expect(tenant.headers.get("cache-control")).toBeNull()
      }),
    )

    it.effect("a refused key request is no-store too, and says nothing secret", () =>
      Effect.gen(function* () {
        const tenant = yield* provisionTenant("no-store-refused")
        const refused = yield* call("POST", "/api/v1/api_keys", {
          key: tenant.userKey,
          body: { role: "agent" },
        })
        expect(refused.status).toBe(422)
        expect(refused.headers.get("cache-control")).toBe("no-store")
        yield* issueKey(tenant.userKey, { name: "still works", role: "agent" })
      }),
    )

    for (const path of ["/signup", "/swaggerui"])
      it.effect(`${path} forbids framing and sniffing and allows exactly its own inline code`, () =>
        Effect.gen(function* () {
          const page = yield* send(path)
          expect(page.status).toBe(200)
          expect(page.headers.get("content-type")).toContain("text/html")
          expect(page.headers.get("x-frame-options")).toBe("DENY")
          expect(page.headers.get("x-content-type-options")).toBe("nosniff")
          const policy = page.headers.get("content-security-policy")
          expect(policy).not.toContain("unsafe-inline")
          expect(policy).not.toContain("unsafe-eval")
          const csp = directives(policy)
          expect(csp.get("default-src")).toEqual(["'none'"])
          expect(csp.get("frame-ancestors")).toEqual(["'none'"])
          expect(csp.get("base-uri")).toEqual(["'none'"])
          expect(csp.get("connect-src")).toEqual(["'self'"])
          // Exactly the page's own inline scripts and styles, each by its hash.
          const scripts = inlineBlocks(page.text, "script")
          const styles = inlineBlocks(page.text, "style")
          expect(scripts.length).toBeGreaterThan(0)
          expect(csp.get("script-src")).toEqual(scripts.map(hashSource))
          expect(csp.get("style-src")).toEqual(styles.map(hashSource))
        }),
      )

    for (const { name: browserName, executablePath } of browsers) {
      describe(`in ${browserName}`, () => {
        it.effect("the signup page's script runs under its policy, with no violation", () =>
          Effect.gen(function* () {
            const url = `${yield* origin}/signup`
            const violations = yield* Effect.acquireUseRelease(
              Effect.promise(() => chromium.launch({ executablePath, headless: true })),
              (browser) =>
                Effect.promise(async () => {
                  const page = await browser.newPage()
                  const seen: Array<string> = []
                  page.on("console", (message) => {
                    if (/Content Security Policy/i.test(message.text())) seen.push(message.text())
                  })
                  await page.goto(url)
                  // Only the page's script answers a submit without authenticators this way.
                  await page.click("#create")
                  await page.getByText("Enroll at least one authenticator").waitFor({ timeout: 15_000 })
                  return seen
                }),
              (browser) => Effect.promise(() => browser.close()),
            )
            expect(violations).toEqual([])
          }),
        )

        it.effect("Swagger UI renders the API's operations under its policy, with no violation", () =>
          Effect.gen(function* () {
            const violations = yield* inBrowser(executablePath, `${yield* origin}/swaggerui`, ".opblock")
            expect(violations).toEqual([])
          }),
        )
      })
    }
  })
}
