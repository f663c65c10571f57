-- The role every tenant query runs as, and the helpers later migrations use to protect tables.
--
-- loopctl_app is cluster-wide (roles are not per database). It must never be a superuser nor have
-- BYPASSRLS: row-level security is what keeps one tenant's rows away from another's. Several
-- databases on one server (tests, staging) may run this migration at the same moment, so the
-- creation tolerates losing that race.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loopctl_app') THEN
    BEGIN
      CREATE ROLE loopctl_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END
$$;

-- The connection user switches to loopctl_app for every tenant query, so it must be a member.
-- A superuser may switch to any role. Anyone else needs the grant, which only succeeds when this
-- user administers the role (CREATEROLE); otherwise the start-up check explains what to grant.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'loopctl_app', 'MEMBER') THEN
    BEGIN
      EXECUTE 'GRANT loopctl_app TO ' || quote_ident(current_user);
    EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
      RAISE NOTICE 'could not grant loopctl_app to %: %', current_user, SQLERRM;
    END;
  END IF;
END
$$;

-- Puts a tenant-scoped table under row-level security:
-- * ENABLE + FORCE, so even the table owner is filtered (FORCE is what makes the owner subject);
-- * tenant_isolation: a row is visible and writable only while app.tenant_id names its tenant.
--   current_setting(..., true) is NULL or '' when no tenant is set; nullif turns both into NULL
--   and `tenant_id = NULL` is never true, so an unscoped query sees nothing (fails closed);
-- * owner_maintenance: the role running the migrations (the tables' owner) keeps full access,
--   because FORCE would otherwise hide every row from a non-superuser owner and break the explicit
--   maintenance path (migrations, tenant creation, partition upkeep, cross-tenant jobs). The app
--   role is not a member of the owner, so this policy never applies to its queries.
CREATE OR REPLACE FUNCTION loopctl_protect_tenant_table(target regclass, tenant_column name DEFAULT 'tenant_id')
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', target);
  EXECUTE format(
    $sql$CREATE POLICY tenant_isolation ON %s
           USING (%I = nullif(current_setting('app.tenant_id', true), '')::uuid)
           WITH CHECK (%I = nullif(current_setting('app.tenant_id', true), '')::uuid)$sql$,
    target, tenant_column, tenant_column);
  EXECUTE format('DROP POLICY IF EXISTS owner_maintenance ON %s', target);
  EXECUTE format('CREATE POLICY owner_maintenance ON %s TO CURRENT_USER USING (true) WITH CHECK (true)', target);
END
$fn$;

-- Every event type of the core's catalogue (core/src/domain/events.ts). Columns holding event
-- types check against this list; a new event type means a migration that replaces this function.
CREATE OR REPLACE FUNCTION loopctl_event_types()
RETURNS text[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $fn$
  SELECT ARRAY[
    'story.status_changed',
    'story.verified',
    'story.rejected',
    'story.backfilled',
    'story.auto_reset',
    'story.force_unclaimed',
    'story.review_requested',
    'story.review_completed',
    'epic.completed',
    'artifact.reported',
    'agent.registered',
    'project.imported',
    'webhook.test',
    'token.budget_warning',
    'token.budget_exceeded',
    'token.anomaly_detected',
    'article.created',
    'article.updated',
    'article.archived',
    'article.superseded',
    'article_link.created',
    'article_link.deleted'
  ]::text[]
$fn$;

-- Only the owner (maintenance path) calls the table helper; the app role has no business there.
REVOKE EXECUTE ON FUNCTION loopctl_protect_tenant_table(regclass, name) FROM PUBLIC;
