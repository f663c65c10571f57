import { describe, expect, layer } from "@effect/vitest"
import {
  Epics,
  type Ids,
  Projects,
  Stories,
  StoryDependencies,
  type Tenants,
  type UnitOfWork,
} from "@loopctl/core"
import { ContractFixtures } from "@loopctl/core/contracts"
import { Effect, Layer } from "effect"
import { SqlPorts } from "../src/index.js"
import { databaseUrl, pgliteBackend, postgresBackend, postgresTitle } from "./support.js"

/**
 * Inserts larger than a multi-row VALUES list can carry: a batch whose values exceed the
 * protocol's 65,535 bind parameters still goes in whole (as one JSON recordset), and fails whole.
 */

/** More stories than one VALUES list could carry (each story row has over 20 columns). */
const storyCount = 4000

const { aProject, anEpic, aStory, aStoryDependency, freshTenant, within } = ContractFixtures

/** A project with one epic and `storyCount` unsaved stories numbered 1.1, 1.2, …, chained by dependencies. */
const bigBatch = Effect.gen(function* () {
  const tenant = yield* freshTenant()
  const project = yield* aProject(tenant)
  const epic = yield* anEpic(project, 1)
  yield* within(
    tenant.id,
    Effect.gen(function* () {
      yield* Effect.flatMap(Projects, (p) => p.insert(project))
      yield* Effect.flatMap(Epics, (e) => e.insert([epic]))
    }),
  )
  const stories = yield* Effect.forEach(
    Array.from({ length: storyCount }, (_, i) => i + 1),
    (n) => aStory(epic, `1.${n}`),
  )
  const edges = yield* Effect.forEach(stories.slice(1), (story, i) => {
    const previous = stories[i]
    return previous === undefined ? Effect.dieMessage("no previous story") : aStoryDependency(story, previous)
  })
  return { tenant, project, epic, stories, edges }
})

const countStories = (tenant: Effect.Effect.Success<typeof bigBatch>) =>
  within(
    tenant.tenant.id,
    Effect.map(
      Effect.flatMap(Stories, (s) => s.listAllByProject(tenant.project.id)),
      (stories) => stories.length,
    ),
  )

/** The cases, run on each backend. */
const cases: ReadonlyArray<{ readonly name: string; readonly run: Effect.Effect<void, unknown, Ports> }> = [
  {
    name: "stores every story and edge of a batch larger than one statement",
    run: Effect.gen(function* () {
      const batch = yield* bigBatch
      yield* within(
        batch.tenant.id,
        Effect.gen(function* () {
          yield* Effect.flatMap(Stories, (s) => s.insert(batch.stories))
          yield* Effect.flatMap(StoryDependencies, (d) => d.insert(batch.edges))
        }),
      )
      expect(yield* countStories(batch)).toBe(storyCount)
      const edges = yield* within(
        batch.tenant.id,
        Effect.flatMap(StoryDependencies, (d) => d.listByProject(batch.project.id)),
      )
      expect(edges.length).toBe(storyCount - 1)
    }),
  },
  {
    name: "a duplicate anywhere in the batch stores none of it",
    run: Effect.gen(function* () {
      const batch = yield* bigBatch
      const last = batch.stories[storyCount - 1]
      if (last === undefined) return yield* Effect.dieMessage("no last story")
      const repeated = yield* aStory(batch.epic, last.number)
      const failed = yield* Effect.flip(
        within(
          batch.tenant.id,
          Effect.flatMap(Stories, (s) => s.insert([...batch.stories, repeated])),
        ),
      )
      expect(failed).toMatchObject({ _tag: "DuplicateKey", key: "number" })
      expect(yield* countStories(batch)).toBe(0)
    }),
  },
]

type Ports = Stories | StoryDependencies | Epics | Projects | Tenants | UnitOfWork | Ids

layer(SqlPorts.pipe(Layer.provideMerge(pgliteBackend)), { timeout: 120_000 })(
  "batched inserts on PGlite",
  (it) => {
    for (const c of cases) it.effect(c.name, () => c.run)
  },
)

describe.skipIf(databaseUrl === undefined)(postgresTitle("batched inserts on Postgres"), () => {
  if (databaseUrl === undefined) return
  layer(SqlPorts.pipe(Layer.provideMerge(postgresBackend(databaseUrl))), { timeout: 120_000 })(
    "Postgres",
    (it) => {
      for (const c of cases) it.effect(c.name, () => c.run)
    },
  )
})
