-- Tenants, their credentials and agents, and the work breakdown (projects → epics → stories) with
-- its dependency edges and verification records.
--
-- Conventions for every tenant-scoped table:
-- * tenant_id comes first in the primary key and in every unique key, and foreign keys between
--   tenant tables carry it, so a row can only point at rows of its own tenant and a tenant-sharded
--   Postgres (Citus) can distribute the tables unchanged;
-- * columns are named exactly as the core's Schema classes name their fields;
-- * timestamps are timestamptz (microseconds), JSON is jsonb;
-- * deleting a parent cascades to what hangs off it, as the memory adapter does;
-- * agent ids recorded in the work history (assignee, reporter, reviewer, verifier) carry no
--   foreign key: the history must outlive any agent, and the keys that name agents already point
--   at registered ones (api_keys_agent_fkey).

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) >= 1),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*[a-z0-9]$' AND length(slug) BETWEEN 2 AND 63),
  email text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  status text NOT NULL CHECK (status IN ('active', 'suspended', 'deactivated', 'pending_enrollment')),
  default_story_budget_millicents bigint CHECK (default_story_budget_millicents > 0),
  token_data_retention_days integer CHECK (token_data_retention_days >= 30),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT tenants_slug_key UNIQUE (slug)
);

CREATE TABLE agents (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  agent_type text NOT NULL CHECK (agent_type IN ('orchestrator', 'implementer')),
  status text NOT NULL CHECK (status IN ('active', 'idle', 'deactivated')),
  last_seen_at timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT agents_name_key UNIQUE (tenant_id, name)
);

-- A superadmin key belongs to no tenant (tenant_id NULL); every other key to exactly one. The
-- primary key therefore cannot start with tenant_id. Keys are found by hash at authentication,
-- before the tenant is known: see the api_key_lookup policy below.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) >= 1),
  key_prefix text NOT NULL CHECK (length(key_prefix) BETWEEN 1 AND 8),
  key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  role text NOT NULL CHECK (role IN ('superadmin', 'user', 'orchestrator', 'agent')),
  agent_id uuid,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
  CONSTRAINT api_keys_tenant_matches_role CHECK ((role = 'superadmin') = (tenant_id IS NULL)),
  CONSTRAINT api_keys_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, inserted_at);
CREATE INDEX api_keys_agent_idx ON api_keys (tenant_id, agent_id) WHERE agent_id IS NOT NULL;
-- One active key per agent and role (orchestrator, agent). A key set to expire no longer counts,
-- so rotating an agent-linked key (old key expires after a grace period) succeeds.
CREATE UNIQUE INDEX api_keys_agent_role_key ON api_keys (tenant_id, agent_id, role)
  WHERE agent_id IS NOT NULL AND revoked_at IS NULL AND expires_at IS NULL AND role IN ('orchestrator', 'agent');

-- A key's role is fixed for its life: what it may do must not change under an issued credential.
CREATE OR REPLACE FUNCTION loopctl_api_key_role_immutable()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  IF NEW.role IS DISTINCT FROM OLD.role THEN
    RAISE EXCEPTION 'api_key_role_immutable: the role of an API key cannot change'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER api_keys_role_immutable BEFORE UPDATE OF role ON api_keys
  FOR EACH ROW EXECUTE FUNCTION loopctl_api_key_role_immutable();

CREATE TABLE projects (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*[a-z0-9]$' AND length(slug) BETWEEN 2 AND 63),
  repo_url text,
  description text,
  tech_stack text,
  status text NOT NULL CHECK (status IN ('active', 'archived')),
  mission text CHECK (length(mission) <= 2000),
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT projects_slug_key UNIQUE (tenant_id, slug)
);
CREATE INDEX projects_list_idx ON projects (tenant_id, status, name, id);

CREATE TABLE epics (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  number integer NOT NULL CHECK (number > 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  description text CHECK (length(description) <= 50000),
  phase text,
  position integer NOT NULL CHECK (position >= 0),
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT epics_number_key UNIQUE (tenant_id, project_id, number),
  -- Lets stories prove that their epic belongs to their project.
  CONSTRAINT epics_project_id_key UNIQUE (tenant_id, project_id, id),
  CONSTRAINT epics_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX epics_list_idx ON epics (tenant_id, project_id, position, number);

CREATE TABLE stories (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  epic_id uuid NOT NULL,
  number text NOT NULL CHECK (number ~ '^[0-9]{1,4}(\.[0-9]{1,4})?$'),
  sort_key integer NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  description text CHECK (length(description) <= 50000),
  acceptance_criteria jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(acceptance_criteria) = 'array'),
  estimated_hours double precision,
  agent_status text NOT NULL
    CHECK (agent_status IN ('pending', 'contracted', 'assigned', 'implementing', 'reported_done')),
  verified_status text NOT NULL CHECK (verified_status IN ('unverified', 'verified', 'rejected')),
  assigned_agent_id uuid,
  reported_by_agent_id uuid,
  assigned_at timestamptz,
  reported_done_at timestamptz,
  verified_at timestamptz,
  rejected_at timestamptz,
  rejection_reason text,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT stories_number_key UNIQUE (tenant_id, project_id, number),
  -- Deleting an epic (or its project) deletes its stories; the epic must be in the same project.
  CONSTRAINT stories_epic_fkey FOREIGN KEY (tenant_id, project_id, epic_id)
    REFERENCES epics (tenant_id, project_id, id) ON DELETE CASCADE
);
-- Story lists and the ready/blocked queue: by project or epic in sort_key order, filtered by status.
CREATE INDEX stories_project_idx ON stories (tenant_id, project_id, sort_key);
CREATE INDEX stories_epic_idx ON stories (tenant_id, epic_id, sort_key);
CREATE INDEX stories_agent_status_idx ON stories (tenant_id, project_id, agent_status, sort_key);
CREATE INDEX stories_verified_status_idx ON stories (tenant_id, project_id, verified_status, sort_key);
CREATE INDEX stories_assignee_idx ON stories (tenant_id, assigned_agent_id) WHERE assigned_agent_id IS NOT NULL;
CREATE INDEX stories_changed_idx ON stories (tenant_id, updated_at);

CREATE TABLE story_dependencies (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  story_id uuid NOT NULL,
  depends_on_story_id uuid NOT NULL,
  inserted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT story_dependencies_pair_key UNIQUE (tenant_id, story_id, depends_on_story_id),
  CONSTRAINT story_dependencies_not_self CHECK (story_id <> depends_on_story_id),
  CONSTRAINT story_dependencies_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT story_dependencies_depends_on_fkey FOREIGN KEY (tenant_id, depends_on_story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX story_dependencies_depends_on_idx ON story_dependencies (tenant_id, depends_on_story_id);

CREATE TABLE epic_dependencies (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  epic_id uuid NOT NULL,
  depends_on_epic_id uuid NOT NULL,
  inserted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT epic_dependencies_pair_key UNIQUE (tenant_id, epic_id, depends_on_epic_id),
  CONSTRAINT epic_dependencies_not_self CHECK (epic_id <> depends_on_epic_id),
  CONSTRAINT epic_dependencies_epic_fkey FOREIGN KEY (tenant_id, epic_id)
    REFERENCES epics (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT epic_dependencies_depends_on_fkey FOREIGN KEY (tenant_id, depends_on_epic_id)
    REFERENCES epics (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX epic_dependencies_depends_on_idx ON epic_dependencies (tenant_id, depends_on_epic_id);

CREATE TABLE review_records (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  story_id uuid NOT NULL,
  reviewer_agent_id uuid,
  review_type text NOT NULL,
  findings_count integer NOT NULL,
  fixes_count integer NOT NULL,
  disproved_count integer NOT NULL,
  summary text,
  completed_at timestamptz NOT NULL,
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT review_records_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX review_records_story_idx ON review_records (tenant_id, story_id, completed_at);

-- iteration counts a story's outcomes from 1; the unique key makes two concurrent verifications
-- of one story unable to take the same number.
CREATE TABLE verification_results (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  story_id uuid NOT NULL,
  orchestrator_agent_id uuid,
  result text NOT NULL CHECK (result IN ('pass', 'fail', 'partial')),
  summary text,
  findings jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(findings) = 'object'),
  review_type text,
  iteration integer NOT NULL CHECK (iteration > 0),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT verification_results_iteration_key UNIQUE (tenant_id, story_id, iteration),
  CONSTRAINT verification_results_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE artifact_reports (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  story_id uuid NOT NULL,
  reported_by text NOT NULL CHECK (reported_by IN ('agent', 'orchestrator')),
  reporter_agent_id uuid,
  artifact_type text NOT NULL CHECK (length(artifact_type) >= 1),
  path text NOT NULL CHECK (length(path) >= 1),
  "exists" boolean NOT NULL,
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT artifact_reports_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX artifact_reports_story_idx ON artifact_reports (tenant_id, story_id, inserted_at, id);

-- One checkpoint per (project, state_key); version lets a save say which version it replaces.
CREATE TABLE orchestrator_states (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  state_key text NOT NULL CHECK (length(state_key) BETWEEN 1 AND 255),
  state_data jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(state_data) = 'object'),
  version integer NOT NULL CHECK (version > 0),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT orchestrator_states_key UNIQUE (tenant_id, project_id, state_key),
  CONSTRAINT orchestrator_states_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);

-- Row-level security. Tenants see only their own tenant row (by id); everything else by tenant_id.
SELECT loopctl_protect_tenant_table('tenants', 'id');
SELECT loopctl_protect_tenant_table('agents');
SELECT loopctl_protect_tenant_table('api_keys');
SELECT loopctl_protect_tenant_table('projects');
SELECT loopctl_protect_tenant_table('epics');
SELECT loopctl_protect_tenant_table('stories');
SELECT loopctl_protect_tenant_table('story_dependencies');
SELECT loopctl_protect_tenant_table('epic_dependencies');
SELECT loopctl_protect_tenant_table('review_records');
SELECT loopctl_protect_tenant_table('verification_results');
SELECT loopctl_protect_tenant_table('artifact_reports');
SELECT loopctl_protect_tenant_table('orchestrator_states');

-- Authentication looks a key up by the hash of the presented bearer token before it knows the
-- tenant. Instead of making api_keys global, the lookup runs as loopctl_app with app.api_key_hash
-- set to that hash, and may then read exactly the one row carrying it: knowing the raw key is the
-- capability. Read-only; everything else about keys happens in the tenant's (or the owner's) scope.
CREATE POLICY api_key_lookup ON api_keys FOR SELECT
  USING (key_hash = nullif(current_setting('app.api_key_hash', true), ''));
-- The same lookup records the key's use (last_used_at) in the statement that finds it, reads the
-- status of the key's tenant, and records that the key's agent was seen (last_seen_at): one round
-- trip for authentication. Each policy reaches only the rows of the one presented key.
CREATE POLICY api_key_lookup_use ON api_keys FOR UPDATE
  USING (key_hash = nullif(current_setting('app.api_key_hash', true), ''))
  WITH CHECK (key_hash = nullif(current_setting('app.api_key_hash', true), ''));
CREATE POLICY api_key_lookup ON tenants FOR SELECT
  USING (id = (SELECT k.tenant_id FROM api_keys k
               WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), '')));
CREATE POLICY api_key_lookup ON agents FOR SELECT
  USING (tenant_id = (SELECT k.tenant_id FROM api_keys k
                      WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), ''))
         AND id = (SELECT k.agent_id FROM api_keys k
                   WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), '')));
CREATE POLICY api_key_lookup_use ON agents FOR UPDATE
  USING (tenant_id = (SELECT k.tenant_id FROM api_keys k
                      WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), ''))
         AND id = (SELECT k.agent_id FROM api_keys k
                   WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), '')))
  WITH CHECK (tenant_id = (SELECT k.tenant_id FROM api_keys k
                           WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), ''))
              AND id = (SELECT k.agent_id FROM api_keys k
                        WHERE k.key_hash = nullif(current_setting('app.api_key_hash', true), '')));

-- Tenants are created and removed only on the owner path (signup, superadmin); a tenant may read
-- and update its own row.
GRANT SELECT, UPDATE ON tenants TO loopctl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  agents, api_keys, projects, epics, stories, story_dependencies, epic_dependencies,
  review_records, verification_results, artifact_reports, orchestrator_states
TO loopctl_app;
