import { Effect, Option } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { StoryId } from "../../kernel/domain/ids.js"
import type { PageRequest } from "../../kernel/domain/page.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Story } from "../../work/domain/story.js"
import { StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { Stories } from "../../work/ports/stories.js"
import { ArtifactReports, VerificationResults } from "../../workflow/ports/verification-records.js"
import { type ContractCase, contractCase, expectEqual, expectNone, expectSome } from "./contract.js"
import {
  aProject,
  aStory,
  aStoryDependency,
  aVerificationResult,
  anArtifactReport,
  anEpic,
  commitStories,
  freshTenant,
  instant,
  richJson,
  seedBoard,
  within,
} from "./fixtures.js"

/**
 * `Stories.detailOf` held to the reads it stands for: on every adapter it must answer what
 * findById, the epic's edges (kept where the story is the dependent), the artifact page, the last
 * iteration and the project read one by one answer — the composition `GET /stories/:id` used.
 */

type DetailPorts =
  | Stories
  | Epics
  | Projects
  | StoryDependencies
  | VerificationResults
  | ArtifactReports
  | Tenants
  | UnitOfWork
  | Ids

/** The story's detail composed from the separate reads, as the use case once did. */
const composedDetail = (story: Story, artifacts: PageRequest) =>
  Effect.gen(function* () {
    const found = yield* expectSome(yield* (yield* Stories).findById(story.id), "findById")
    const edges = yield* (yield* StoryDependencies).listByEpic(found.epic_id)
    const owner = yield* (yield* Projects).findById(found.project_id)
    return {
      story: found,
      dependencies: edges.filter((edge) => edge.story_id === found.id),
      artifacts: yield* (yield* ArtifactReports).listByStory(found.id, artifacts),
      iteration_count: yield* (yield* VerificationResults).lastIteration(found.id),
      project_mission: Option.match(owner, { onNone: () => null, onSome: (p) => p.mission }),
    }
  })

const detailOf = (story: Story, artifacts: PageRequest) =>
  Effect.flatMap(Stories, (repo) => repo.detailOf(story.id, artifacts))

/** A project with a mission, an epic, and a story with edges both ways, artifacts and results. */
const seedDetail = Effect.gen(function* () {
  const tenant = yield* freshTenant()
  const project = yield* aProject(tenant, { mission: "Ship the — Grüße ✓ — thing" })
  const epic = yield* anEpic(project, 1)
  const second = yield* anEpic(project, 2)
  yield* within(
    tenant.id,
    Effect.gen(function* () {
      yield* (yield* Projects).insert(project)
      yield* (yield* Epics).insert([epic, second])
    }),
  )
  const subject = yield* aStory(epic, "1.1", { metadata: richJson, estimated_hours: 1.5 })
  const sibling = yield* aStory(epic, "1.2")
  const elsewhere = yield* aStory(second, "2.1")
  const bare = yield* aStory(second, "2.2")
  yield* commitStories(tenant, [subject, sibling, elsewhere, bare])
  // Two own edges in link order (the newer link inserted first, ids broken by time), one where
  // the subject is the prerequisite, and one between other stories of the epic: only the own ones count.
  const own = [
    yield* aStoryDependency(subject, elsewhere, { inserted_at: instant(2, 500) }),
    yield* aStoryDependency(subject, sibling, { inserted_at: instant(1, 250) }),
  ]
  // 23 artifacts, more than a page of 20, inserted out of order; two share an instant.
  const reports = yield* Effect.forEach(
    Array.from({ length: 23 }, (_, at) => at),
    (at) =>
      anArtifactReport(subject, {
        path: `test/a-${at}.test.ts`,
        inserted_at: instant(100 - (at % 22), (at % 22) * 3),
        updated_at: instant(200, at),
        details: at === 0 ? richJson : {},
        exists: at % 2 === 0,
      }),
  )
  yield* within(
    tenant.id,
    Effect.gen(function* () {
      yield* (yield* StoryDependencies).insert([
        ...own,
        yield* aStoryDependency(sibling, subject, { inserted_at: instant(3) }),
        yield* aStoryDependency(elsewhere, bare, { inserted_at: instant(4) }),
      ])
      const artifactReports = yield* ArtifactReports
      yield* Effect.forEach(reports, artifactReports.insert, { discard: true })
      const results = yield* VerificationResults
      for (const iteration of [2, 1, 3]) yield* results.insert(yield* aVerificationResult(subject, iteration))
    }),
  )
  return { tenant, subject, own }
})

const firstPage: PageRequest = { page: 1, page_size: 20 }

export const storyDetailCases: ReadonlyArray<ContractCase<DetailPorts>> = [
  contractCase(
    "detailOf answers what the separate reads answer: own edges, one artifact page and its total, last iteration, mission",
    Effect.gen(function* () {
      const { tenant, subject, own } = yield* seedDetail
      const detail = yield* within(
        tenant.id,
        Effect.flatMap(detailOf(subject, firstPage), (found) => expectSome(found, "detailOf")),
      )
      yield* expectEqual(detail.story, subject, "the story, every field")
      yield* expectEqual(
        detail.dependencies.map((edge) => edge.id),
        [own[1], own[0]].map((edge) => edge?.id),
        "its own edges in link order",
      )
      yield* expectEqual(detail.artifacts.items.length, 20, "a page of 20 artifacts")
      yield* expectEqual(detail.artifacts.total_count, 23, "the artifacts' total")
      yield* expectEqual(detail.iteration_count, 3, "the last iteration")
      yield* expectEqual(detail.project_mission, "Ship the — Grüße ✓ — thing", "the project's mission")
      for (const page of [firstPage, { page: 2, page_size: 20 }, { page: 3, page_size: 20 }]) {
        const [one, composed] = yield* within(
          tenant.id,
          Effect.zip(detailOf(subject, page), composedDetail(subject, page)),
        )
        yield* expectEqual(
          yield* expectSome(one, `detailOf, artifact page ${page.page}`),
          composed,
          `detailOf against the separate reads, artifact page ${page.page}`,
        )
      }
    }),
  ),
  contractCase(
    "detailOf of a story with nothing beside it: no own edges, no artifacts, iteration 0, no mission",
    Effect.gen(function* () {
      const { tenant, epic } = yield* seedBoard
      const bare = yield* aStory(epic, "1.1")
      const dependent = yield* aStory(epic, "1.2")
      yield* commitStories(tenant, [bare, dependent])
      yield* within(
        tenant.id,
        Effect.flatMap(aStoryDependency(dependent, bare), (edge) =>
          Effect.flatMap(StoryDependencies, (repo) => repo.insert([edge])),
        ),
      )
      const [one, composed] = yield* within(
        tenant.id,
        Effect.zip(detailOf(bare, firstPage), composedDetail(bare, firstPage)),
      )
      const detail = yield* expectSome(one, "detailOf")
      yield* expectEqual(detail.dependencies, [], "no own edges (it is only a prerequisite)")
      yield* expectEqual(detail.artifacts, { items: [], total_count: 0 }, "no artifacts")
      yield* expectEqual(detail.iteration_count, 0, "no iteration")
      yield* expectEqual(detail.project_mission, null, "a project without a mission")
      yield* expectEqual(detail, composed, "detailOf against the separate reads")
    }),
  ),
  contractCase(
    "detailOf is none for an unknown story and for another tenant's",
    Effect.gen(function* () {
      const { tenant, subject } = yield* seedDetail
      const stranger = yield* freshTenant()
      yield* expectNone(
        yield* within(
          tenant.id,
          Effect.flatMap(freshId(StoryId), (id) =>
            Effect.flatMap(Stories, (repo) => repo.detailOf(id, firstPage)),
          ),
        ),
        "an unknown story",
      )
      yield* expectNone(yield* within(stranger.id, detailOf(subject, firstPage)), "another tenant's story")
    }),
  ),
]
