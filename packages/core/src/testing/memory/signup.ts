import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { RootAuthenticators } from "../../identity/ports/root-authenticators.js"
import { SignupChallenges } from "../../identity/ports/signup-challenges.js"
import { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { MemoryStore, tableAccess } from "./store.js"

/** Memory implementations of signup's ports: root authenticators and signup challenges. */

export const RootAuthenticatorsMemory = Layer.effect(
  RootAuthenticators,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return RootAuthenticators.of({
      insert: (authenticator) =>
        Effect.flatMap(Ref.get(store.tables), (tables) =>
          // Credential ids are unique across every tenant, as the SQL unique index makes them.
          Array.from(HashMap.values(tables.rootAuthenticators)).some(
            (other) => other.credential_id === authenticator.credential_id || other.id === authenticator.id,
          )
            ? Effect.fail(new DuplicateKey({ entity: "root_authenticator", key: "credential_id" }))
            : Effect.flatMap(db.tenant, (current) =>
                Option.isSome(current) && current.value !== authenticator.tenant_id
                  ? Effect.dieMessage("memory store: an authenticator written into another tenant")
                  : db.write((t) => ({
                      ...t,
                      rootAuthenticators: HashMap.set(t.rootAuthenticators, authenticator.id, authenticator),
                    })),
              ),
        ),
      list: Effect.map(
        db.rows((t) => t.rootAuthenticators),
        (rows) =>
          [...rows].sort((a, b) => a.inserted_at.localeCompare(b.inserted_at) || a.id.localeCompare(b.id)),
      ),
    })
  }),
)

export const SignupChallengesMemory = Layer.effect(
  SignupChallenges,
  Effect.map(MemoryStore, (store) =>
    SignupChallenges.of({
      // Global rows: written directly, inside or outside a unit of work, like tenants.
      insert: (challenge, at) =>
        Ref.update(store.tables, (t) => ({
          ...t,
          signupChallenges: HashMap.set(
            HashMap.filter(t.signupChallenges, (live) => live.expires_at > at),
            challenge.id,
            challenge,
          ),
        })),
      find: (id, at) =>
        Effect.map(Ref.get(store.tables), (t) =>
          Option.filter(HashMap.get(t.signupChallenges, id), (found) => found.expires_at > at),
        ),
      consume: (id, at) =>
        Ref.modify(store.tables, (t) => {
          const found = HashMap.get(t.signupChallenges, id)
          const rest = { ...t, signupChallenges: HashMap.remove(t.signupChallenges, id) }
          return [Option.filter(found, (challenge) => challenge.expires_at > at), rest]
        }),
    }),
  ),
)
