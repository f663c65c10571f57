/**
 * Where the benchmarks keep their data: PGlite in a temporary directory on disk (durable, as
 * `pnpm start` runs it), or a database of its own on the Postgres server of `DATABASE_URL`,
 * created for the run and dropped after it.
 */
import { randomUUID } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import pg from "pg"

/** A temporary directory, removed with everything in it when the scope ends. */
export const temporaryDirectory = Effect.acquireRelease(
  Effect.tryPromise(() => mkdtemp(join(tmpdir(), "loopctl-bench-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
)

/** Runs `statement` on the server of `url` over a connection of its own. */
export const onServer = (url: string, statement: string) =>
  Effect.tryPromise(async () => {
    const client = new pg.Client({ connectionString: url, application_name: "loopctl-bench" })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  })

/** A database of its own on the server of `serverUrl`, dropped (connections and all) afterwards. */
export const freshDatabase = (serverUrl: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const name = `loopctl_bench_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`
      yield* onServer(serverUrl, `CREATE DATABASE ${name}`)
      const url = new URL(serverUrl)
      url.pathname = `/${name}`
      return { name, url: url.toString() }
    }),
    ({ name }) => Effect.orDie(onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  )
