-- Token costs and budgets, cost anomalies, versioned skills, the knowledge wiki and UI test runs.

-- Reports are never edited: a mistake is undone by a soft delete (deleted_at) or by a correction
-- row naming the report it corrects, whose deltas may be negative. Totals are sums over rows with
-- deleted_at IS NULL, so the aggregate indexes carry the summed columns and deleted_at.
CREATE TABLE token_usage_reports (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  story_id uuid NOT NULL,
  project_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  total_tokens bigint NOT NULL,
  model_name text NOT NULL CHECK (length(model_name) >= 1),
  cost_millicents bigint NOT NULL,
  phase text NOT NULL CHECK (phase IN ('planning', 'implementing', 'reviewing', 'other')),
  session_id text,
  skill_version_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  deleted_at timestamptz,
  corrects_report_id uuid,
  tool_call_count integer CHECK (tool_call_count >= 0),
  cot_length_tokens integer CHECK (cot_length_tokens >= 0),
  tests_run_count integer CHECK (tests_run_count >= 0),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT token_usage_reports_total CHECK (total_tokens = input_tokens + output_tokens),
  CONSTRAINT token_usage_reports_non_negative CHECK (
    corrects_report_id IS NOT NULL OR (input_tokens >= 0 AND output_tokens >= 0 AND cost_millicents >= 0)),
  CONSTRAINT token_usage_reports_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT token_usage_reports_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT token_usage_reports_corrects_fkey FOREIGN KEY (tenant_id, corrects_report_id)
    REFERENCES token_usage_reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX token_usage_story_idx ON token_usage_reports (tenant_id, story_id)
  INCLUDE (input_tokens, output_tokens, total_tokens, cost_millicents, deleted_at);
CREATE INDEX token_usage_project_idx ON token_usage_reports (tenant_id, project_id, inserted_at)
  INCLUDE (input_tokens, output_tokens, total_tokens, cost_millicents, deleted_at);
CREATE INDEX token_usage_agent_idx ON token_usage_reports (tenant_id, agent_id, inserted_at);
CREATE INDEX token_usage_time_idx ON token_usage_reports (tenant_id, inserted_at);
CREATE INDEX token_usage_corrects_idx ON token_usage_reports (tenant_id, corrects_report_id)
  WHERE corrects_report_id IS NOT NULL;
CREATE INDEX token_usage_skill_version_idx ON token_usage_reports (tenant_id, skill_version_id)
  WHERE skill_version_id IS NOT NULL;

-- At most one budget per scope. scope_id names a story, epic or project (by scope_type), so it
-- has no foreign key.
CREATE TABLE token_budgets (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  scope_type text NOT NULL CHECK (scope_type IN ('story', 'epic', 'project')),
  scope_id uuid NOT NULL,
  budget_millicents bigint NOT NULL CHECK (budget_millicents > 0),
  budget_input_tokens bigint CHECK (budget_input_tokens >= 0),
  budget_output_tokens bigint CHECK (budget_output_tokens >= 0),
  alert_threshold_pct integer NOT NULL DEFAULT 80 CHECK (alert_threshold_pct BETWEEN 1 AND 100),
  enforcement text NOT NULL DEFAULT 'warn' CHECK (enforcement IN ('warn', 'block')),
  warning_fired boolean NOT NULL DEFAULT false,
  exceeded_fired boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT token_budgets_scope_key UNIQUE (tenant_id, scope_type, scope_id)
);

CREATE TABLE cost_anomalies (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  story_id uuid NOT NULL,
  story_title text NOT NULL,
  agent_name text,
  anomaly_type text NOT NULL CHECK (anomaly_type IN ('high_cost', 'suspiciously_low', 'budget_exceeded')),
  story_cost_millicents bigint NOT NULL CHECK (story_cost_millicents >= 0),
  reference_avg_millicents bigint NOT NULL CHECK (reference_avg_millicents >= 0),
  -- numeric(12,2) prints with exactly two places, the shape of the domain's DeviationFactor.
  deviation_factor numeric(12, 2) NOT NULL CHECK (deviation_factor >= 0),
  resolved boolean NOT NULL DEFAULT false,
  archived boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT cost_anomalies_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE
);
-- At most one unresolved anomaly per (story, type): re-detection refreshes it with an upsert.
CREATE UNIQUE INDEX cost_anomalies_open_key ON cost_anomalies (tenant_id, story_id, anomaly_type)
  WHERE NOT resolved;
CREATE INDEX cost_anomalies_list_idx ON cost_anomalies (tenant_id, archived, resolved, inserted_at);

-- A skill's name is unique per (tenant, project), a tenant-wide skill (project_id NULL) included.
CREATE TABLE skills (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid,
  name text NOT NULL CHECK (length(btrim(name)) >= 1 AND length(name) <= 255),
  description text,
  current_version integer NOT NULL CHECK (current_version > 0),
  status text NOT NULL CHECK (status IN ('active', 'archived')),
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT skills_name_key UNIQUE NULLS NOT DISTINCT (tenant_id, project_id, name),
  CONSTRAINT skills_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX skills_list_idx ON skills (tenant_id, status, name);

-- Immutable prompt texts: the app may add versions, never change or remove one.
CREATE TABLE skill_versions (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  skill_id uuid NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  prompt_text text NOT NULL CHECK (length(btrim(prompt_text)) >= 1),
  changelog text,
  created_by text,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT skill_versions_version_key UNIQUE (tenant_id, skill_id, version),
  CONSTRAINT skill_versions_skill_fkey FOREIGN KEY (tenant_id, skill_id)
    REFERENCES skills (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE token_usage_reports ADD CONSTRAINT token_usage_reports_skill_version_fkey
  FOREIGN KEY (tenant_id, skill_version_id) REFERENCES skill_versions (tenant_id, id)
  ON DELETE SET NULL (skill_version_id);

CREATE TABLE skill_results (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  skill_version_id uuid NOT NULL,
  verification_result_id uuid NOT NULL,
  story_id uuid NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metrics) = 'object'),
  inserted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT skill_results_version_fkey FOREIGN KEY (tenant_id, skill_version_id)
    REFERENCES skill_versions (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT skill_results_verification_fkey FOREIGN KEY (tenant_id, verification_result_id)
    REFERENCES verification_results (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT skill_results_story_fkey FOREIGN KEY (tenant_id, story_id)
    REFERENCES stories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX skill_results_version_idx ON skill_results (tenant_id, skill_version_id, inserted_at);
CREATE INDEX skill_results_verification_idx ON skill_results (tenant_id, verification_result_id);
CREATE INDEX skill_results_story_idx ON skill_results (tenant_id, story_id);

-- search_vector is the keyword-search column the spec asks for: English configuration, title
-- weighted A and body B, tags not indexed. It is derived, not a field of the domain's Article.
CREATE TABLE articles (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid,
  title text NOT NULL CHECK (length(btrim(title)) >= 1 AND length(title) <= 500),
  body text NOT NULL CHECK (length(btrim(body)) >= 1 AND length(body) <= 100000),
  category text NOT NULL CHECK (category IN ('pattern', 'convention', 'decision', 'finding', 'reference')),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'archived', 'superseded')),
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  source_type text CHECK (source_type IN (
    'review_finding', 'manual', 'agent', 'session_log', 'newsletter', 'skill', 'web_article', 'ingestion')),
  source_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, body), 'B')
  ) STORED,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT articles_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
-- Titles are unique per tenant among articles that are neither archived nor superseded.
CREATE UNIQUE INDEX articles_live_title_key ON articles (tenant_id, title)
  WHERE status NOT IN ('archived', 'superseded');
CREATE INDEX articles_index_idx ON articles (tenant_id, status, category, updated_at);
CREATE INDEX articles_project_idx ON articles (tenant_id, project_id) WHERE project_id IS NOT NULL;
CREATE INDEX articles_search_idx ON articles USING gin (search_vector);
CREATE INDEX articles_tags_idx ON articles USING gin (tags);

-- Links are immutable (deleted and recreated, never updated) and unique per (source, target, type).
CREATE TABLE article_links (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  source_article_id uuid NOT NULL,
  target_article_id uuid NOT NULL,
  relationship_type text NOT NULL CHECK (relationship_type IN (
    'relates_to', 'derived_from', 'contradicts', 'supersedes', 'potential_conflict')),
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  inserted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT article_links_key UNIQUE (tenant_id, source_article_id, target_article_id, relationship_type),
  CONSTRAINT article_links_not_self CHECK (source_article_id <> target_article_id),
  CONSTRAINT article_links_source_fkey FOREIGN KEY (tenant_id, source_article_id)
    REFERENCES articles (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT article_links_target_fkey FOREIGN KEY (tenant_id, target_article_id)
    REFERENCES articles (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX article_links_target_idx ON article_links (tenant_id, target_article_id);

-- status stores what loopctl writes ('running' until completed); the domain also reads the
-- original's 'in_progress', which is never written.
CREATE TABLE ui_test_runs (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  started_by_agent_id uuid,
  status text NOT NULL CHECK (status IN ('running', 'passed', 'failed', 'cancelled')),
  guide_reference text CHECK (length(guide_reference) BETWEEN 1 AND 1000),
  notes text,
  findings jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(findings) = 'array'),
  summary text,
  screenshots_count integer NOT NULL DEFAULT 0 CHECK (screenshots_count >= 0),
  findings_count integer NOT NULL DEFAULT 0 CHECK (findings_count >= 0),
  critical_count integer NOT NULL DEFAULT 0 CHECK (critical_count >= 0),
  high_count integer NOT NULL DEFAULT 0 CHECK (high_count >= 0),
  started_at timestamptz NOT NULL,
  completed_at timestamptz,
  inserted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT ui_test_runs_project_fkey FOREIGN KEY (tenant_id, project_id)
    REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ui_test_runs_project_idx ON ui_test_runs (tenant_id, project_id, started_at);

SELECT loopctl_protect_tenant_table('token_usage_reports');
SELECT loopctl_protect_tenant_table('token_budgets');
SELECT loopctl_protect_tenant_table('cost_anomalies');
SELECT loopctl_protect_tenant_table('skills');
SELECT loopctl_protect_tenant_table('skill_versions');
SELECT loopctl_protect_tenant_table('skill_results');
SELECT loopctl_protect_tenant_table('articles');
SELECT loopctl_protect_tenant_table('article_links');
SELECT loopctl_protect_tenant_table('ui_test_runs');

GRANT SELECT, INSERT, UPDATE, DELETE ON
  token_usage_reports, token_budgets, cost_anomalies, skills, skill_results, articles, article_links,
  ui_test_runs
TO loopctl_app;
GRANT SELECT, INSERT ON skill_versions TO loopctl_app;
