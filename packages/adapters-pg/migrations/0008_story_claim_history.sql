-- Every agent that ever claimed a story (D22). The identity gates (report, review-complete,
-- verify, reject, mark-complete, backfill) refuse all of them, so the history must survive
-- unclaim, force-unclaim and a reject's auto-reset, which all clear assigned_agent_id. A JSON
-- array of agent ids in claim order, like the story's other list (acceptance_criteria).
ALTER TABLE stories
  ADD COLUMN claimed_by_agent_ids jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(claimed_by_agent_ids) = 'array');

-- Stories claimed before this migration: their claims are in the audit trail (a claim is a
-- status_changed entry whose new_state says assigned and names the agent), and the current
-- assignee claimed too. Entries already past audit retention are gone; the assignee is not.
UPDATE stories s
SET claimed_by_agent_ids = history.ids
FROM (
  SELECT tenant_id, story_id, jsonb_agg(agent_id ORDER BY first_claimed, agent_id) AS ids
  FROM (
    SELECT tenant_id, story_id, agent_id, min(claimed_at) AS first_claimed
    FROM (
      SELECT a.tenant_id, a.entity_id AS story_id, lower(a.new_state->>'agent_id') AS agent_id,
             a.inserted_at AS claimed_at
      FROM audit_log a
      WHERE a.entity_type = 'story' AND a.action = 'status_changed'
        AND a.new_state->>'agent_status' = 'assigned'
        -- Only well-formed agent ids: the history is read back as uuids.
        AND a.new_state->>'agent_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      UNION ALL
      SELECT st.tenant_id, st.id, st.assigned_agent_id::text, coalesce(st.assigned_at, st.updated_at)
      FROM stories st
      WHERE st.assigned_agent_id IS NOT NULL
    ) claims
    GROUP BY tenant_id, story_id, agent_id
  ) first_claims
  GROUP BY tenant_id, story_id
) history
WHERE s.tenant_id = history.tenant_id AND s.id = history.story_id;
