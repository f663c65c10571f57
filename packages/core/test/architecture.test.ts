import { readFileSync, readdirSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * `@loopctl/core` stays pure: it imports `effect` and its own files, nothing of Node, no
 * driver, no HTTP. Adapters depend on it, never the other way round.
 */
const root = join(import.meta.dirname, "..", "src")

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : []
  })

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

describe("core's dependency rule", () => {
  const files = sourceFiles(root)

  it("finds the core's sources", () => {
    expect(files.length).toBeGreaterThan(20)
  })

  it("imports nothing but effect and its own files", () => {
    const offending = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((s) => !allowed(s))
        .map((s) => `${relative(root, file)}: ${s}`),
    )
    expect(offending).toEqual([])
  })

  it("touches no platform globals (process, fetch, require, Buffer)", () => {
    const offending = files.flatMap((file) => {
      const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
      return /\b(process\.|fetch\(|require\(|Buffer\.)/.test(text) ? [relative(root, file)] : []
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
