import { Context, Effect, FiberRef, HashMap, Layer, Option, Ref } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.js"
import type { OutboxEntry } from "../../events/ports/outbox.js"
import type { Agent } from "../../identity/domain/agent.js"
import type { ApiKey } from "../../identity/domain/api-key.js"
import type { RootAuthenticator } from "../../identity/domain/root-authenticator.js"
import type { Tenant } from "../../identity/domain/tenant.js"
import type { SignupChallenge } from "../../identity/ports/signup-challenges.js"
import type { TenantId } from "../../kernel/domain/ids.js"
import type { EpicDependency, StoryDependency } from "../../work/domain/dependency.js"
import type { Epic } from "../../work/domain/epic.js"
import type { Project } from "../../work/domain/project.js"
import type { Story } from "../../work/domain/story.js"
import type { OrchestratorState } from "../../workflow/domain/orchestrator-state.js"
import type { UiTestRun } from "../../workflow/domain/ui-test-run.js"
import type { ArtifactReport, ReviewRecord, VerificationResult } from "../../workflow/domain/verification.js"

/** Every table of the in-memory store. Rows are immutable values; tables are persistent maps. */
export interface Tables {
  readonly tenants: HashMap.HashMap<string, Tenant>
  readonly apiKeys: HashMap.HashMap<string, ApiKey>
  readonly agents: HashMap.HashMap<string, Agent>
  readonly projects: HashMap.HashMap<string, Project>
  readonly epics: HashMap.HashMap<string, Epic>
  readonly stories: HashMap.HashMap<string, Story>
  readonly storyDependencies: HashMap.HashMap<string, StoryDependency>
  readonly epicDependencies: HashMap.HashMap<string, EpicDependency>
  readonly reviewRecords: HashMap.HashMap<string, ReviewRecord>
  readonly verificationResults: HashMap.HashMap<string, VerificationResult>
  readonly artifactReports: HashMap.HashMap<string, ArtifactReport>
  readonly orchestratorStates: HashMap.HashMap<string, OrchestratorState>
  readonly uiTestRuns: HashMap.HashMap<string, UiTestRun>
  readonly rootAuthenticators: HashMap.HashMap<string, RootAuthenticator>
  readonly signupChallenges: HashMap.HashMap<string, SignupChallenge>
  readonly audit: ReadonlyArray<AuditEntry>
  readonly outbox: ReadonlyArray<OutboxEntry>
}

const emptyTables: Tables = {
  tenants: HashMap.empty(),
  apiKeys: HashMap.empty(),
  agents: HashMap.empty(),
  projects: HashMap.empty(),
  epics: HashMap.empty(),
  stories: HashMap.empty(),
  storyDependencies: HashMap.empty(),
  epicDependencies: HashMap.empty(),
  reviewRecords: HashMap.empty(),
  verificationResults: HashMap.empty(),
  artifactReports: HashMap.empty(),
  orchestratorStates: HashMap.empty(),
  uiTestRuns: HashMap.empty(),
  rootAuthenticators: HashMap.empty(),
  signupChallenges: HashMap.empty(),
  audit: [],
  outbox: [],
}

/**
 * The shared state behind the memory adapters. Transactions run one at a time (one permit);
 * a failed one restores the snapshot taken when it began — cheap, because tables are
 * persistent maps. The tenant of the running transaction lives in a FiberRef, and every
 * tenant-scoped read filters by it, so forgetting a tenant check leaks nothing (as RLS does).
 */
export class MemoryStore extends Context.Tag("@loopctl/core/memory/MemoryStore")<
  MemoryStore,
  {
    readonly tables: Ref.Ref<Tables>
    readonly lock: Effect.Semaphore
    readonly tenant: FiberRef.FiberRef<Option.Option<TenantId>>
    /** Whether the fiber runs inside a platform transaction (which holds the lock). */
    readonly platform: FiberRef.FiberRef<boolean>
  }
>() {
  static readonly layer = Layer.scoped(
    MemoryStore,
    Effect.gen(function* () {
      return {
        tables: yield* Ref.make(emptyTables),
        lock: yield* Effect.makeSemaphore(1),
        tenant: yield* FiberRef.make<Option.Option<TenantId>>(Option.none()),
        platform: yield* FiberRef.make(false),
      }
    }),
  )
}

type Store = Context.Tag.Service<MemoryStore>
type Row = { readonly tenant_id: TenantId | null }

/** Table access for the memory repositories, bound to one store. */
export const tableAccess = (store: Store) => {
  const tenant = FiberRef.get(store.tenant)
  const read = <A>(f: (tables: Tables) => A) => Effect.map(Ref.get(store.tables), f)
  const visible = (row: Row, current: Option.Option<TenantId>) =>
    Option.match(current, { onNone: () => false, onSome: (id) => row.tenant_id === id })
  return {
    tenant,
    read,
    /** Changes the tables. A write outside a unit of work (tenant or platform) is a programming error. */
    write: (f: (tables: Tables) => Tables) =>
      Effect.flatMap(Effect.zip(tenant, FiberRef.get(store.platform)), ([current, platform]) =>
        Option.isNone(current) && !platform
          ? Effect.dieMessage("memory store: write outside a unit of work")
          : Ref.update(store.tables, f),
      ),
    /** The rows of a table that belong to the current tenant (none outside a unit of work). */
    rows: <A extends Row>(pick: (tables: Tables) => HashMap.HashMap<string, A>) =>
      Effect.flatMap(tenant, (current) =>
        read((tables) => Array.from(HashMap.values(pick(tables))).filter((row) => visible(row, current))),
      ),
    /** One row by id, if it belongs to the current tenant. */
    row: <A extends Row>(pick: (tables: Tables) => HashMap.HashMap<string, A>, id: string) =>
      Effect.flatMap(tenant, (current) =>
        read((tables) => Option.filter(HashMap.get(pick(tables), id), (row) => visible(row, current))),
      ),
  }
}
