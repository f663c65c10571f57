import { Effect } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { EpicId, type ProjectId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { Epic } from "../../work/domain/epic.js"
import type { Story } from "../../work/domain/story.js"
import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { Stories } from "../../work/ports/stories.js"
import {
  ArtifactReports,
  ReviewRecords,
  VerificationResults,
} from "../../workflow/ports/verification-records.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
  settle,
} from "./contract.js"
import {
  aProject,
  aReviewRecord,
  aStory,
  aStoryDependency,
  aVerificationResult,
  anArtifactReport,
  anEpic,
  anEpicDependency,
  commitStories,
  instant,
  richJson,
  seedBoard,
  within,
} from "./fixtures.js"

const insertEpics = (epics: ReadonlyArray<Epic>) => Effect.flatMap(Epics, (repo) => repo.insert(epics))
const findEpic = (id: EpicId) => Effect.flatMap(Epics, (repo) => repo.findById(id))
const epicsOf = (project: ProjectId) => Effect.flatMap(Epics, (repo) => repo.listByProject(project))
const ids = (rows: ReadonlyArray<{ readonly id: string }>) => rows.map((row) => row.id)

/** The Epics port: numbers unique per project, position-then-number order, cascading delete. */
export const epicsContract: ContractSuite<
  | Epics
  | Projects
  | Stories
  | StoryDependencies
  | EpicDependencies
  | ReviewRecords
  | VerificationResults
  | ArtifactReports
  | Tenants
  | UnitOfWork
  | Ids
> = {
  port: "Epics",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedBoard
        const epic = yield* anEpic(project, 7, {
          title: "Payments — Grüße",
          description: "Take money\nsafely",
          phase: "p2",
          position: 3,
          metadata: richJson,
          inserted_at: instant(30, 654_321),
          updated_at: instant(31, 10),
        })
        yield* within(tenant.id, insertEpics([epic]))
        const found = yield* within(tenant.id, findEpic(epic.id))
        yield* expectEqual(yield* expectSome(found, "the inserted epic"), epic, "epic after a round-trip")
      }),
    ),
    contractCase(
      "insert stores a whole batch, null fields included",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedBoard
        const batch = [yield* anEpic(project, 2), yield* anEpic(project, 3), yield* anEpic(project, 4)]
        yield* within(tenant.id, insertEpics(batch))
        for (const epic of batch) {
          const found = yield* within(tenant.id, findEpic(epic.id))
          yield* expectEqual(yield* expectSome(found, `epic ${epic.number}`), epic, `epic ${epic.number}`)
        }
      }),
    ),
    contractCase(
      "findById of an unknown id is none",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const missing = yield* freshId(EpicId)
        yield* expectNone(yield* within(tenant.id, findEpic(missing)), "an unknown epic")
      }),
    ),
    contractCase(
      "findForUpdate returns the stored epic, and none for an unknown id",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const held = yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.findForUpdate(epic.id)),
        )
        yield* expectEqual(yield* expectSome(held, "the held epic"), epic, "epic from findForUpdate")
        const missing = yield* freshId(EpicId)
        yield* expectNone(
          yield* within(
            tenant.id,
            Effect.flatMap(Epics, (repo) => repo.findForUpdate(missing)),
          ),
          "an unknown epic held",
        )
      }),
    ),
    contractCase(
      "update replaces the stored fields",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const changed = new Epic({
          ...epic,
          title: "Retitled",
          description: "described",
          phase: "p9",
          position: 5,
          metadata: richJson,
          updated_at: instant(40, 5),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.update(changed)),
        )
        const found = yield* within(tenant.id, findEpic(epic.id))
        yield* expectEqual(yield* expectSome(found, "the updated epic"), changed, "epic after update")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey number when the project already has the number",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const twin = yield* anEpic(project, epic.number, { title: "Twin" })
        const refused = yield* expectFailure(
          within(tenant.id, insertEpics([twin])),
          "DuplicateKey",
          "an epic repeating a number",
        )
        yield* expectEqual(refused.key, "number", "the key of the DuplicateKey")
        yield* expectNone(yield* within(tenant.id, findEpic(twin.id)), "the refused epic")
        yield* expectEqual(
          ids(yield* within(tenant.id, epicsOf(project.id))),
          [epic.id],
          "epics of the project",
        )
      }),
    ),
    contractCase(
      "a batch repeating a number within itself fails with DuplicateKey and stores nothing",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const batch = [yield* anEpic(project, 5), yield* anEpic(project, 6), yield* anEpic(project, 5)]
        const refused = yield* expectFailure(
          within(tenant.id, insertEpics(batch)),
          "DuplicateKey",
          "a batch with the number 5 twice",
        )
        yield* expectEqual(refused.key, "number", "the key of the DuplicateKey")
        yield* expectEqual(
          ids(yield* within(tenant.id, epicsOf(project.id))),
          [epic.id],
          "epics of the project",
        )
      }),
    ),
    contractCase(
      "the same number in another project is accepted",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const otherProject = yield* aProject(tenant)
        const sameNumber = yield* anEpic(otherProject, epic.number)
        yield* within(
          tenant.id,
          Effect.zipRight(
            Effect.flatMap(Projects, (repo) => repo.insert(otherProject)),
            insertEpics([sameNumber]),
          ),
        )
        const found = yield* within(tenant.id, findEpic(sameNumber.id))
        yield* expectEqual(yield* expectSome(found, "the epic of the other project"), sameNumber, "epic")
      }),
    ),
    contractCase(
      "listByProject orders by position, then number, and holds only the project's epics",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const otherProject = yield* aProject(tenant)
        const stranger = yield* anEpic(otherProject, 1)
        const e13 = yield* anEpic(project, 13, { position: 1 })
        const e12 = yield* anEpic(project, 12, { position: 0 })
        const e11 = yield* anEpic(project, 11, { position: 1 })
        const e14 = yield* anEpic(project, 14, { position: 0 })
        const e2 = yield* anEpic(project, 2, { position: 2 })
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(otherProject)
            yield* insertEpics([e13, e2, e12])
            yield* insertEpics([stranger, e11, e14])
          }),
        )
        // The seeded epic is number 1 at position 0.
        const listed = yield* within(tenant.id, epicsOf(project.id))
        yield* expectEqual(
          listed.map((e) => `${e.position}/${e.number}`),
          ["0/1", "0/12", "0/14", "1/11", "1/13", "2/2"],
          "position/number of the listed epics",
        )
        yield* expectEqual(ids(listed), ids([epic, e12, e14, e11, e13, e2]), "ids of the listed epics")
      }),
    ),
    contractCase(
      "delete removes the epic, its stories and everything that hangs off them",
      Effect.gen(function* () {
        const { tenant, project, epic: doomed } = yield* seedBoard
        const kept = yield* anEpic(project, 2)
        const spare = yield* anEpic(project, 3)
        yield* within(tenant.id, insertEpics([kept, spare]))
        const s1 = yield* aStory(doomed, "1.1")
        const s2 = yield* aStory(doomed, "1.2")
        const t1 = yield* aStory(kept, "2.1")
        const t2 = yield* aStory(kept, "2.2")
        yield* commitStories(tenant, [s1, s2, t1, t2])
        const inside = yield* aStoryDependency(s2, s1)
        const intoDoomed = yield* aStoryDependency(t1, s1)
        const outOfDoomed = yield* aStoryDependency(s2, t2)
        const untouched = yield* aStoryDependency(t2, t1)
        const keptOnDoomed = yield* anEpicDependency(kept, doomed)
        const doomedOnSpare = yield* anEpicDependency(doomed, spare)
        const keptOnSpare = yield* anEpicDependency(kept, spare)
        const recordsOf = (story: Story) =>
          Effect.gen(function* () {
            yield* (yield* ReviewRecords).insert(yield* aReviewRecord(story, { completed_at: instant(50) }))
            yield* (yield* VerificationResults).insert(yield* aVerificationResult(story, 1))
            yield* (yield* ArtifactReports).insert(yield* anArtifactReport(story))
          })
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* StoryDependencies).insert([inside, intoDoomed, outOfDoomed, untouched])
            yield* (yield* EpicDependencies).insert([keptOnDoomed, doomedOnSpare, keptOnSpare])
            yield* recordsOf(s1)
            yield* recordsOf(t1)
          }),
        )

        yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.delete(doomed.id)),
        )

        yield* within(
          tenant.id,
          Effect.gen(function* () {
            const stories = yield* Stories
            const storyEdges = yield* StoryDependencies
            const epicEdges = yield* EpicDependencies
            const reviews = yield* ReviewRecords
            const results = yield* VerificationResults
            const artifacts = yield* ArtifactReports
            yield* expectNone(yield* findEpic(doomed.id), "the deleted epic")
            yield* expectEqual(
              ids(yield* epicsOf(project.id)),
              [kept.id, spare.id],
              "epics left in the project",
            )
            yield* expectNone(yield* stories.findById(s1.id), "story 1.1 of the deleted epic")
            yield* expectNone(yield* stories.findById(s2.id), "story 1.2 of the deleted epic")
            yield* expectEqual(
              ids(yield* stories.listAllByProject(project.id)),
              [t1.id, t2.id],
              "stories left",
            )
            yield* expectNone(yield* storyEdges.findById(inside.id), "edge 1.2 -> 1.1")
            yield* expectNone(yield* storyEdges.findById(intoDoomed.id), "edge 2.1 -> 1.1")
            yield* expectNone(yield* storyEdges.findById(outOfDoomed.id), "edge 1.2 -> 2.2")
            yield* expectSome(yield* storyEdges.findById(untouched.id), "edge 2.2 -> 2.1")
            yield* expectNone(yield* epicEdges.findById(keptOnDoomed.id), "epic edge 2 -> 1")
            yield* expectNone(yield* epicEdges.findById(doomedOnSpare.id), "epic edge 1 -> 3")
            yield* expectSome(yield* epicEdges.findById(keptOnSpare.id), "epic edge 2 -> 3")
            yield* expectEqual(yield* reviews.latestCompletedAt(s1.id), null, "reviews of a deleted story")
            yield* expectEqual(yield* results.lastIteration(s1.id), 0, "results of a deleted story")
            const gone = yield* artifacts.listByStory(s1.id, { page: 1, page_size: 10 })
            yield* expectEqual(gone.total_count, 0, "artifacts of a deleted story")
            yield* expectEqual(
              yield* reviews.latestCompletedAt(t1.id),
              instant(50),
              "reviews of a kept story",
            )
            yield* expectEqual(yield* results.lastIteration(t1.id), 1, "results of a kept story")
            const left = yield* artifacts.listByStory(t1.id, { page: 1, page_size: 10 })
            yield* expectEqual(left.total_count, 1, "artifacts of a kept story")
          }),
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the epics",
      Effect.gen(function* () {
        const { project, epic } = yield* seedBoard
        const { tenant: stranger } = yield* seedBoard
        yield* within(
          stranger.id,
          Effect.gen(function* () {
            yield* expectNone(yield* findEpic(epic.id), "another tenant's epic")
            yield* expectEqual(yield* epicsOf(project.id), [], "epics of another tenant's project")
          }),
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work can neither update nor delete an epic",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const { tenant: stranger } = yield* seedBoard
        const story = yield* aStory(epic, "1.1")
        yield* commitStories(tenant, [story])
        const hijacked = new Epic({ ...epic, title: "Hijacked", position: 9 })
        yield* settle(
          within(
            stranger.id,
            Effect.flatMap(Epics, (repo) => repo.update(hijacked)),
          ),
        )
        yield* settle(
          within(
            stranger.id,
            Effect.flatMap(Epics, (repo) => repo.delete(epic.id)),
          ),
        )
        const found = yield* within(tenant.id, findEpic(epic.id))
        yield* expectEqual(yield* expectSome(found, "the owner's epic"), epic, "epic after foreign writes")
        const stillThere = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.findById(story.id)),
        )
        yield* expectSome(stillThere, "the story of the epic after a foreign delete")
      }),
    ),
  ],
}
