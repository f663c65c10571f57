import { existsSync } from "node:fs"
import { HttpServer } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it, layer } from "@effect/vitest"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { signupPage } from "@loopctl/http"
import { Effect, Layer, Schema } from "effect"
import { type Browser, chromium } from "playwright-core"
import { backends, call, read, uniqueSlug } from "../support/identity-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * The signup page in a real browser: headless Chromium with a virtual authenticator (Chrome
 * DevTools Protocol) opens `/signup`, a person's steps are played (fill the form, enroll, create)
 * and the key the page shows is then used on the API. WebAuthn needs a secure context and a
 * domain as relying party, so the page is opened as `http://localhost:<port>`, which is what the
 * server's default origin names. The browser suites run where Chromium is installed (CI installs
 * it); Playwright is never asked to download a browser.
 */

/** The browsers installed on this machine. */
const browsers = [
  ...(existsSync("/usr/bin/chromium") ? [{ name: "Chromium", executablePath: "/usr/bin/chromium" }] : []),
]

describe("the signup page's script", () => {
  it("is valid JavaScript (the server writes it inside a template string)", () => {
    const scripts = [...signupPage.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? "")
    expect(scripts).toHaveLength(1)
    // Parsing is enough: the function is never called here.
    for (const script of scripts) expect(() => new Function(script)).not.toThrow()
    expect(signupPage).toContain('.replace(/\\+/g, "-").replace(/\\//g, "_")')
  })
})

/** Runs `use` with a fresh headless browser, closed afterwards whatever happens. */
const withBrowser = <A>(executablePath: string, use: (browser: Browser) => Promise<A>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => chromium.launch({ executablePath, headless: true })),
    (browser) => Effect.promise(() => use(browser)),
    (browser) => Effect.promise(() => browser.close()),
  )

/** What a person sees and what the virtual authenticator holds after signing up. */
interface SignupRun {
  readonly rawKey: string
  readonly credentialIds: ReadonlyArray<string>
}

/** A person signs up on the page with one virtual authenticator and reads the key shown. */
const signUpInBrowser = (
  browser: Browser,
  origin: string,
  fields: { readonly name: string; readonly slug: string; readonly email: string },
): Promise<SignupRun> =>
  (async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const devtools = await context.newCDPSession(page)
    await devtools.send("WebAuthn.enable")
    const { authenticatorId } = await devtools.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "usb",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })
    await page.goto(`${origin}/signup`)
    await page.fill("#name", fields.name)
    await page.fill("#slug", fields.slug)
    await page.fill("#email", fields.email)
    await page.fill("#authenticator-name", "Virtual key")
    await page.click("#enroll")
    await page.locator("#enrolled li").first().waitFor({ timeout: 15_000 })
    await page.click("#create")
    try {
      await page.locator("#raw-key").waitFor({ state: "visible", timeout: 15_000 })
    } catch (error) {
      throw new Error(`no key was shown; the page said: ${await page.textContent("#status")}`, {
        cause: error,
      })
    }
    const rawKey = (await page.textContent("#raw-key")) ?? ""
    const { credentials } = await devtools.send("WebAuthn.getCredentials", { authenticatorId })
    await context.close()
    // The protocol gives ids in plain base64; the server keeps them as base64url.
    return {
      rawKey,
      credentialIds: credentials.map((c) => Buffer.from(c.credentialId, "base64").toString("base64url")),
    }
  })()

/** `http://localhost:<port>` of the running server. */
const localhostOrigin = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://localhost:${server.address.port}` : "http://localhost",
)

for (const browser of browsers) {
  for (const { name, database } of backends) {
    const server = realServer(database).pipe(Layer.provide(collectLogs([])))

    layer(server, { timeout: 120_000, excludeTestServices: true })(
      `signup in ${browser.name} on ${name}`,
      (it) => {
        it.effect("a person enrolls an authenticator on /signup, sees the key once, and the key works", () =>
          Effect.gen(function* () {
            const origin = yield* localhostOrigin
            const slug = uniqueSlug("browser")
            const fields = { name: "Browser Co", slug, email: `root@${slug}.test` }
            const run = yield* withBrowser(browser.executablePath, (b) => signUpInBrowser(b, origin, fields))
            expect(run.rawKey).toMatch(/^lc_[A-Za-z0-9_-]{40}$/)
            expect(run.credentialIds).toHaveLength(1)

            const me = yield* call("GET", "/api/v1/tenants/me", { key: run.rawKey })
            expect(me.status).toBe(200)
            const { tenant } = read(
              Schema.Struct({
                tenant: Schema.Struct({ id: Schema.String, slug: Schema.String, status: Schema.String }),
              }),
              me,
            )
            expect(tenant).toMatchObject({ slug, status: "active" })

            const sql = yield* SqlClient.SqlClient
            const stored = yield* Effect.orDie(
              (yield* DatabaseAccess).asOwner(
                sql<{ readonly credential_id: string; readonly friendly_name: string }>`
                SELECT credential_id, friendly_name FROM tenant_root_authenticators WHERE tenant_id = ${tenant.id}`,
              ),
            )
            expect(stored).toEqual([{ credential_id: run.credentialIds[0], friendly_name: "Virtual key" }])
          }),
        )
      },
    )
  }
}
