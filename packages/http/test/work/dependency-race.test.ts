import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { type StaffedTenant, backends, call, read, staffedTenant } from "../support/identity-support.js"
import { allAtOnce, rounds } from "../support/race-support.js"
import { expectStatus, newProject, record } from "../support/story-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * D27 on the real server: two requests that would close a cycle (X→Y and Y→X) sent at the same
 * instant, for stories and for epics, round after round. Dependency writes of one project run
 * one after another, so exactly one edge of each pair is stored (201) and the other is the 422
 * naming the cycle; the project's export then imports again. On PGlite the requests queue for
 * its one session; on Postgres each has its own connection.
 */

const Graph = Schema.Struct({
  graph: Schema.Struct({
    epics: Schema.Array(
      Schema.Struct({
        id: Schema.String,
        number: Schema.Number,
        stories: Schema.Array(Schema.Struct({ id: Schema.String, number: Schema.String })),
      }),
    ),
    epic_dependencies: Schema.Array(Schema.Struct({ from: Schema.String, to: Schema.String })),
    story_dependencies: Schema.Array(Schema.Struct({ from: Schema.String, to: Schema.String })),
  }),
})

/** A project with `rounds` pairs of stories (in epic 1) and `rounds` pairs of empty epics. */
const pairsBoard = (tenant: StaffedTenant) =>
  Effect.gen(function* () {
    const project = yield* newProject(tenant)
    const stories = Array.from({ length: 2 * rounds }, (_, i) => ({ number: `1.${i + 1}`, title: `S${i}` }))
    const epics = [
      { number: 1, title: "Stories", stories },
      ...Array.from({ length: 2 * rounds }, (_, i) => ({ number: i + 2, title: `E${i}`, stories: [] })),
    ]
    expectStatus(
      yield* call("POST", `/api/v1/projects/${project}/import`, { key: tenant.userKey, body: { epics } }),
      201,
      "importing the board",
    )
    const graph = yield* graphOf(tenant, project)
    const storyId = new Map(graph.epics.flatMap((e) => e.stories.map((s) => [s.number, s.id] as const)))
    const epicId = new Map(graph.epics.map((e) => [e.number, e.id] as const))
    const pick = <K, V>(ids: ReadonlyMap<K, V>, key: K): V => {
      const id = ids.get(key)
      if (id === undefined) throw new Error(`missing ${String(key)}`)
      return id
    }
    return {
      project,
      storyPair: (round: number) =>
        [pick(storyId, `1.${2 * round + 1}`), pick(storyId, `1.${2 * round + 2}`)] as const,
      epicPair: (round: number) => [pick(epicId, 2 * round + 2), pick(epicId, 2 * round + 3)] as const,
    }
  })

const graphOf = (tenant: StaffedTenant, project: string) =>
  Effect.map(
    call("GET", `/api/v1/projects/${project}/dependency_graph`, { key: tenant.orchestratorKey }),
    (answer) => read(Graph, expectStatus(answer, 200, "the dependency graph")).graph,
  )

/** The statuses of a pair of answers, lowest first, the 422's code and whether its cycle names both ends. */
const outcome = (
  answers: ReadonlyArray<{ readonly status: number; readonly body: unknown }>,
  ends: ReadonlyArray<string>,
) => {
  const refused = answers.find((answer) => answer.status === 422)
  const error = refused === undefined ? {} : record(record(refused.body).error)
  const cycle = record(error.context ?? {}).cycle
  return {
    statuses: answers.map((answer) => answer.status).sort(),
    code: error.code,
    cycleNamesBoth: Array.isArray(cycle) && ends.every((end) => cycle.includes(end)),
  }
}

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 180_000, excludeTestServices: true })(`dependency races on ${name}`, (it) => {
    it.effect(
      `X→Y and Y→X at the same instant, ${rounds} story pairs and ${rounds} epic pairs: one 201, one 422 cycle each`,
      () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("dependency-race")
          const board = yield* pairsBoard(tenant)
          const edge = (path: string, body: Readonly<Record<string, string>>) =>
            call("POST", path, { key: tenant.orchestratorKey, body })

          const storyOutcomes: Array<ReturnType<typeof outcome>> = []
          const epicOutcomes: Array<ReturnType<typeof outcome>> = []
          for (let round = 0; round < rounds; round++) {
            const [x, y] = board.storyPair(round)
            const stories = yield* allAtOnce([
              edge("/api/v1/story_dependencies", { story_id: x, depends_on_story_id: y }),
              edge("/api/v1/story_dependencies", { story_id: y, depends_on_story_id: x }),
            ])
            storyOutcomes.push(outcome(stories, [x, y]))
            const [a, b] = board.epicPair(round)
            const epics = yield* allAtOnce([
              edge("/api/v1/epic_dependencies", { epic_id: a, depends_on_epic_id: b }),
              edge("/api/v1/epic_dependencies", { epic_id: b, depends_on_epic_id: a }),
            ])
            epicOutcomes.push(outcome(epics, [a, b]))
          }
          const oneOfEach = { statuses: [201, 422], code: "cycle_detected", cycleNamesBoth: true }
          expect(storyOutcomes).toEqual(Array.from({ length: rounds }, () => oneOfEach))
          expect(epicOutcomes).toEqual(Array.from({ length: rounds }, () => oneOfEach))

          // Exactly one edge per pair was stored, and the graph stays importable (backup and restore).
          const graph = yield* graphOf(tenant, board.project)
          expect(graph.story_dependencies).toHaveLength(rounds)
          expect(graph.epic_dependencies).toHaveLength(rounds)
          const exported = expectStatus(
            yield* call("GET", `/api/v1/projects/${board.project}/export`, { key: tenant.userKey }),
            200,
            "export",
          )
          const copy = yield* newProject(tenant)
          const restored = yield* call("POST", `/api/v1/projects/${copy}/import`, {
            key: tenant.userKey,
            body: exported.body,
          })
          expect(restored.status, restored.text).toBe(201)
          expect(record(restored.body).import).toMatchObject({ dependencies_created: 2 * rounds })
        }),
      180_000,
    )
  })
}
