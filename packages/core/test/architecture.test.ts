import { existsSync, readFileSync, readdirSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * The arrows of the layout point inward, and this test fails the build when one does not:
 * - `@loopctl/core` imports `effect` and its own files, nothing of Node, no driver, no HTTP;
 * - inside the core, domain imports domain; rules import domain and rules; ports import domain
 *   and ports (of any context, the kernel included) — never a use case, a policy or the testing kit;
 * - adapters (adapters-pg, http, worker) import the core through its package entry points, and
 *   each other only that way, never another package's files;
 * - clients (cli, mcp) depend on `@loopctl/api` alone of our packages.
 */
const packages = join(import.meta.dirname, "..", "..")
const coreRoot = join(packages, "core", "src")

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const path = join(dir, name)
        return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : []
      })
    : []

const specifiers = (text: string): ReadonlyArray<string> =>
  [
    ...text.matchAll(/^\s*(?:import|export)\b[^;"'=()]*?\bfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].flatMap((m) => (m[1] === undefined ? [] : [m[1]]))

const allowed = (specifier: string): boolean =>
  specifier === "effect" ||
  specifier.startsWith("effect/") ||
  specifier.startsWith("./") ||
  specifier.startsWith("../")

/** The layers of a bounded context, innermost first. */
type Layer = "domain" | "rules" | "ports" | "use-cases" | "policy" | "testing" | "entry"

/** The layer of a core source path (relative to core/src): `<context>/<layer>/…`, the kit, or a barrel. */
const layerOf = (path: string): Layer => {
  const parts = path.split(/[\\/]/)
  if (parts[0] === "testing") return "testing"
  const layer = parts.length > 2 ? parts[1] : undefined
  return layer === "domain" ||
    layer === "rules" ||
    layer === "ports" ||
    layer === "use-cases" ||
    layer === "policy"
    ? layer
    : "entry"
}

/** What each inner layer may import from the core; the outer ones (use cases, policy, kit, barrels) anything. */
const mayImport: Partial<Record<Layer, ReadonlySet<Layer>>> = {
  domain: new Set(["domain"]),
  rules: new Set(["domain", "rules"]),
  ports: new Set(["domain", "ports"]),
}

/** The arrows that point the wrong way from `from` to its relative imports, as `from → to`. */
const wrongArrows = (from: string, imports: ReadonlyArray<string>): ReadonlyArray<string> => {
  const permitted = mayImport[layerOf(from)]
  if (permitted === undefined) return []
  return imports
    .filter((s) => s.startsWith("."))
    .map((s) => relative(coreRoot, resolve(coreRoot, dirname(from), s)))
    .filter((to) => !permitted.has(layerOf(to)))
    .map((to) => `${from} → ${to}`)
}

/** Our packages an adapter file may import, and how: by their entry points only, never their files. */
const adapterImportProblem = (specifier: string): string | undefined => {
  if (specifier.startsWith("@loopctl/")) {
    const [, name, ...rest] = specifier.split("/")
    // `@loopctl/core/memory` and `/contracts` are the core's published entry points.
    const entry = rest.join("/")
    if (name === "core" && (entry === "" || entry === "memory" || entry === "contracts")) return undefined
    return entry === "" ? undefined : `${specifier} is not an entry point`
  }
  return undefined
}

/** Whether a client may import a specifier: of our packages only `@loopctl/api`'s entry. */
const clientImportProblem = (specifier: string): string | undefined =>
  specifier.startsWith("@loopctl/") && specifier !== "@loopctl/api"
    ? `${specifier}: a client uses @loopctl/api only`
    : undefined

/** Problems of every file of a package, by the check given. */
const importProblems = (
  srcRoot: string,
  check: (specifier: string, file: string) => string | undefined,
): ReadonlyArray<string> =>
  sourceFiles(srcRoot).flatMap((file) =>
    specifiers(readFileSync(file, "utf8")).flatMap((s) => {
      const problem = check(s, file)
      return problem === undefined ? [] : [`${relative(packages, file)}: ${problem}`]
    }),
  )

/** A relative import of an adapter file that resolves outside its own package. */
const leavesPackage = (packageRoot: string, file: string, specifier: string): boolean =>
  specifier.startsWith(".") && !resolve(dirname(file), specifier).startsWith(packageRoot + sep)

describe("core's dependency rule", () => {
  const files = sourceFiles(coreRoot)

  it("finds the core's sources", () => {
    expect(files.length).toBeGreaterThan(20)
  })

  it("imports nothing but effect and its own files", () => {
    const offending = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((s) => !allowed(s))
        .map((s) => `${relative(coreRoot, file)}: ${s}`),
    )
    expect(offending).toEqual([])
  })

  it("touches no platform globals (process, fetch, require, Buffer)", () => {
    const offending = files.flatMap((file) => {
      const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
      return /\b(process\.|fetch\(|require\(|Buffer\.)/.test(text) ? [relative(coreRoot, file)] : []
    })
    expect(offending).toEqual([])
  })

  it("the rule itself rejects what it must", () => {
    const text = `import { x } from "node:fs"\nimport y from 'pg'\nimport "node:crypto"\nconst z = await import("undici")\nexport * from "fs"`
    expect(
      specifiers(text)
        .filter((s) => !allowed(s))
        .sort(),
    ).toEqual(["fs", "node:crypto", "node:fs", "pg", "undici"])
    expect(allowed("effect/Schema")).toBe(true)
  })
})

describe("the layers inside the core", () => {
  it("domain imports domain, rules import domain and rules, ports import domain and ports", () => {
    const offending = sourceFiles(coreRoot).flatMap((file) =>
      wrongArrows(relative(coreRoot, file), specifiers(readFileSync(file, "utf8"))),
    )
    expect(offending).toEqual([])
  })

  it("the check rejects an arrow that points outward", () => {
    expect(wrongArrows("work/rules/graph.ts", ["../ports/stories.js"])).toEqual([
      `work/rules/graph.ts → ${join("work", "ports", "stories.js")}`,
    ])
    expect(wrongArrows("identity/ports/rate-limits.ts", ["../rules/rate-limit.js"])).toHaveLength(1)
    expect(wrongArrows("work/domain/story.ts", ["../../workflow/use-cases/bulk-work.js"])).toHaveLength(1)
    expect(wrongArrows("work/rules/graph.ts", ["../../testing/memory/work.js"])).toHaveLength(1)
    // Inward arrows, also across contexts, are fine; outer layers may import anything of the core.
    expect(
      wrongArrows("work/rules/graph.ts", ["../domain/story.js", "../../kernel/domain/ids.js", "./gates.js"]),
    ).toEqual([])
    expect(wrongArrows("workflow/ports/x.ts", ["../../kernel/ports/unit-of-work.js"])).toEqual([])
    expect(wrongArrows("work/use-cases/importer.ts", ["../ports/stories.js", "../rules/import.js"])).toEqual(
      [],
    )
  })
})

describe("the adapters and the clients", () => {
  const adapters = ["adapters-pg", "http", "worker"]
  const clients = ["cli", "mcp"]

  it.each(adapters)(
    "%s imports the core (and the other packages) only through their entry points",
    (name) => {
      const root = join(packages, name)
      const offending = importProblems(join(root, "src"), (s, file) =>
        leavesPackage(root, file, s) ? `${s} reaches into another package` : adapterImportProblem(s),
      )
      expect(offending).toEqual([])
    },
  )

  it.each(clients)("%s depends on @loopctl/api alone of our packages", (name) => {
    const root = join(packages, name)
    const manifest: unknown = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
    const dependencies =
      typeof manifest === "object" && manifest !== null && "dependencies" in manifest
        ? Object.keys(manifest.dependencies ?? {})
        : []
    expect(dependencies.filter((d) => d.startsWith("@loopctl/") && d !== "@loopctl/api")).toEqual([])
    const offending = importProblems(join(root, "src"), (s, file) =>
      leavesPackage(root, file, s) ? `${s} reaches into another package` : clientImportProblem(s),
    )
    expect(offending).toEqual([])
  })

  it("the checks reject what they must", () => {
    expect(adapterImportProblem("@loopctl/core")).toBeUndefined()
    expect(adapterImportProblem("@loopctl/core/memory")).toBeUndefined()
    expect(adapterImportProblem("@loopctl/adapters-pg")).toBeUndefined()
    expect(adapterImportProblem("@loopctl/core/src/work/rules/graph.js")).toBeDefined()
    expect(adapterImportProblem("@loopctl/adapters-pg/src/unit-of-work.js")).toBeDefined()
    expect(clientImportProblem("@loopctl/api")).toBeUndefined()
    expect(clientImportProblem("@loopctl/core")).toBeDefined()
    expect(clientImportProblem("@loopctl/http")).toBeDefined()
    const root = join(packages, "http")
    expect(leavesPackage(root, join(root, "src", "edge", "x.ts"), "../../../core/src/index.js")).toBe(true)
    expect(leavesPackage(root, join(root, "src", "edge", "x.ts"), "../work/y.js")).toBe(false)
  })
})
