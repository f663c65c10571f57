import { Schema, Struct } from "effect"
import { ProjectId, TenantId, WebhookEventId, WebhookId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { EventType } from "./events.js"

/** Where deliveries are POSTed: an http(s) URL of at most 2048 characters. */
export const WebhookUrl = Schema.String.pipe(
  Schema.pattern(/^https?:\/\//i, { message: () => "must use HTTPS or HTTP scheme" }),
  maxCharacters(2048),
)

/** The shared signing secret as shown once to its owner: 32 random bytes in lowercase hex. */
export const SigningSecret = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

const webhookFields = {
  id: WebhookId,
  tenant_id: TenantId,
  url: WebhookUrl,
  events: Schema.Array(EventType).pipe(Schema.minItems(1)),
  project_id: Schema.NullOr(ProjectId),
  active: Schema.Boolean,
  consecutive_failures: Schema.Int.pipe(Schema.nonNegative()),
  last_delivery_at: Schema.NullOr(Timestamp),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}

/**
 * A tenant's standing request to be told about some event types, for one project or (with a null
 * `project_id`) for all. The signing secret is kept only sealed; `consecutive_failures` counts
 * events that ran out of attempts, and enough of them switch the subscription off.
 */
export class WebhookSubscription extends Schema.Class<WebhookSubscription>("WebhookSubscription")({
  ...webhookFields,
  signing_secret_sealed: Schema.String.pipe(Schema.minLength(1)),
}) {}

const publicWebhookFields = Struct.omit(webhookFields, "tenant_id")

/** What the API shows of a subscription after creation: everything but the tenant and the secret. */
export class PublicWebhook extends Schema.Class<PublicWebhook>("PublicWebhook")(publicWebhookFields) {}

/** The API view of a stored subscription. */
export const publicWebhook = (webhook: WebhookSubscription): PublicWebhook =>
  new PublicWebhook(
    Struct.pick(
      webhook,
      "id",
      "url",
      "events",
      "project_id",
      "active",
      "consecutive_failures",
      "last_delivery_at",
      "inserted_at",
      "updated_at",
    ),
  )

/** A subscription as answered on creation: the only moment its signing secret is shown in clear. */
export class IssuedWebhook extends Schema.Class<IssuedWebhook>("IssuedWebhook")({
  ...publicWebhookFields,
  signing_secret: SigningSecret,
}) {}

/**
 * Where one delivery stands: `pending` until it succeeds (`delivered`), runs out of attempts
 * (`exhausted`) or finds its subscription switched off (`failed`).
 */
export const WebhookEventStatus = Schema.Literal("pending", "delivered", "failed", "exhausted")
export type WebhookEventStatus = typeof WebhookEventStatus.Type

const webhookEventFields = {
  id: WebhookEventId,
  tenant_id: TenantId,
  webhook_id: WebhookId,
  event_type: EventType,
  payload: JsonObject,
  status: WebhookEventStatus,
  attempts: Schema.Int.pipe(Schema.nonNegative()),
  last_attempt_at: Schema.NullOr(Timestamp),
  next_attempt_at: Schema.NullOr(Timestamp),
  error: Schema.NullOr(Schema.String),
  delivered_at: Schema.NullOr(Timestamp),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}

/**
 * One event bound for one subscription (the outbox row). Its id is the delivery id the receiver
 * sees and dedupes on; `inserted_at` is the event's time, the same in every attempt's body.
 */
export class WebhookEvent extends Schema.Class<WebhookEvent>("WebhookEvent")(webhookEventFields) {}

/** One line of a subscription's delivery log: how an event fared, without its payload. */
export class WebhookDelivery extends Schema.Class<WebhookDelivery>("WebhookDelivery")(
  Struct.pick(
    webhookEventFields,
    "id",
    "event_type",
    "status",
    "attempts",
    "delivered_at",
    "error",
    "inserted_at",
  ),
) {}

/** The delivery-log line of an event. */
export const webhookDelivery = (event: WebhookEvent): WebhookDelivery =>
  new WebhookDelivery(
    Struct.pick(event, "id", "event_type", "status", "attempts", "delivered_at", "error", "inserted_at"),
  )
