import { Effect, Schema } from "effect"
import { ApiKey } from "../../identity/domain/api-key.js"
import { Tenant } from "../../identity/domain/tenant.js"
import type { Agents } from "../../identity/ports/agents.js"
import { ApiKeys } from "../../identity/ports/api-keys.js"
import { type TenantCounts, Tenants } from "../../identity/ports/tenants.js"
import { TenantId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Epics } from "../../work/ports/epics.js"
import type { Projects } from "../../work/ports/projects.js"
import type { Stories } from "../../work/ports/stories.js"
import { anAgent, anApiKey, storeAgents, storeKeys } from "./access-fixtures.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
} from "./contract.js"
import {
  aStory,
  aTenant,
  commitStories,
  freshTenant,
  instant,
  richJson,
  seedBoard,
  within,
} from "./fixtures.js"

type Ports = Tenants | ApiKeys | Agents | Projects | Epics | Stories | UnitOfWork | Ids

/** A tenant with one project, epic and story, an agent and two keys (one of them revoked). */
const furnishedTenant = (overrides: Partial<Tenant> = {}) =>
  Effect.gen(function* () {
    const board = yield* seedBoard
    const tenant = new Tenant({ ...board.tenant, ...overrides })
    if (Object.keys(overrides).length > 0) yield* Effect.flatMap(Tenants, (t) => t.update(tenant))
    yield* commitStories(tenant, [
      yield* aStory(board.epic, "1.1", { agent_status: "implementing", verified_status: "verified" }),
    ])
    yield* storeAgents(tenant, [
      yield* anAgent(tenant, { last_seen_at: instant(100) }),
      yield* anAgent(tenant, { last_seen_at: instant(10) }),
    ])
    yield* storeKeys(tenant, [yield* anApiKey(tenant), yield* anApiKey(tenant, { revoked_at: instant(1) })])
    return tenant
  })

const furnishedCounts: TenantCounts = {
  project_count: 1,
  epic_count: 1,
  story_count: 1,
  agent_count: 2,
  api_key_count: 1,
}

/** A word no other case uses, for searches in a shared store. */
const aToken = Effect.map(freshId(Schema.UUID), (uuid) => `q${uuid.replace(/-/g, "").slice(0, 10)}`)

/** The Tenants port: global rows, found by id or slug, with globally unique slugs, and the superadmin's views. */
export const tenantsContract: ContractSuite<Ports> = {
  port: "Tenants",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const tenant = yield* aTenant({
          name: "Grüße & Co",
          email: "owner@example.org",
          settings: richJson,
          status: "pending_enrollment",
          default_story_budget_millicents: 125_000,
          token_data_retention_days: 90,
          inserted_at: instant(1, 123_456),
          updated_at: instant(2, 1),
        })
        yield* tenants.insert(tenant)
        const found = yield* expectSome(yield* tenants.findById(tenant.id), "the inserted tenant")
        yield* expectEqual(found, tenant, "tenant after a round-trip")
      }),
    ),
    contractCase(
      "null fields and empty settings round-trip",
      Effect.gen(function* () {
        const tenant = yield* freshTenant({ inserted_at: instant(3, 120_000) })
        const found = yield* expectSome(yield* (yield* Tenants).findById(tenant.id), "the inserted tenant")
        yield* expectEqual(found, tenant, "tenant after a round-trip")
      }),
    ),
    contractCase(
      "findById of an unknown id is none",
      Effect.gen(function* () {
        yield* expectNone(yield* (yield* Tenants).findById(yield* freshId(TenantId)), "an unknown tenant")
      }),
    ),
    contractCase(
      "a tenant is found inside its own unit of work",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const found = yield* within(
          tenant.id,
          Effect.flatMap(Tenants, (tenants) => tenants.findById(tenant.id)),
        )
        yield* expectEqual(yield* expectSome(found, "the tenant in its unit of work"), tenant, "tenant")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey when another tenant has the slug",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const first = yield* freshTenant()
        const second = yield* aTenant({ slug: first.slug, name: "Impostor" })
        yield* expectFailure(tenants.insert(second), "DuplicateKey", "a second tenant with a taken slug")
        yield* expectNone(yield* tenants.findById(second.id), "the refused tenant")
        const kept = yield* expectSome(yield* tenants.findById(first.id), "the first tenant")
        yield* expectEqual(kept, first, "the first tenant, untouched")
      }),
    ),
    contractCase(
      "emails are unique across tenants, whatever their case: DuplicateKey email on insert and update",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const first = yield* freshTenant()
        const second = yield* freshTenant()
        const twin = yield* aTenant({ email: first.email.toUpperCase() })
        const refused = yield* expectFailure(
          tenants.insert(twin),
          "DuplicateKey",
          "a second tenant with a taken email",
        )
        yield* expectEqual(refused.key, "email", "the key a taken email is refused on")
        yield* expectNone(yield* tenants.findById(twin.id), "the refused tenant")
        const moved = yield* expectFailure(
          tenants.update(new Tenant({ ...second, email: first.email })),
          "DuplicateKey",
          "taking another tenant's email",
        )
        yield* expectEqual(moved.key, "email", "the key a taken email is refused on")
        yield* expectEqual(
          yield* expectSome(yield* tenants.findById(second.id), "second"),
          second,
          "untouched",
        )
        const slugTwin = yield* aTenant({ slug: first.slug })
        const slugRefused = yield* expectFailure(tenants.insert(slugTwin), "DuplicateKey", "a taken slug")
        yield* expectEqual(slugRefused.key, "slug", "the key a taken slug is refused on")
      }),
    ),
    contractCase(
      "update replaces the stored fields; another tenant's slug is DuplicateKey",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const first = yield* freshTenant()
        const second = yield* freshTenant()
        const changed = new Tenant({
          ...first,
          name: "Renamed",
          email: "new@example.org",
          settings: { max_api_keys: 2, nested: { a: [1, null] } },
          status: "suspended",
          default_story_budget_millicents: 5000,
          token_data_retention_days: 30,
          updated_at: instant(9, 9),
        })
        yield* tenants.update(changed)
        yield* expectEqual(yield* expectSome(yield* tenants.findById(first.id), "updated"), changed, "tenant")
        yield* expectFailure(
          tenants.update(new Tenant({ ...second, slug: first.slug })),
          "DuplicateKey",
          "taking another tenant's slug",
        )
        yield* expectEqual(
          yield* expectSome(yield* tenants.findById(second.id), "second"),
          second,
          "untouched",
        )
      }),
    ),
    contractCase(
      "a tenant may update itself inside its own unit of work",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const changed = new Tenant({ ...tenant, name: "Self-renamed", updated_at: instant(5) })
        yield* within(
          tenant.id,
          Effect.flatMap(Tenants, (t) => t.update(changed)),
        )
        yield* expectEqual(
          yield* expectSome(yield* (yield* Tenants).findById(tenant.id), "t"),
          changed,
          "tenant",
        )
      }),
    ),
    contractCase(
      "findBySlug finds a tenant; other tenants are invisible inside a tenant's unit of work",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        yield* expectEqual(
          yield* expectSome(yield* tenants.findBySlug(a.slug), "by slug"),
          a,
          "tenant by slug",
        )
        yield* expectNone(yield* tenants.findBySlug(`none-${a.slug}`), "an unknown slug")
        const seenFromB = yield* within(
          b.id,
          Effect.all([
            Effect.flatMap(Tenants, (t) => t.findById(a.id)),
            Effect.flatMap(Tenants, (t) => t.findBySlug(a.slug)),
          ]),
        )
        yield* expectNone(seenFromB[0], "tenant A by id, from tenant B")
        yield* expectNone(seenFromB[1], "tenant A by slug, from tenant B")
      }),
    ),
    contractCase(
      "list searches name and slug literally and case-insensitively, filters by status, orders by name",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const token = yield* aToken
        const acme = yield* freshTenant({ name: `Acme ${token}` })
        const beta = yield* freshTenant({ name: `beta ${token}`, status: "suspended" })
        const under = yield* freshTenant({ name: `x_y ${token}` })
        yield* freshTenant({ name: `xzy ${token}` })
        const page = { page: 1, page_size: 50 }
        const namesOf = (search: string, status?: Tenant["status"]) =>
          Effect.map(tenants.list({ search, ...(status === undefined ? {} : { status }) }, page), (found) =>
            found.items.map((item) => item.tenant.name),
          )
        yield* expectEqual(
          yield* namesOf(token),
          [acme.name, beta.name, under.name, `xzy ${token}`],
          "every tenant of the token, by name",
        )
        yield* expectEqual(yield* namesOf(`ACME ${token}`.toUpperCase()), [acme.name], "case-insensitive")
        yield* expectEqual(yield* namesOf(`x_y ${token}`), [under.name], "an underscore is literal")
        yield* expectEqual(yield* namesOf(`%${token}`), [], "a percent sign is literal")
        yield* expectEqual(yield* namesOf(token, "suspended"), [beta.name], "suspended only")
        const bySlug = yield* tenants.list({ search: beta.slug.toUpperCase() }, page)
        yield* expectEqual(
          bySlug.items.map((item) => item.tenant.id),
          [beta.id],
          "search by slug",
        )
        const second = yield* tenants.list({ search: token }, { page: 2, page_size: 3 })
        yield* expectEqual([second.items.length, second.total_count], [1, 4], "the second page of three")
      }),
    ),
    contractCase(
      "list and counts report each tenant's projects, epics, stories, agents and non-revoked keys",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const token = yield* aToken
        const tenant = yield* furnishedTenant({ name: `Furnished ${token}` })
        const listed = yield* tenants.list({ search: token }, { page: 1, page_size: 10 })
        yield* expectEqual(
          listed.items.map((item) => item.counts),
          [furnishedCounts],
          "the counts in the list",
        )
        yield* expectEqual(yield* tenants.counts(tenant.id), furnishedCounts, "counts of one tenant")
        const empty = yield* tenants.counts(yield* freshId(TenantId))
        yield* expectEqual(
          empty,
          { project_count: 0, epic_count: 0, story_count: 0, agent_count: 0, api_key_count: 0 },
          "counts of an unknown tenant",
        )
      }),
    ),
    contractCase(
      "stats count every tenant's rows, and agents seen since the given instant",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const before = yield* tenants.stats(instant(50))
        yield* furnishedTenant({ status: "suspended" })
        const admin = yield* anApiKey(null)
        yield* (yield* ApiKeys).insert(admin)
        yield* (yield* ApiKeys).insert(new ApiKey({ ...(yield* anApiKey(null)), revoked_at: instant(1) }))
        const after = yield* tenants.stats(instant(50))
        const delta = (pick: (s: typeof after) => number) => pick(after) - pick(before)
        yield* expectEqual(
          {
            tenants: delta((s) => s.total_tenants),
            suspended: delta((s) => s.tenants_suspended),
            active: delta((s) => s.tenants_active),
            projects: delta((s) => s.total_projects),
            epics: delta((s) => s.total_epics),
            stories: delta((s) => s.total_stories),
            implementing: delta((s) => s.stories_by_agent_status.implementing),
            pending: delta((s) => s.stories_by_agent_status.pending),
            verified: delta((s) => s.stories_by_verified_status.verified),
            active_stories: delta((s) => s.active_stories),
            agents: delta((s) => s.total_agents),
            active_agents: delta((s) => s.active_agents),
            keys: delta((s) => s.total_api_keys),
          },
          {
            tenants: 1,
            suspended: 1,
            active: 0,
            projects: 1,
            epics: 1,
            stories: 1,
            implementing: 1,
            pending: 0,
            verified: 1,
            active_stories: 1,
            agents: 2,
            active_agents: 1,
            keys: 2,
          },
          "what one furnished tenant adds to the figures",
        )
        yield* expectEqual(
          Object.keys(after.stories_by_agent_status).sort(),
          ["assigned", "contracted", "implementing", "pending", "reported_done"],
          "every agent status is present",
        )
      }),
    ),
  ],
}
