import { describe, expect, it } from "@effect/vitest"
import {
  Epic,
  EpicDependency,
  EpicDependencyId,
  EpicId,
  ProjectId,
  Story,
  StoryDependency,
  StoryDependencyId,
  StoryId,
  StoryNumber,
  TenantId,
  Timestamp,
} from "@loopctl/core"
import { Schema } from "effect"
import * as T from "../src/repositories/shapes.js"

/**
 * The rows of a batch insert are the entities' own fields, not their encoding (`recordOf` in
 * rows.ts): that holds only while each table's schema encodes to exactly its fields. These pin it,
 * so a transformation added to one of them fails here rather than storing the wrong value.
 */

const at = Timestamp.make("2026-03-27T12:00:00.123456Z")
const tenant = TenantId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a01")
const project = ProjectId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a02")
const epicId = EpicId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a03")
const otherEpicId = EpicId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a04")
const storyId = StoryId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a05")
const otherStoryId = StoryId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a06")

const epic = new Epic({
  id: epicId,
  tenant_id: tenant,
  project_id: project,
  number: 3,
  title: "Epic",
  description: null,
  phase: "mvp",
  position: 2,
  metadata: { area: { nested: [1, "two"] } },
  inserted_at: at,
  updated_at: at,
})

const story = new Story({
  id: storyId,
  tenant_id: tenant,
  project_id: project,
  epic_id: epicId,
  number: StoryNumber.make("3.7"),
  sort_key: 30_070,
  title: "Story",
  description: 'text with "quotes" and ünïcode',
  acceptance_criteria: [{ id: "AC-1", criterion: "works" }],
  estimated_hours: 2.5,
  agent_status: "reported_done",
  verified_status: "verified",
  assigned_agent_id: null,
  claimed_by_agent_ids: [],
  reported_by_agent_id: null,
  assigned_at: null,
  reported_done_at: at,
  verified_at: at,
  rejected_at: null,
  rejection_reason: null,
  metadata: { points: 3 },
  inserted_at: at,
  updated_at: at,
})

const storyEdge = new StoryDependency({
  id: StoryDependencyId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a07"),
  tenant_id: tenant,
  story_id: storyId,
  depends_on_story_id: otherStoryId,
  inserted_at: at,
})

const epicEdge = new EpicDependency({
  id: EpicDependencyId.make("3f1c6f0e-9d3a-4a53-9a56-0c6f5a8a1a08"),
  tenant_id: tenant,
  epic_id: epicId,
  depends_on_epic_id: otherEpicId,
  inserted_at: at,
})

/** The JSON a batch sends for `value`, and the JSON of its Schema encoding. */
const both = <A, I>(schema: Schema.Schema<A, I>, record: (value: A) => unknown, value: A) => ({
  record: JSON.parse(JSON.stringify([record(value)])),
  encoded: JSON.parse(JSON.stringify([Schema.encodeSync(schema)(value)])),
})

describe("a batch row", () => {
  it("of an epic is its encoding", () => {
    const { record, encoded } = both(Epic, T.epics.record, epic)
    expect(record).toEqual(encoded)
  })
  it("of a story is its encoding", () => {
    const { record, encoded } = both(Story, T.stories.record, story)
    expect(record).toEqual(encoded)
  })
  it("of a story or epic edge is its encoding", () => {
    expect(both(StoryDependency, T.storyDependencies.record, storyEdge).record).toEqual(
      both(StoryDependency, T.storyDependencies.record, storyEdge).encoded,
    )
    expect(both(EpicDependency, T.epicDependencies.record, epicEdge).record).toEqual(
      both(EpicDependency, T.epicDependencies.record, epicEdge).encoded,
    )
  })
})
