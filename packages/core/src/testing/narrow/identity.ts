import { Agents } from "../../identity/ports/agents.js"
import { ApiKeys } from "../../identity/ports/api-keys.js"
import { RateLimits } from "../../identity/ports/rate-limits.js"
import { RootAuthenticators } from "../../identity/ports/root-authenticators.js"
import { Secrets } from "../../identity/ports/secrets.js"
import { SignupChallenges } from "../../identity/ports/signup-challenges.js"
import { Tenants } from "../../identity/ports/tenants.js"
import { makeTestLayer } from "./test-layer.js"

/** `Agents` with every member dying unless the test stubs it. */
export const AgentsTest = makeTestLayer(Agents, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  findById: unstubbed.method("findById"),
  findByName: unstubbed.method("findByName"),
  findByApiKey: unstubbed.method("findByApiKey"),
  list: unstubbed.method("list"),
}))

/** `ApiKeys` with every member dying unless the test stubs it. */
export const ApiKeysTest = makeTestLayer(ApiKeys, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  update: unstubbed.method("update"),
  findByHash: unstubbed.method("findByHash"),
  use: unstubbed.method("use"),
  findById: unstubbed.method("findById"),
  findForUpdate: unstubbed.method("findForUpdate"),
  list: unstubbed.method("list"),
  countActive: unstubbed.method("countActive"),
  revoke: unstubbed.method("revoke"),
  linkAgent: unstubbed.method("linkAgent"),
}))

/** `RateLimits` with every member dying unless the test stubs it. */
export const RateLimitsTest = makeTestLayer(RateLimits, (unstubbed) => ({
  hit: unstubbed.method("hit"),
}))

/** `RootAuthenticators` with every member dying unless the test stubs it. */
export const RootAuthenticatorsTest = makeTestLayer(RootAuthenticators, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  list: unstubbed.effect("list"),
}))

/** `Secrets` with every member dying unless the test stubs it. */
export const SecretsTest = makeTestLayer(Secrets, (unstubbed) => ({
  generateApiKey: unstubbed.effect("generateApiKey"),
  hashApiKey: unstubbed.method("hashApiKey"),
  sha256Hex: unstubbed.method("sha256Hex"),
}))

/** `SignupChallenges` with every member dying unless the test stubs it. */
export const SignupChallengesTest = makeTestLayer(SignupChallenges, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  find: unstubbed.method("find"),
  consume: unstubbed.method("consume"),
}))

/** `Tenants` with every member dying unless the test stubs it. */
export const TenantsTest = makeTestLayer(Tenants, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  update: unstubbed.method("update"),
  findById: unstubbed.method("findById"),
  findBySlug: unstubbed.method("findBySlug"),
  list: unstubbed.method("list"),
  counts: unstubbed.method("counts"),
  stats: unstubbed.method("stats"),
}))
