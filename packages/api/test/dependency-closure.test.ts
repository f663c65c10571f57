import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * `@loopctl/api` is what clients build on (`HttpApiClient.make(LoopctlApi)`), so nothing of the
 * server may come with it: no Node platform, no database driver, no WebAuthn, no other loopctl
 * package than the pure core. Checked on its sources, its manifest and what is installed for it.
 */
const packageDir = join(import.meta.dirname, "..")
const ownDependencies = ["@effect/platform", "@loopctl/core", "effect"]

/** Packages that only a server needs; none may be reachable from the contract. */
const serverOnly = [
  "@effect/platform-node",
  "@effect/sql",
  "@effect/sql-pg",
  "@electric-sql/pglite",
  "@simplewebauthn/server",
  "@loopctl/http",
  "@loopctl/adapters-pg",
  "pg",
]

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : []
  })

const specifiers = (text: string): ReadonlyArray<string> =>
  [
    ...text.matchAll(/\bfrom\s*["']([^"']+)["']/g),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].flatMap((m) => (m[1] === undefined ? [] : [m[1]]))

const packageOf = (specifier: string): string =>
  specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : (specifier.split("/")[0] ?? specifier)

interface Manifest {
  readonly name?: string
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
}

const manifestAt = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))

/** Where Node would find `name` from `dir`: the nearest node_modules/<name> up the tree. */
const locate = (name: string, dir: string): string | undefined => {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate)
    if (dirname(at) === at) return undefined
  }
}

/** Every package installed for `dir`'s runtime dependencies and required peers, by name. */
const closure = (dir: string): ReadonlySet<string> => {
  const seen = new Set<string>()
  const visited = new Set<string>()
  const visit = (at: string) => {
    if (visited.has(at)) return
    visited.add(at)
    const manifest = manifestAt(at)
    const required = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true,
    )
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...required]) {
      seen.add(name)
      const found = locate(name, at)
      if (found !== undefined) visit(found)
    }
  }
  visit(realpathSync(dir))
  return seen
}

describe("the contract's dependency closure", () => {
  const files = sourceFiles(join(packageDir, "src"))

  it("finds the contract's sources", () => {
    expect(files.length).toBeGreaterThan(20)
  })

  it("its sources import only effect, @effect/platform, the core and their own files", () => {
    const offending = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((s) => !s.startsWith("./") && !s.startsWith("../"))
        .filter((s) => !ownDependencies.includes(packageOf(s)))
        .map((s) => `${relative(packageDir, file)}: ${s}`),
    )
    expect(offending).toEqual([])
  })

  it("its manifest depends on exactly those packages", () => {
    expect(Object.keys(manifestAt(packageDir).dependencies ?? {}).sort()).toEqual(ownDependencies)
  })

  it("nothing installed for it is server code", () => {
    const reachable = closure(packageDir)
    expect(reachable.has("effect")).toBe(true)
    expect(serverOnly.filter((name) => reachable.has(name))).toEqual([])
  })

  it("the closure walk finds server code where there is some (the server's own package)", () => {
    const server = locate("@loopctl/http", realpathSync(join(packageDir, "..", "..")))
    expect(server).toBeDefined()
    if (server !== undefined)
      expect([...closure(server)]).toEqual(expect.arrayContaining(["@effect/platform-node", "pg"]))
  })
})
