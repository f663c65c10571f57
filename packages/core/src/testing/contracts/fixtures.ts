import { Effect, Schema } from "effect"
import { AuditEntry } from "../../audit/domain/audit-entry.js"
import { OutboxEntry } from "../../events/ports/outbox.js"
import { Tenant } from "../../identity/domain/tenant.js"
import { Tenants } from "../../identity/ports/tenants.js"
import {
  AgentId,
  ApiKeyId,
  ArtifactReportId,
  AuditEntryId,
  EpicDependencyId,
  EpicId,
  ProjectId,
  ReviewRecordId,
  StoryDependencyId,
  StoryId,
  TenantId,
  VerificationResultId,
  WebhookId,
} from "../../kernel/domain/ids.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { type Timestamp, timestampFromNanos } from "../../kernel/domain/timestamp.js"
import { freshId } from "../../kernel/ports/ids.js"
import type { Ids } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { EpicDependency, StoryDependency } from "../../work/domain/dependency.js"
import { Epic } from "../../work/domain/epic.js"
import { Project } from "../../work/domain/project.js"
import { StoryNumber, sortKeyOf } from "../../work/domain/story-number.js"
import { Story } from "../../work/domain/story.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { Stories } from "../../work/ports/stories.js"
import { ArtifactReport, ReviewRecord, VerificationResult } from "../../workflow/domain/verification.js"

/**
 * Object mothers for the contract suites. Every id comes from the `Ids` port, and every tenant
 * gets a slug made from its id, so fixtures never collide with rows already in a shared store.
 * Overrides replace fields after the defaults are chosen.
 */

const BASE_NANOS = 1_774_612_800_000_000_000n // 2026-03-27T12:00:00Z

/** An instant `second` seconds and `micros` microseconds after a fixed base time. */
export const instant = (second: number, micros = 0): Timestamp =>
  timestampFromNanos(BASE_NANOS + BigInt(second) * 1_000_000_000n + BigInt(micros) * 1_000n)

/** JSON that exercises what a store may mangle: nesting, key order, unicode, nulls, fractions. */
export const richJson: JsonObject = {
  zeta: "last key first",
  nested: { list: [1, "two", null, true, { deep: [] }], empty: {} },
  unicode: 'Grüße, 世界 ✓ — "quoted" \\ back',
  fraction: 1.25,
  negative: -42,
  flag: false,
  nothing: null,
}

/** Runs work in a unit of work of the tenant. */
export const within = <A, E, R>(
  tenant: TenantId,
  work: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R | UnitOfWork> => Effect.flatMap(UnitOfWork, (uow) => uow.transact(tenant, work))

export const aTenant = (overrides: Partial<Tenant> = {}): Effect.Effect<Tenant, never, Ids> =>
  Effect.map(
    freshId(TenantId),
    (id) =>
      new Tenant({
        id,
        name: "Contract Tenant",
        slug: `t-${id.toLowerCase()}`,
        // Emails are unique across tenants, like slugs.
        email: `ops-${id.toLowerCase()}@contract.test`,
        settings: {},
        status: "active",
        default_story_budget_millicents: null,
        token_data_retention_days: null,
        inserted_at: instant(0),
        updated_at: instant(0),
        ...overrides,
      }),
  )

/** A new tenant, stored through the Tenants port (tenants are created outside any unit of work). */
export const freshTenant = (overrides: Partial<Tenant> = {}) =>
  Effect.tap(aTenant(overrides), (tenant) => Effect.flatMap(Tenants, (tenants) => tenants.insert(tenant)))

export const aProject = (
  tenant: Tenant,
  overrides: Partial<Project> = {},
): Effect.Effect<Project, never, Ids> =>
  Effect.map(
    freshId(ProjectId),
    (id) =>
      new Project({
        id,
        tenant_id: tenant.id,
        name: "Contract Project",
        slug: `p-${id.toLowerCase()}`,
        repo_url: null,
        description: null,
        tech_stack: null,
        status: "active",
        mission: null,
        metadata: {},
        inserted_at: instant(0),
        updated_at: instant(0),
        ...overrides,
      }),
  )

export const anEpic = (
  project: Project,
  number: number,
  overrides: Partial<Epic> = {},
): Effect.Effect<Epic, never, Ids> =>
  Effect.map(
    freshId(EpicId),
    (id) =>
      new Epic({
        id,
        tenant_id: project.tenant_id,
        project_id: project.id,
        number,
        title: `Epic ${number}`,
        description: null,
        phase: null,
        position: 0,
        metadata: {},
        inserted_at: instant(0),
        updated_at: instant(0),
        ...overrides,
      }),
  )

export const aStory = (
  epic: Epic,
  number: string,
  overrides: Partial<Story> = {},
): Effect.Effect<Story, never, Ids> =>
  Effect.map(freshId(StoryId), (id) => {
    const storyNumber = StoryNumber.make(number)
    return new Story({
      id,
      tenant_id: epic.tenant_id,
      project_id: epic.project_id,
      epic_id: epic.id,
      number: storyNumber,
      sort_key: sortKeyOf(storyNumber),
      title: `Story ${number}`,
      description: null,
      acceptance_criteria: [],
      estimated_hours: null,
      agent_status: "pending",
      verified_status: "unverified",
      assigned_agent_id: null,
      reported_by_agent_id: null,
      assigned_at: null,
      reported_done_at: null,
      verified_at: null,
      rejected_at: null,
      rejection_reason: null,
      metadata: {},
      inserted_at: instant(0),
      updated_at: instant(0),
      ...overrides,
    })
  })

export const aStoryDependency = (
  story: Story,
  dependsOn: Story,
  overrides: Partial<StoryDependency> = {},
): Effect.Effect<StoryDependency, never, Ids> =>
  Effect.map(
    freshId(StoryDependencyId),
    (id) =>
      new StoryDependency({
        id,
        tenant_id: story.tenant_id,
        story_id: story.id,
        depends_on_story_id: dependsOn.id,
        inserted_at: instant(0),
        ...overrides,
      }),
  )

export const anEpicDependency = (
  epic: Epic,
  dependsOn: Epic,
  overrides: Partial<EpicDependency> = {},
): Effect.Effect<EpicDependency, never, Ids> =>
  Effect.map(
    freshId(EpicDependencyId),
    (id) =>
      new EpicDependency({
        id,
        tenant_id: epic.tenant_id,
        epic_id: epic.id,
        depends_on_epic_id: dependsOn.id,
        inserted_at: instant(0),
        ...overrides,
      }),
  )

export const aReviewRecord = (
  story: Story,
  overrides: Partial<ReviewRecord> = {},
): Effect.Effect<ReviewRecord, never, Ids> =>
  Effect.map(
    freshId(ReviewRecordId),
    (id) =>
      new ReviewRecord({
        id,
        tenant_id: story.tenant_id,
        story_id: story.id,
        reviewer_agent_id: null,
        review_type: "code",
        findings_count: 0,
        fixes_count: 0,
        disproved_count: 0,
        summary: null,
        completed_at: instant(0),
        inserted_at: instant(0),
        updated_at: instant(0),
        ...overrides,
      }),
  )

export const aVerificationResult = (
  story: Story,
  iteration: number,
  overrides: Partial<VerificationResult> = {},
): Effect.Effect<VerificationResult, never, Ids> =>
  Effect.map(
    freshId(VerificationResultId),
    (id) =>
      new VerificationResult({
        id,
        tenant_id: story.tenant_id,
        story_id: story.id,
        orchestrator_agent_id: null,
        result: "pass",
        summary: null,
        findings: {},
        review_type: null,
        iteration,
        inserted_at: instant(iteration),
        updated_at: instant(iteration),
        ...overrides,
      }),
  )

export const anArtifactReport = (
  story: Story,
  overrides: Partial<ArtifactReport> = {},
): Effect.Effect<ArtifactReport, never, Ids> =>
  Effect.map(
    freshId(ArtifactReportId),
    (id) =>
      new ArtifactReport({
        id,
        tenant_id: story.tenant_id,
        story_id: story.id,
        reported_by: "agent",
        reporter_agent_id: null,
        artifact_type: "test",
        path: "test/example.test.ts",
        exists: true,
        details: {},
        inserted_at: instant(0),
        updated_at: instant(0),
        ...overrides,
      }),
  )

export const anAuditEntry = (
  tenant: Tenant,
  overrides: Partial<AuditEntry> = {},
): Effect.Effect<AuditEntry, never, Ids> =>
  Effect.gen(function* () {
    return new AuditEntry({
      id: yield* freshId(AuditEntryId),
      tenant_id: tenant.id,
      project_id: null,
      entity_type: "story",
      entity_id: yield* freshId(Schema.UUID),
      action: "created",
      actor_type: "system",
      actor_id: null,
      actor_label: null,
      old_state: null,
      new_state: null,
      metadata: {},
      inserted_at: instant(0),
      ...overrides,
    })
  })

export const anOutboxEntry = (
  tenant: Tenant,
  overrides: Partial<OutboxEntry> = {},
): Effect.Effect<OutboxEntry, never, Ids> =>
  Effect.gen(function* () {
    return new OutboxEntry({
      id: yield* freshId(Schema.UUID),
      tenant_id: tenant.id,
      project_id: null,
      event: { event: "webhook.test", data: { message: "ping", webhook_id: yield* freshId(WebhookId) } },
      occurred_at: instant(0),
      ...overrides,
    })
  })

/** Fresh agent and API key ids for the nullable actor fields. */
export const anAgentId = freshId(AgentId)
export const anApiKeyId = freshId(ApiKeyId)

/** A committed tenant with one project and one epic (number 1): the common ground of most cases. */
export const seedBoard = Effect.gen(function* () {
  const tenant = yield* freshTenant()
  const project = yield* aProject(tenant)
  const epic = yield* anEpic(project, 1)
  yield* within(
    tenant.id,
    Effect.gen(function* () {
      yield* (yield* Projects).insert(project)
      yield* (yield* Epics).insert([epic])
    }),
  )
  return { tenant, project, epic }
})

/** Commits stories of one tenant in one batch. */
export const commitStories = (tenant: Tenant, stories: ReadonlyArray<Story>) =>
  within(
    tenant.id,
    Effect.flatMap(Stories, (repo) => repo.insert(stories)),
  )
