-- Events: the transactional outbox written with each change, webhook subscriptions, and the
-- per-subscription deliveries the worker makes from the outbox.

-- One row per domain event, committed with the change that caused it. payload is the event as the
-- core's DomainEvent schema encodes it (its "event" field is event_type). The worker claims pending
-- rows oldest first with FOR UPDATE SKIP LOCKED across tenants (on the owner path), fans each out
-- into webhook_events, and stamps dispatched_at; a failed fan-out counts an attempt and is retried
-- from next_attempt_at.
CREATE TABLE outbox (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  project_id uuid,
  event_type text NOT NULL CHECK (event_type = ANY (loopctl_event_types())),
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object' AND payload ->> 'event' = event_type),
  occurred_at timestamptz NOT NULL,
  dispatched_at timestamptz,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz,
  last_error text,
  PRIMARY KEY (tenant_id, id)
);
-- The worker's queue: only undispatched rows, in event order.
CREATE INDEX outbox_pending_idx ON outbox (occurred_at, id) WHERE dispatched_at IS NULL;
-- A tenant's own entries in order (Outbox.list, the change feed).
CREATE INDEX outbox_tenant_idx ON outbox (tenant_id, occurred_at, id);

CREATE TABLE webhooks (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  url text NOT NULL CHECK (url ~* '^https?://' AND length(url) <= 2048),
  events text[] NOT NULL CHECK (cardinality(events) >= 1 AND events <@ loopctl_event_types()),
  project_id uuid,
  active boolean NOT NULL,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  last_delivery_at timestamptz,
  signing_secret_sealed text NOT NULL CHECK (length(signing_secret_sealed) >= 1),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT webhooks_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhooks_tenant_idx ON webhooks (tenant_id, inserted_at, id);

-- One event bound for one subscription; its id is the delivery id receivers dedupe on. source_event_id
-- names the outbox row it came from (NULL for a test delivery), unique per subscription so that a
-- retried fan-out cannot create a second delivery.
CREATE TABLE webhook_events (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  webhook_id uuid NOT NULL,
  source_event_id uuid,
  event_type text NOT NULL CHECK (event_type = ANY (loopctl_event_types())),
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'exhausted')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_attempt_at timestamptz,
  next_attempt_at timestamptz,
  error text,
  delivered_at timestamptz,
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT webhook_events_source_key UNIQUE (tenant_id, webhook_id, source_event_id),
  -- Deleting a subscription deletes its deliveries (the spec's 404 on its delivery log).
  CONSTRAINT webhook_events_webhook_fkey FOREIGN KEY (tenant_id, webhook_id)
    REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
);
-- The delivery queue, the per-subscription delivery log (newest first), and retention cleanup.
CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_events_log_idx ON webhook_events (tenant_id, webhook_id, inserted_at);
CREATE INDEX webhook_events_cleanup_idx ON webhook_events (tenant_id, status, inserted_at);

SELECT loopctl_protect_tenant_table('outbox');
SELECT loopctl_protect_tenant_table('webhooks');
SELECT loopctl_protect_tenant_table('webhook_events');

-- Use cases only append to the outbox and read their tenant's entries; delivery bookkeeping is
-- the worker's, on the owner path.
GRANT SELECT, INSERT ON outbox TO loopctl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhooks, webhook_events TO loopctl_app;
