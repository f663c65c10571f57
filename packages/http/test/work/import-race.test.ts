import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { backends, call, provisionTenant, read } from "../support/identity-support.js"
import { allAtOnce } from "../support/race-support.js"
import { collectLogs, realServer } from "../support/support.js"
import { expectStatus, newProject } from "../support/work-tools-support.js"

/**
 * D27: twelve `?merge=true` imports of overlapping documents sent to one project at the same
 * instant. Every document has epic 1 and story 1.1; groups of four share epic 2, 3 or 4. Merges
 * of one project run one after another, so all twelve succeed and the project ends exactly as
 * the same twelve merged in sequence leave another project: each epic and story created once,
 * every dependency stored once.
 */

const documents = 12
const raceRounds = 3

/** Document `i`: the shared epic 1 and story 1.1, a story of its own, and a story in its group's epic. */
const documentOf = (i: number) => {
  const group = 2 + (i % 3)
  return {
    epics: [
      {
        number: 1,
        title: "Shared",
        stories: [
          { number: "1.1", title: "Shared story" },
          { number: `1.${i + 2}`, title: `Own story ${i}` },
        ],
      },
      {
        number: group,
        title: `Group ${group}`,
        stories: [{ number: `${group}.${i + 1}`, title: `Grouped ${i}` }],
      },
    ],
    story_dependencies: [{ story: `1.${i + 2}`, depends_on: "1.1" }],
    epic_dependencies: [{ epic: group, depends_on: 1 }],
  }
}

const Merged = Schema.Struct({
  import: Schema.Struct({
    epics_created: Schema.Number,
    stories_created: Schema.Number,
    dependencies_created: Schema.Number,
  }),
})

const Exported = Schema.Struct({
  epics: Schema.Array(
    Schema.Struct({
      number: Schema.Number,
      title: Schema.String,
      position: Schema.Number,
      stories: Schema.Array(Schema.Struct({ number: Schema.String, title: Schema.String })),
    }),
  ),
  story_dependencies: Schema.Array(Schema.Struct({ story: Schema.String, depends_on: Schema.String })),
  epic_dependencies: Schema.Array(Schema.Struct({ epic: Schema.Number, depends_on: Schema.Number })),
})

const byKey =
  <A>(key: (a: A) => string) =>
  (a: A, b: A) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 180_000, excludeTestServices: true })(`merge-import races on ${name}`, (it) => {
    it.effect(
      `${documents} overlapping merge imports at the same instant end as the same ${documents} in sequence (${raceRounds} rounds)`,
      () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("import-race")
          const key = tenant.userKey
          const merge = (project: string, i: number) =>
            call("POST", `/api/v1/projects/${project}/import?merge=true`, { key, body: documentOf(i) })
          /** The project's breakdown, in an order that does not depend on who created what first. */
          const breakdown = (project: string) =>
            Effect.map(call("GET", `/api/v1/projects/${project}/export`, { key }), (answer) => {
              const doc = read(Exported, expectStatus(answer, 200, "export"))
              return {
                epics: [...doc.epics].sort(byKey((e) => String(e.number).padStart(3, "0"))).map((e) => ({
                  ...e,
                  stories: [...e.stories].sort(byKey((s) => s.number)),
                })),
                story_dependencies: doc.story_dependencies.map((d) => `${d.story}>${d.depends_on}`).sort(),
                epic_dependencies: doc.epic_dependencies.map((d) => `${d.epic}>${d.depends_on}`).sort(),
              }
            })
          const indexes = Array.from({ length: documents }, (_, i) => i)

          const sequential = yield* newProject(key)
          for (const i of indexes) expectStatus(yield* merge(sequential, i), 200, `sequential merge ${i}`)
          const expected = yield* breakdown(sequential)
          expect(expected.epics.map((e) => e.number)).toEqual([1, 2, 3, 4])
          expect(expected.story_dependencies).toHaveLength(documents)

          const outcomes: Array<unknown> = []
          for (let round = 0; round < raceRounds; round++) {
            const project = yield* newProject(key)
            const answers = yield* allAtOnce(indexes.map((i) => merge(project, i)))
            const created = answers
              .filter((answer) => answer.status === 200)
              .map((answer) => read(Merged, answer).import)
            outcomes.push({
              refusals: answers.filter((answer) => answer.status !== 200).map((answer) => answer.text),
              created: {
                epics: created.reduce((n, c) => n + c.epics_created, 0),
                stories: created.reduce((n, c) => n + c.stories_created, 0),
                dependencies: created.reduce((n, c) => n + c.dependencies_created, 0),
              },
              breakdown: yield* breakdown(project),
            })
          }
          const asInSequence = {
            refusals: [],
            created: {
              epics: expected.epics.length,
              stories: expected.epics.reduce((n, e) => n + e.stories.length, 0),
              dependencies: documents,
            },
            breakdown: expected,
          }
          expect(outcomes).toEqual(Array.from({ length: raceRounds }, () => asInSequence))
        }),
      180_000,
    )

    it.effect(
      "a merge that races a single create of the same epic number: one epic, and any 409 names it",
      () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("import-create-race")
          const key = tenant.userKey
          const seen: Array<unknown> = []
          for (let round = 0; round < 8; round++) {
            const project = yield* newProject(key)
            const [created, merged] = yield* allAtOnce([
              call("POST", `/api/v1/projects/${project}/epics`, {
                key,
                body: { number: 5, title: "By hand" },
              }),
              call("POST", `/api/v1/projects/${project}/import?merge=true`, {
                key,
                body: { epics: [{ number: 5, title: "Imported", stories: [{ number: "5.1", title: "S" }] }] },
              }),
            ])
            if (created === undefined || merged === undefined) throw new Error("two answers expected")
            const epics = yield* call("GET", `/api/v1/projects/${project}/epics`, { key })
            seen.push({
              // The create lost to the import (422 duplicate number) or went first (201)…
              create: [201, 422].includes(created.status),
              // …and the import updated what it found, or names the epic another request created.
              merge:
                merged.status === 200 ||
                (merged.status === 409 &&
                  merged.text.includes("epic number 5 was created by another request") &&
                  !merged.text.includes("merge=true")),
              epics: read(
                Schema.Struct({ data: Schema.Array(Schema.Unknown) }),
                expectStatus(epics, 200, "epics"),
              ).data.length,
            })
          }
          expect(seen).toEqual(Array.from({ length: 8 }, () => ({ create: true, merge: true, epics: 1 })))
        }),
    )
  })
}
