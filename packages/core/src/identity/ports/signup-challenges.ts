import { Context, type Effect, type Option, Schema } from "effect"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { Base64Url } from "../domain/root-authenticator.js"

/**
 * A WebAuthn registration challenge handed out for one signup. It lives in the store, not in a
 * process, so the server that completes the signup need not be the one that issued it.
 */
export class SignupChallenge extends Schema.Class<SignupChallenge>("SignupChallenge")({
  id: Schema.UUID,
  /** What the authenticators must sign, as base64url (the ceremony's `challenge`). */
  challenge: Base64Url,
  expires_at: Timestamp,
}) {}

/**
 * Issued signup challenges. Global rows: a challenge exists before its tenant does. Each one can
 * be consumed once; consuming it inside a transaction that fails gives it back.
 */
export class SignupChallenges extends Context.Tag("@loopctl/core/SignupChallenges")<
  SignupChallenges,
  {
    /**
     * Stores a challenge and forgets every challenge that expired at or before `at`, so the
     * table holds only live ones. Called outside every unit of work.
     */
    readonly insert: (challenge: SignupChallenge, at: Timestamp) => Effect.Effect<void>
    /** The challenge with this id, if it exists and expires after `at`; it stays stored. */
    readonly find: (id: string, at: Timestamp) => Effect.Effect<Option.Option<SignupChallenge>>
    /**
     * Removes the challenge with this id and answers it when it existed and expires after `at`.
     * Of several concurrent callers at most one gets it. Inside a unit of work it joins it.
     */
    readonly consume: (id: string, at: Timestamp) => Effect.Effect<Option.Option<SignupChallenge>>
  }
>() {}
