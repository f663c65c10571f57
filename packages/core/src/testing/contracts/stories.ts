import { Effect, Option } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { EpicId as EpicIdSchema, StoryId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Epic } from "../../work/domain/epic.js"
import { Story } from "../../work/domain/story.js"
import type { StoryFilter } from "../../work/domain/work-filters.js"
import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { type ReadyScope, Stories } from "../../work/ports/stories.js"
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
  anAgentId,
  anArtifactReport,
  anEpic,
  anEpicDependency,
  commitStories,
  instant,
  richJson,
  seedBoard,
  within,
} from "./fixtures.js"
import { storyDetailCases } from "./story-detail.js"
import { storyQueueCases } from "./story-queues.js"

const insertStories = (stories: ReadonlyArray<Story>) =>
  Effect.flatMap(Stories, (repo) => repo.insert(stories))
const findStory = (id: StoryId) => Effect.flatMap(Stories, (repo) => repo.findById(id))
const numbers = (stories: ReadonlyArray<Story>) => stories.map((story) => story.number)
const bySortKey = (stories: ReadonlyArray<Story>) => [...stories].sort((a, b) => a.sort_key - b.sort_key)

/** A seeded board with a second epic (number 2) in the same project. */
const twoEpics = Effect.gen(function* () {
  const board = yield* seedBoard
  const second = yield* anEpic(board.project, 2)
  yield* within(
    board.tenant.id,
    Effect.flatMap(Epics, (repo) => repo.insert([second])),
  )
  return { ...board, second }
})

/** The Stories port: numbers unique per project, sort_key order, filters, pages, prerequisites. */
export const storiesContract: ContractSuite<
  | Stories
  | Epics
  | Projects
  | StoryDependencies
  | EpicDependencies
  | ReviewRecords
  | VerificationResults
  | ArtifactReports
  | Tenants
  | UnitOfWork
  | Ids
> = {
  port: "Stories",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const story = yield* aStory(epic, "1.10", {
          title: "Sign up — Grüße",
          description: "Line one\nline two",
          acceptance_criteria: [
            { criterion: "renders" },
            { id: "AC-2", description: "submits", weight: 0.5 },
          ],
          estimated_hours: 2.5,
          agent_status: "reported_done",
          verified_status: "rejected",
          assigned_agent_id: yield* anAgentId,
          reported_by_agent_id: yield* anAgentId,
          assigned_at: instant(60, 1),
          reported_done_at: instant(61, 999_999),
          verified_at: instant(62, 120_000),
          rejected_at: instant(63, 7),
          rejection_reason: "Missing tests",
          metadata: richJson,
          inserted_at: instant(59, 123_456),
          updated_at: instant(63, 8),
        })
        yield* commitStories(tenant, [story])
        const found = yield* within(tenant.id, findStory(story.id))
        yield* expectEqual(yield* expectSome(found, "the inserted story"), story, "story after a round-trip")
      }),
    ),
    contractCase(
      "insert stores a whole batch, null fields included",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const batch = [yield* aStory(epic, "1.1"), yield* aStory(epic, "1.2"), yield* aStory(epic, "1.3")]
        yield* commitStories(tenant, batch)
        for (const story of batch) {
          const found = yield* within(tenant.id, findStory(story.id))
          yield* expectEqual(
            yield* expectSome(found, `story ${story.number}`),
            story,
            `story ${story.number}`,
          )
        }
      }),
    ),
    contractCase(
      "findById and findForUpdate of an unknown id are none",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const missing = yield* freshId(StoryId)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            const repo = yield* Stories
            yield* expectNone(yield* repo.findById(missing), "findById of an unknown story")
            yield* expectNone(yield* repo.findForUpdate(missing), "findForUpdate of an unknown story")
          }),
        )
      }),
    ),
    contractCase(
      "findForUpdate returns the stored story",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const story = yield* aStory(epic, "1.1", { metadata: richJson, estimated_hours: 3 })
        yield* commitStories(tenant, [story])
        const held = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.findForUpdate(story.id)),
        )
        yield* expectEqual(yield* expectSome(held, "the held story"), story, "story from findForUpdate")
      }),
    ),
    contractCase(
      "tallyByEpic counts the epic's stories and its verified ones",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const stories = [
          yield* aStory(epic, "1.1", { verified_status: "verified" }),
          yield* aStory(epic, "1.2", { verified_status: "rejected" }),
          yield* aStory(epic, "1.3"),
        ]
        yield* commitStories(tenant, stories)
        const tally = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.tallyByEpic(epic.id)),
        )
        yield* expectEqual(tally, { total: 3, verified: 1 }, "tally of the epic")
        const unknownEpic = yield* freshId(EpicIdSchema)
        const empty = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.tallyByEpic(unknownEpic)),
        )
        yield* expectEqual(empty, { total: 0, verified: 0 }, "tally of an unknown epic")
        // Epics.holdWithTally answers the epic and the same tally in one read.
        const held = yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.holdWithTally(epic.id)),
        )
        yield* expectEqual(
          Option.map(held, ({ epic: found, tally: counted, completion_recorded }) => ({
            id: found.id,
            counted,
            completion_recorded,
          })),
          Option.some({ id: epic.id, counted: { total: 3, verified: 1 }, completion_recorded: false }),
          "holdWithTally of the epic",
        )
        yield* expectEqual(
          Option.isNone(
            yield* within(
              tenant.id,
              Effect.flatMap(Epics, (repo) => repo.holdWithTally(unknownEpic)),
            ),
          ),
          true,
          "holdWithTally of an unknown epic",
        )
      }),
    ),
    contractCase(
      "update replaces the stored fields",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const story = yield* aStory(epic, "1.1")
        yield* commitStories(tenant, [story])
        const assignee = yield* anAgentId
        const changed = new Story({
          ...story,
          title: "Retitled",
          description: "described",
          acceptance_criteria: [{ criterion: "new" }],
          estimated_hours: 0.75,
          agent_status: "implementing",
          verified_status: "verified",
          assigned_agent_id: assignee,
          // The claim history keeps its order (the identity gates read it, D22).
          claimed_by_agent_ids: [yield* anAgentId, assignee],
          assigned_at: instant(70, 70),
          verified_at: instant(71, 71),
          metadata: richJson,
          updated_at: instant(72, 72),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.update(changed)),
        )
        const found = yield* within(tenant.id, findStory(story.id))
        yield* expectEqual(yield* expectSome(found, "the updated story"), changed, "story after update")
        const cleared = new Story({ ...changed, assigned_agent_id: null, assigned_at: null, metadata: {} })
        yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.update(cleared)),
        )
        const again = yield* within(tenant.id, findStory(story.id))
        yield* expectEqual(
          yield* expectSome(again, "the cleared story"),
          cleared,
          "story after clearing fields",
        )
      }),
    ),
    contractCase(
      "findForUpdate makes concurrent read-modify-write transactions run one after another",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const story = yield* aStory(epic, "1.1", { estimated_hours: 0 })
        yield* commitStories(tenant, [story])
        const bump = within(
          tenant.id,
          Effect.gen(function* () {
            const repo = yield* Stories
            const current = yield* expectSome(yield* repo.findForUpdate(story.id), "the held story")
            // Give the other transactions every chance to read the same version.
            yield* Effect.yieldNow()
            yield* Effect.yieldNow()
            yield* repo.update(new Story({ ...current, estimated_hours: (current.estimated_hours ?? 0) + 1 }))
          }),
        )
        yield* Effect.all([bump, bump, bump, bump], { concurrency: "unbounded", discard: true })
        const found = yield* expectSome(yield* within(tenant.id, findStory(story.id)), "the bumped story")
        yield* expectEqual(found.estimated_hours, 4, "estimated_hours after four concurrent increments")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey number when another epic of the project has the number",
      Effect.gen(function* () {
        const { tenant, epic, second } = yield* twoEpics
        const first = yield* aStory(epic, "1.1")
        yield* commitStories(tenant, [first])
        const twin = yield* aStory(second, "1.1", { title: "Twin" })
        const refused = yield* expectFailure(
          commitStories(tenant, [twin]),
          "DuplicateKey",
          "a story repeating a number of its project",
        )
        yield* expectEqual(refused.key, "number", "the key of the DuplicateKey")
        yield* expectNone(yield* within(tenant.id, findStory(twin.id)), "the refused story")
        const kept = yield* within(tenant.id, findStory(first.id))
        yield* expectEqual(yield* expectSome(kept, "the first story"), first, "the first story")
      }),
    ),
    contractCase(
      "a batch repeating a number within itself fails with DuplicateKey and stores nothing",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const batch = [yield* aStory(epic, "1.1"), yield* aStory(epic, "1.2"), yield* aStory(epic, "1.1")]
        const refused = yield* expectFailure(
          commitStories(tenant, batch),
          "DuplicateKey",
          "a batch with story 1.1 twice",
        )
        yield* expectEqual(refused.key, "number", "the key of the DuplicateKey")
        const left = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.listAllByProject(project.id)),
        )
        yield* expectEqual(left, [], "stories of the project")
      }),
    ),
    contractCase(
      "the same number in another project is accepted",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const otherProject = yield* aProject(tenant)
        const otherEpic = yield* anEpic(otherProject, 1)
        const mine = yield* aStory(epic, "1.1")
        const theirs = yield* aStory(otherEpic, "1.1")
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(otherProject)
            yield* (yield* Epics).insert([otherEpic])
            yield* insertStories([mine])
            yield* insertStories([theirs])
          }),
        )
        const found = yield* within(tenant.id, findStory(theirs.id))
        yield* expectEqual(yield* expectSome(found, "the story of the other project"), theirs, "story")
      }),
    ),
    contractCase(
      "listing a project orders by sort_key and holds only the project's stories",
      Effect.gen(function* () {
        const { tenant, project, epic, second } = yield* twoEpics
        const otherProject = yield* aProject(tenant)
        const otherEpic = yield* anEpic(otherProject, 1)
        const shuffled = [
          yield* aStory(second, "2"),
          yield* aStory(epic, "1.10"),
          yield* aStory(epic, "1.2"),
          yield* aStory(second, "10"),
          yield* aStory(epic, "1"),
          yield* aStory(epic, "1.1"),
        ]
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(otherProject)
            yield* (yield* Epics).insert([otherEpic])
            yield* insertStories([yield* aStory(otherEpic, "1.5")])
          }),
        )
        yield* commitStories(tenant, shuffled.slice(0, 3))
        yield* commitStories(tenant, shuffled.slice(3))
        const expected = ["1", "1.1", "1.2", "1.10", "2", "10"]
        const all = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.listAllByProject(project.id)),
        )
        yield* expectEqual(numbers(all), expected, "listAllByProject")
        yield* expectEqual(all, bySortKey(shuffled), "stories of listAllByProject")
        const page = yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.listByProject(project.id, {}, { page: 1, page_size: 50 })),
        )
        yield* expectEqual(numbers(page.items), expected, "listByProject")
        yield* expectEqual(page.total_count, 6, "listByProject total_count")
      }),
    ),
    contractCase(
      "listByProject applies every filter, alone and combined",
      Effect.gen(function* () {
        const { tenant, project, epic, second } = yield* twoEpics
        yield* commitStories(tenant, [
          yield* aStory(epic, "1.1"),
          yield* aStory(epic, "1.2", { agent_status: "implementing" }),
          yield* aStory(epic, "1.3", { agent_status: "reported_done", verified_status: "verified" }),
          yield* aStory(second, "2.1", { agent_status: "implementing", verified_status: "rejected" }),
          yield* aStory(second, "2.2"),
        ])
        const listed = (filter: StoryFilter) =>
          within(
            tenant.id,
            Effect.flatMap(Stories, (repo) =>
              repo.listByProject(project.id, filter, { page: 1, page_size: 50 }),
            ),
          )
        const check = (filter: StoryFilter, expected: ReadonlyArray<string>) =>
          Effect.gen(function* () {
            const page = yield* listed(filter)
            yield* expectEqual(numbers(page.items), expected, `stories matching ${JSON.stringify(filter)}`)
            yield* expectEqual(page.total_count, expected.length, `total_count of ${JSON.stringify(filter)}`)
          })
        yield* check({}, ["1.1", "1.2", "1.3", "2.1", "2.2"])
        yield* check({ epic_id: second.id }, ["2.1", "2.2"])
        yield* check({ agent_status: "implementing" }, ["1.2", "2.1"])
        yield* check({ verified_status: "unverified" }, ["1.1", "1.2", "2.2"])
        yield* check({ epic_id: epic.id, agent_status: "implementing", verified_status: "unverified" }, [
          "1.2",
        ])
        yield* check({ epic_id: second.id, agent_status: "pending" }, ["2.2"])
        yield* check({ agent_status: "contracted" }, [])
      }),
    ),
    contractCase(
      "listByProject pages through the matching stories and counts all of them",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        yield* commitStories(tenant, [
          yield* aStory(epic, "1.5", { verified_status: "verified" }),
          yield* aStory(epic, "1.4"),
          yield* aStory(epic, "1.3"),
          yield* aStory(epic, "1.2", { verified_status: "verified" }),
          yield* aStory(epic, "1.1"),
        ])
        const pageOf = (filter: StoryFilter, page: number) =>
          within(
            tenant.id,
            Effect.flatMap(Stories, (repo) => repo.listByProject(project.id, filter, { page, page_size: 2 })),
          )
        const second = yield* pageOf({}, 2)
        yield* expectEqual(numbers(second.items), ["1.3", "1.4"], "page 2 of size 2")
        yield* expectEqual(second.total_count, 5, "total_count of page 2")
        const filtered = yield* pageOf({ verified_status: "unverified" }, 2)
        yield* expectEqual(numbers(filtered.items), ["1.4"], "page 2 of the unverified stories")
        yield* expectEqual(filtered.total_count, 3, "total_count of the unverified stories")
        const beyond = yield* pageOf({}, 4)
        yield* expectEqual(numbers(beyond.items), [], "page 4 of size 2")
        yield* expectEqual(beyond.total_count, 5, "total_count past the last page")
      }),
    ),
    contractCase(
      "listByProjectRange reads a window from any offset, filtered, and counts every match",
      Effect.gen(function* () {
        const { tenant, project, epic, second } = yield* twoEpics
        yield* commitStories(tenant, [
          yield* aStory(epic, "1.10"),
          yield* aStory(second, "2.1", { agent_status: "implementing" }),
          yield* aStory(epic, "1.2", { verified_status: "verified" }),
          yield* aStory(epic, "1.1"),
          yield* aStory(second, "2.2"),
        ])
        const range = (filter: StoryFilter, offset: number, limit: number) =>
          within(
            tenant.id,
            Effect.flatMap(Stories, (repo) => repo.listByProjectRange(project.id, filter, { offset, limit })),
          )
        const check = (
          filter: StoryFilter,
          offset: number,
          limit: number,
          expected: ReadonlyArray<string>,
          total: number,
        ) =>
          Effect.gen(function* () {
            const what = `offset ${offset} limit ${limit} of ${JSON.stringify(filter)}`
            const found = yield* range(filter, offset, limit)
            yield* expectEqual(numbers(found.items), expected, what)
            yield* expectEqual(found.total_count, total, `total_count, ${what}`)
          })
        // An offset that is not a multiple of the limit: a page request cannot express it.
        yield* check({}, 1, 3, ["1.2", "1.10", "2.1"], 5)
        yield* check({}, 0, 100, ["1.1", "1.2", "1.10", "2.1", "2.2"], 5)
        yield* check({}, 4, 2, ["2.2"], 5)
        yield* check({}, 5, 2, [], 5)
        yield* check({}, 50, 1, [], 5)
        yield* check({ epic_id: epic.id }, 1, 1, ["1.2"], 3)
        yield* check({ verified_status: "unverified" }, 2, 10, ["2.1", "2.2"], 4)
        yield* check({ epic_id: second.id, agent_status: "pending" }, 0, 10, ["2.2"], 1)
        const full = yield* range({}, 0, 1)
        const first = yield* expectSome(Option.fromNullable(full.items[0]), "the first story")
        yield* expectEqual(first.number, "1.1", "the first story's number")
        yield* expectEqual(
          first,
          yield* expectSome(yield* within(tenant.id, findStory(first.id)), "1.1"),
          "a listed story carries every field",
        )
      }),
    ),
    contractCase(
      "listByEpic holds the epic's stories only, ordered by sort_key",
      Effect.gen(function* () {
        const { tenant, epic, second } = yield* twoEpics
        yield* commitStories(tenant, [
          yield* aStory(epic, "1.10"),
          yield* aStory(second, "2.1"),
          yield* aStory(epic, "1.9"),
          yield* aStory(epic, "1"),
        ])
        const listed = (of: Epic) =>
          within(
            tenant.id,
            Effect.flatMap(Stories, (repo) => repo.listByEpic(of.id)),
          )
        yield* expectEqual(numbers(yield* listed(epic)), ["1", "1.9", "1.10"], "stories of epic 1")
        yield* expectEqual(numbers(yield* listed(second)), ["2.1"], "stories of epic 2")
      }),
    ),
    contractCase(
      "delete removes the story, its edges in both directions and its records",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const doomed = yield* aStory(epic, "1.1")
        const s2 = yield* aStory(epic, "1.2")
        const s3 = yield* aStory(epic, "1.3")
        yield* commitStories(tenant, [doomed, s2, s3])
        const onDoomed = yield* aStoryDependency(s2, doomed)
        const fromDoomed = yield* aStoryDependency(doomed, s3)
        const untouched = yield* aStoryDependency(s3, s2)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* StoryDependencies).insert([onDoomed, fromDoomed, untouched])
            yield* (yield* ReviewRecords).insert(yield* aReviewRecord(doomed))
            yield* (yield* VerificationResults).insert(yield* aVerificationResult(doomed, 1))
            yield* (yield* ArtifactReports).insert(yield* anArtifactReport(doomed))
          }),
        )
        yield* within(
          tenant.id,
          Effect.flatMap(Stories, (repo) => repo.delete(doomed.id)),
        )
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            const edges = yield* StoryDependencies
            yield* expectNone(yield* findStory(doomed.id), "the deleted story")
            const left = yield* (yield* Stories).listAllByProject(project.id)
            yield* expectEqual(numbers(left), ["1.2", "1.3"], "stories left")
            yield* expectNone(yield* edges.findById(onDoomed.id), "edge 1.2 -> 1.1")
            yield* expectNone(yield* edges.findById(fromDoomed.id), "edge 1.1 -> 1.3")
            yield* expectSome(yield* edges.findById(untouched.id), "edge 1.3 -> 1.2")
            yield* expectEqual(
              yield* (yield* ReviewRecords).latestCompletedAt(doomed.id),
              null,
              "its reviews",
            )
            yield* expectEqual(yield* (yield* VerificationResults).lastIteration(doomed.id), 0, "its results")
            const artifacts = yield* (yield* ArtifactReports).listByStory(doomed.id, {
              page: 1,
              page_size: 10,
            })
            yield* expectEqual(artifacts.total_count, 0, "its artifacts")
          }),
        )
      }),
    ),
    contractCase(
      "prerequisitesOf returns the direct prerequisites and the stories of prerequisite epics",
      Effect.gen(function* () {
        const { tenant, project, epic: e1 } = yield* seedBoard
        const [e2, e3, e4] = [yield* anEpic(project, 2), yield* anEpic(project, 3), yield* anEpic(project, 4)]
        yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.insert([e2, e3, e4])),
        )
        const a1 = yield* aStory(e1, "1.1")
        const a2 = yield* aStory(e1, "1.2")
        const subject = yield* aStory(e2, "2.1", { agent_status: "contracted" })
        const sibling = yield* aStory(e2, "2.2")
        const c1 = yield* aStory(e3, "3.1", { verified_status: "verified", metadata: richJson })
        const c2 = yield* aStory(e3, "3.2")
        const d1 = yield* aStory(e4, "4.1")
        yield* commitStories(tenant, [c2, subject, a1, d1, c1, a2, sibling])
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* StoryDependencies).insert([
              yield* aStoryDependency(subject, a1),
              yield* aStoryDependency(sibling, a2),
              yield* aStoryDependency(a2, subject),
            ])
            yield* (yield* EpicDependencies).insert([
              yield* anEpicDependency(e2, e3),
              yield* anEpicDependency(e4, e2),
              yield* anEpicDependency(e1, e4),
            ])
          }),
        )
        const prerequisites = (story: Story) =>
          within(
            tenant.id,
            Effect.flatMap(Stories, (repo) => repo.prerequisitesOf(story)),
          )
        const ofSubject = yield* prerequisites(subject)
        yield* expectEqual(bySortKey(ofSubject.stories), [a1], "direct prerequisites of 2.1")
        yield* expectEqual(bySortKey(ofSubject.epic_stories), [c1, c2], "stories of the epics 2.1 waits for")
        const ofC1 = yield* prerequisites(c1)
        yield* expectEqual(ofC1.stories, [], "direct prerequisites of 3.1")
        yield* expectEqual(ofC1.epic_stories, [], "epic prerequisites of 3.1")
        const ofA2 = yield* prerequisites(a2)
        yield* expectEqual(bySortKey(ofA2.stories), [subject], "direct prerequisites of 1.2")
        yield* expectEqual(bySortKey(ofA2.epic_stories), [d1], "stories of the epics 1.2 waits for")
      }),
    ),
    contractCase(
      "readyPage: pending stories whose prerequisite stories and epics are verified, by sort_key, paged",
      Effect.gen(function* () {
        const { tenant, project, epic: e1 } = yield* seedBoard
        const [e2, e3, e4, e5] = [
          yield* anEpic(project, 2),
          yield* anEpic(project, 3),
          yield* anEpic(project, 4),
          yield* anEpic(project, 5),
        ]
        const other = yield* aProject(tenant)
        const otherEpic = yield* anEpic(other, 1)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(other)
            yield* (yield* Epics).insert([e2, e3, e4, e5, otherEpic])
          }),
        )
        const done = { agent_status: "reported_done", verified_status: "verified" } as const
        const a1 = yield* aStory(e1, "1.1")
        const a2 = yield* aStory(e1, "1.2")
        const a3 = yield* aStory(e1, "1.3")
        const verified = yield* aStory(e1, "1.4", done)
        const contracted = yield* aStory(e1, "1.5", { agent_status: "contracted" })
        const b1 = yield* aStory(e2, "2.1")
        const c1 = yield* aStory(e3, "3.1", done)
        const c2 = yield* aStory(e3, "3.2")
        const d1 = yield* aStory(e4, "4.1")
        const q1 = yield* aStory(otherEpic, "1.1")
        yield* commitStories(tenant, [q1, d1, c2, c1, b1, contracted, verified, a3, a2, a1])
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* StoryDependencies).insert([
              yield* aStoryDependency(a2, a1),
              yield* aStoryDependency(a3, verified),
              yield* aStoryDependency(contracted, verified),
            ])
            yield* (yield* EpicDependencies).insert([
              yield* anEpicDependency(e2, e3),
              yield* anEpicDependency(e4, e5),
            ])
          }),
        )
        const ready = (scope: ReadyScope, page = 1, page_size = 50) =>
          within(
            tenant.id,
            Effect.flatMap(Stories, (repo) => repo.readyPage(scope, { page, page_size })),
          )
        const inProject = yield* ready({ project_id: project.id })
        // 1.2 waits for 1.1 (unverified), 2.1 for epic 3 (3.2 unverified); 4.1's prerequisite
        // epic is empty, so it is satisfied; 1.4 and 1.5 are not pending; 3.2 waits for nothing.
        yield* expectEqual(
          numbers(inProject.items),
          ["1.1", "1.3", "3.2", "4.1"],
          "the project's ready stories",
        )
        yield* expectEqual(inProject.items[0], a1, "a ready story, every field")
        yield* expectEqual(inProject.total_count, 4, "total_count")
        const firstPage = yield* ready({ project_id: project.id }, 1, 2)
        const secondPage = yield* ready({ project_id: project.id }, 2, 2)
        yield* expectEqual(numbers(firstPage.items), ["1.1", "1.3"], "page 1 of 2")
        yield* expectEqual(numbers(secondPage.items), ["3.2", "4.1"], "page 2 of 2")
        yield* expectEqual(secondPage.total_count, 4, "total_count on page 2")
        const inEpic = yield* ready({ project_id: project.id, epic_id: e1.id })
        yield* expectEqual(numbers(inEpic.items), ["1.1", "1.3"], "the epic filter")
        const epicOnly = yield* ready({ epic_id: e4.id })
        yield* expectEqual(numbers(epicOnly.items), ["4.1"], "an epic without its project")
        const tenantWide = yield* ready({})
        yield* expectEqual(
          tenantWide.items.map((story) => story.id).sort(),
          [a1, a3, c2, d1, q1].map((story) => story.id).sort(),
          "every project of the tenant",
        )
        // Verifying 1.1 and 3.2 releases 1.2 and 2.1.
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            const repo = yield* Stories
            yield* repo.update(new Story({ ...a1, ...done }))
            yield* repo.update(new Story({ ...c2, ...done }))
          }),
        )
        const after = yield* ready({ project_id: project.id })
        yield* expectEqual(numbers(after.items), ["1.2", "1.3", "2.1", "4.1"], "after two verifications")
        const { tenant: stranger } = yield* seedBoard
        const foreign = yield* within(
          stranger.id,
          Effect.flatMap(Stories, (repo) =>
            repo.readyPage({ project_id: project.id }, { page: 1, page_size: 50 }),
          ),
        )
        yield* expectEqual(foreign, { items: [], total_count: 0 }, "another tenant's ready queue")
      }),
    ),
    ...storyQueueCases,
    ...storyDetailCases,
    contractCase(
      "another tenant's unit of work sees none of the stories",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const { tenant: stranger } = yield* seedBoard
        const story = yield* aStory(epic, "1.1")
        const prerequisite = yield* aStory(epic, "1.2")
        yield* commitStories(tenant, [story, prerequisite])
        yield* within(
          tenant.id,
          Effect.flatMap(StoryDependencies, (repo) =>
            Effect.flatMap(aStoryDependency(story, prerequisite), (edge) => repo.insert([edge])),
          ),
        )
        yield* within(
          stranger.id,
          Effect.gen(function* () {
            const repo = yield* Stories
            yield* expectNone(yield* repo.findById(story.id), "findById of another tenant's story")
            yield* expectNone(yield* repo.findForUpdate(story.id), "findForUpdate of another tenant's story")
            const page = yield* repo.listByProject(project.id, {}, { page: 1, page_size: 10 })
            yield* expectEqual(page.items, [], "listByProject of another tenant's project")
            yield* expectEqual(page.total_count, 0, "total_count of another tenant's project")
            const range = yield* repo.listByProjectRange(project.id, {}, { offset: 0, limit: 10 })
            yield* expectEqual(range.items, [], "listByProjectRange of another tenant's project")
            yield* expectEqual(range.total_count, 0, "listByProjectRange total_count of another tenant")
            yield* expectEqual(yield* repo.listAllByProject(project.id), [], "listAllByProject")
            yield* expectEqual(yield* repo.listByEpic(epic.id), [], "listByEpic")
            const prerequisites = yield* repo.prerequisitesOf(story)
            yield* expectEqual(prerequisites.stories, [], "prerequisites seen by another tenant")
          }),
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work can neither update nor delete a story",
      Effect.gen(function* () {
        const { tenant, epic } = yield* seedBoard
        const { tenant: stranger } = yield* seedBoard
        const story = yield* aStory(epic, "1.1")
        yield* commitStories(tenant, [story])
        const hijacked = new Story({ ...story, verified_status: "verified", verified_at: instant(90) })
        yield* settle(
          within(
            stranger.id,
            Effect.flatMap(Stories, (repo) => repo.update(hijacked)),
          ),
        )
        yield* settle(
          within(
            stranger.id,
            Effect.flatMap(Stories, (repo) => repo.delete(story.id)),
          ),
        )
        const found = yield* within(tenant.id, findStory(story.id))
        yield* expectEqual(yield* expectSome(found, "the owner's story"), story, "story after foreign writes")
      }),
    ),
  ],
}
