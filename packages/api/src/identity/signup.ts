import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, OpenApi } from "@effect/platform"
import * as Commands from "@loopctl/core"
import { Schema } from "effect"
import { publicEndpoint } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { ProvisionedTenantBody } from "./admin.js"

/**
 * The `signup` group: a person creates a tenant by enrolling 1..5 hardware authenticators
 * (WebAuthn) and gets the tenant's first `user` key, shown once (platform.md §2.3, D9). The page
 * runs the ceremony in a browser; the two JSON routes are the ceremony itself, usable by any
 * WebAuthn client. No API key is needed; the two POST routes share a limit of 5 requests per
 * hour per client address (D10).
 */

/**
 * Counts a signup request against its client address's hourly limit, before the body is read,
 * and answers 429 (with `Retry-After`) over the limit. The server provides its implementation.
 */
export class SignupRateLimit extends HttpApiMiddleware.Tag<SignupRateLimit>()(
  "@loopctl/http/SignupRateLimit",
  {
    failure: Enveloped.RateLimited,
  },
) {}

/** `publicKey` of `POST /signup/options`: what `navigator.credentials.create()` needs, binary values as base64url. */
export const CreationOptions = Schema.Struct({
  challenge: Schema.String,
  rp: Schema.Struct({ name: Schema.String, id: Schema.optional(Schema.String) }),
  user: Schema.Struct({ id: Schema.String, name: Schema.String, displayName: Schema.String }),
  pubKeyCredParams: Schema.Array(Schema.Struct({ alg: Schema.Number, type: Schema.String })),
  timeout: Schema.optional(Schema.Number),
  attestation: Schema.optional(Schema.String),
  excludeCredentials: Schema.optional(
    Schema.Array(
      Schema.Struct({
        id: Schema.String,
        type: Schema.String,
        transports: Schema.optional(Schema.Array(Schema.String)),
      }),
    ),
  ),
  authenticatorSelection: Schema.optional(
    Schema.Struct({
      authenticatorAttachment: Schema.optional(Schema.String),
      residentKey: Schema.optional(Schema.String),
      requireResidentKey: Schema.optional(Schema.Boolean),
      userVerification: Schema.optional(Schema.String),
    }),
  ),
  extensions: Schema.optional(Schema.Struct({ credProps: Schema.optional(Schema.Boolean) })),
  hints: Schema.optional(Schema.Array(Schema.String)),
}).annotations({ identifier: "PublicKeyCredentialCreationOptions" })

/** 200 of `POST /signup/options`: the challenge to answer (valid for 15 minutes) and the creation options. */
export const SignupOptions = Schema.Struct({
  challenge_id: Schema.UUID,
  publicKey: CreationOptions,
}).annotations({ identifier: "SignupOptions" })

/** The body of `POST /signup/complete`: every field is checked at once (422 with `details`). */
export const SignupCompletion = Commands.SignupCompletion.annotations({ identifier: "SignupCompletion" })

export class SignupGroup extends HttpApiGroup.make("signup")
  .add(
    HttpApiEndpoint.get("page", "/signup")
      .addSuccess(HttpApiSchema.Text({ contentType: "text/html" }))
      .annotate(
        OpenApi.Summary,
        "The signup page: enroll hardware authenticators and get the tenant's first key",
      )
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.post("options", "/signup/options")
      .addSuccess(SignupOptions)
      .annotate(OpenApi.Summary, "Start a signup: a registration challenge and the WebAuthn creation options")
      .middleware(SignupRateLimit)
      .pipe(publicEndpoint),
  )
  .add(
    HttpApiEndpoint.post("complete", "/signup/complete")
      .setPayload(SignupCompletion)
      .addSuccess(ProvisionedTenantBody, { status: 201 })
      .addError(Enveloped.Conflict)
      .annotate(
        OpenApi.Summary,
        "Finish a signup: verify the authenticators, create the tenant and its first user key (shown only here)",
      )
      .middleware(SignupRateLimit)
      .pipe(publicEndpoint),
  )
  .annotate(
    OpenApi.Description,
    "Tenant signup with hardware authenticators (WebAuthn); no API key. The POST routes share 5 requests per hour per client address.",
  ) {}
