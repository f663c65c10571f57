/**
 * Bundles the compiled server (`packages/http/dist/main/main.js`, built by `pnpm build`) into
 * `packages/http/dist/bundle/main.js` with esbuild. Node then reads a few files instead of some
 * 1,250 modules, and what the server never uses is left out (the barrels of `effect` and
 * `@effect/platform` pull in fast-check, the Scalar and Swagger UI pages as multi-megabyte
 * strings, `@effect/cluster`, …): see bench/README.md for what it saves.
 *
 * PGlite stays outside the bundle, because it finds its wasm and data files next to its own
 * module. The migrations are read from the adapters package, as the unbundled server does.
 */
import { readFile } from "node:fs/promises"
import { relative } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = fileURLToPath(new URL("..", import.meta.url))
const outdir = `${root}packages/http/dist/bundle`
const migrations = `${root}packages/adapters-pg/migrations`

// The migrator finds the migrations relative to its own file; in the bundle that file is gone.
const migrationsFromBundle = {
  name: "migrations-from-bundle",
  setup(bundle) {
    bundle.onLoad({ filter: /adapters-pg[\\/]dist[\\/]migrator\.js$/ }, async (file) => {
      const source = await readFile(file.path, "utf8")
      const original = 'new URL("../migrations/", import.meta.url)'
      if (!source.includes(original)) throw new Error(`${file.path} no longer contains ${original}`)
      const fromBundle = `new URL(${JSON.stringify(`${relative(outdir, migrations)}/`)}, import.meta.url)`
      return { contents: source.replace(original, fromBundle), loader: "js" }
    })
  },
}

await build({
  entryPoints: { main: `${root}packages/http/dist/main/main.js` },
  outdir,
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@electric-sql/pglite"],
  // CommonJS dependencies (pg, …) call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  mainFields: ["module", "main"],
  plugins: [migrationsFromBundle],
  logLevel: "warning",
})
