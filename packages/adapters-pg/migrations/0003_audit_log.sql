-- The audit trail: append-only, partitioned by calendar month (UTC) on inserted_at.
--
-- No foreign key to tenants: entries must outlive the tenant they describe, and cascading a
-- delete into them would contradict append-only. tenant_id is NULL for superadmin and system
-- entries; those are visible only on the owner path, never to a tenant.
CREATE TABLE audit_log (
  id uuid NOT NULL,
  tenant_id uuid,
  project_id uuid,
  entity_type text NOT NULL CHECK (length(entity_type) >= 1),
  entity_id uuid NOT NULL,
  action text NOT NULL CHECK (length(action) >= 1),
  actor_type text NOT NULL CHECK (actor_type IN ('api_key', 'superadmin', 'system', 'human')),
  actor_id uuid,
  actor_label text,
  old_state jsonb CHECK (jsonb_typeof(old_state) = 'object'),
  new_state jsonb CHECK (jsonb_typeof(new_state) = 'object'),
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  -- The partition key must be part of every unique key of a partitioned table.
  PRIMARY KEY (id, inserted_at)
) PARTITION BY RANGE (inserted_at);

-- Indexes on the parent are created on every partition, present and future. Every read is of one
-- tenant, so tenant_id leads each of them.
-- The audit list (newest first) and the change feed (after a cursor, by (inserted_at, id)).
CREATE INDEX audit_log_tenant_time_idx ON audit_log (tenant_id, inserted_at, id);
-- One entity's entries: a story's history, "has this entity any entry", the entity_id filter.
CREATE INDEX audit_log_entity_idx ON audit_log (tenant_id, entity_id, entity_type, inserted_at);
-- The entity_type filter of the list and the change feed.
CREATE INDEX audit_log_type_idx ON audit_log (tenant_id, entity_type, inserted_at);
CREATE INDEX audit_log_project_idx ON audit_log (tenant_id, project_id, inserted_at);
CREATE INDEX audit_log_actor_idx ON audit_log (tenant_id, actor_id, inserted_at);
-- Token usage entries belong to a story's history through metadata.story_id.
CREATE INDEX audit_log_story_usage_idx ON audit_log (tenant_id, (metadata->>'story_id'), inserted_at)
  WHERE entity_type = 'token_usage_report';

-- Catches entries whose time falls outside every monthly partition (an unmaintained database, a
-- test clock at 1970), so an audit write never fails for want of a partition. It normally stays empty.
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

-- Append-only for everybody, the owner included: rows are never updated, and deleted only by
-- retention (dropping whole partitions fires no row trigger; the retention sweep of the default
-- partition sets loopctl.audit_retention for the duration of its own DELETE).
CREATE OR REPLACE FUNCTION loopctl_audit_append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('loopctl.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% on audit_log is not allowed — audit log is append-only', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION loopctl_audit_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION loopctl_audit_append_only();

-- Creates the monthly partitions audit_log_yYYYYmMM for the month of as_of and months_ahead more,
-- each under the same row-level security as the parent (partitions are tables in their own right
-- and do not inherit it). A month whose rows already sit in the default partition is skipped with
-- a notice rather than failing the whole upkeep. Returns what it did.
CREATE OR REPLACE FUNCTION loopctl_audit_ensure_partitions(
  as_of timestamptz DEFAULT now(),
  months_ahead integer DEFAULT 3
)
RETURNS TABLE (outcome text, partition_name text)
LANGUAGE plpgsql
AS $fn$
DECLARE
  first_month timestamp := date_trunc('month', as_of AT TIME ZONE 'UTC');
  month_start timestamp;
  month_end timestamp;
  part_name text;
BEGIN
  -- Several processes may start (or run the job) at once; one at a time does the DDL.
  PERFORM pg_advisory_xact_lock(7203114015650001);
  FOR offset_months IN 0..months_ahead LOOP
    month_start := first_month + make_interval(months => offset_months);
    month_end := month_start + interval '1 month';
    part_name := 'audit_log_y' || to_char(month_start, 'YYYY') || 'm' || to_char(month_start, 'MM');
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM pg_inherits inh JOIN pg_class cls ON cls.oid = inh.inhrelid
      WHERE inh.inhparent = 'audit_log'::regclass AND cls.relname = part_name
    );
    IF EXISTS (
      SELECT 1 FROM audit_log_default d
      WHERE d.inserted_at >= (month_start AT TIME ZONE 'UTC') AND d.inserted_at < (month_end AT TIME ZONE 'UTC')
    ) THEN
      RAISE NOTICE 'audit partition % not created: the default partition holds rows of that month', part_name;
      outcome := 'skipped';
      partition_name := part_name;
      RETURN NEXT;
      CONTINUE;
    END IF;
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
      part_name, month_start AT TIME ZONE 'UTC', month_end AT TIME ZONE 'UTC');
    PERFORM loopctl_protect_tenant_table(part_name::regclass);
    outcome := 'created';
    partition_name := part_name;
    RETURN NEXT;
  END LOOP;
END
$fn$;

-- The worker's daily upkeep: ensures the partitions above, then drops every monthly partition whose
-- month lies strictly before the month of (as_of - retention_days), so entries live between
-- retention_days and about a month more. Entries that landed in the default partition age out by
-- the same rule. Runs on the owner path only.
CREATE OR REPLACE FUNCTION loopctl_audit_maintain(
  retention_days integer DEFAULT 90,
  as_of timestamptz DEFAULT now()
)
RETURNS TABLE (outcome text, partition_name text)
LANGUAGE plpgsql
AS $fn$
DECLARE
  cutoff_month timestamp;
  part record;
  purged bigint;
BEGIN
  IF retention_days IS NULL OR retention_days < 1 THEN
    RAISE EXCEPTION 'retention_days must be at least 1, got %', retention_days;
  END IF;
  RETURN QUERY SELECT * FROM loopctl_audit_ensure_partitions(as_of);
  cutoff_month := date_trunc('month', (as_of - make_interval(days => retention_days)) AT TIME ZONE 'UTC');
  FOR part IN
    SELECT cls.relname
    FROM pg_inherits inh JOIN pg_class cls ON cls.oid = inh.inhrelid
    WHERE inh.inhparent = 'audit_log'::regclass AND cls.relname ~ '^audit_log_y[0-9]{4}m[0-9]{2}$'
    ORDER BY cls.relname
  LOOP
    IF make_date(substr(part.relname, 12, 4)::integer, substr(part.relname, 17, 2)::integer, 1) < cutoff_month THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      outcome := 'dropped';
      partition_name := part.relname;
      RETURN NEXT;
    END IF;
  END LOOP;
  PERFORM set_config('loopctl.audit_retention', 'on', true);
  DELETE FROM audit_log_default WHERE inserted_at < (cutoff_month AT TIME ZONE 'UTC');
  GET DIAGNOSTICS purged = ROW_COUNT;
  PERFORM set_config('loopctl.audit_retention', 'off', true);
  IF purged > 0 THEN
    outcome := 'purged ' || purged || ' rows';
    partition_name := 'audit_log_default';
    RETURN NEXT;
  END IF;
END
$fn$;

REVOKE EXECUTE ON FUNCTION loopctl_audit_ensure_partitions(timestamptz, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loopctl_audit_maintain(integer, timestamptz) FROM PUBLIC;

SELECT loopctl_protect_tenant_table('audit_log');
SELECT loopctl_protect_tenant_table('audit_log_default');
SELECT loopctl_audit_ensure_partitions();

-- Reading and appending is all the app may do.
GRANT SELECT, INSERT ON audit_log TO loopctl_app;
