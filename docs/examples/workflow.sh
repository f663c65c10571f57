#!/usr/bin/env bash
# The README's typical agent workflow against a running loopctl server, with curl and jq:
# a tenant, a project with two imported stories (the second depends on the first), three agents,
# and each story walked from the ready queue to verified by three different agents.
#
#   LOOPCTL_SUPERADMIN_KEY=lc_choose_a_long_secret pnpm start      # in another terminal
#   LOOPCTL_SUPERADMIN_KEY=lc_choose_a_long_secret bash docs/examples/workflow.sh
set -euo pipefail
BASE=${LOOPCTL_URL:-http://localhost:4000}/api/v1
ROOT=${LOOPCTL_SUPERADMIN_KEY:?set LOOPCTL_SUPERADMIN_KEY to the key the server was started with}
RUN=$(date +%s)

# call KEY METHOD PATH [JSON]: prints the answer's body; fails on a non-2xx status.
call() {
  local key=$1 method=$2 path=$3 body=${4:-}
  curl -sS --fail-with-body -X "$method" "$BASE$path" -H "Authorization: Bearer $key" \
    ${body:+-H 'Content-Type: application/json' -d "$body"}
}

# 1. A tenant and its first (user) key: the superadmin's non-browser path.
USER_KEY=$(call "$ROOT" POST /admin/tenants \
  "{\"name\":\"Example $RUN\",\"slug\":\"example-$RUN\",\"email\":\"ops-$RUN@example.test\"}" | jq -r .api_key.raw_key)

# 2–3. A project, and its breakdown imported in one call.
PROJECT=$(call "$USER_KEY" POST /projects '{"name":"Example","slug":"example"}' | jq -r .project.id)
call "$USER_KEY" POST "/projects/$PROJECT/import" '{
  "epics": [{"number": 1, "title": "Sign-in", "stories": [
    {"number": "1.1", "title": "Sign-in form", "acceptance_criteria": [{"id": "AC-1", "description": "a form posts credentials"}]},
    {"number": "1.2", "title": "Session cookie", "acceptance_criteria": [{"id": "AC-1", "description": "a cookie is set"}, {"id": "AC-2", "description": "it expires"}]}]}],
  "story_dependencies": [{"story": "1.2", "depends_on": "1.1"}]}' > /dev/null

# 4. Three agents: an implementer, a reviewer, and an orchestrator whose key is linked to its agent.
agent() { # agent NAME TYPE → prints the agent key
  local key
  key=$(call "$USER_KEY" POST /api_keys "{\"name\":\"$1\",\"role\":\"agent\"}" | jq -r .api_key.raw_key)
  call "$key" POST /agents/register "{\"name\":\"$1\",\"agent_type\":\"$2\"}" > /dev/null
  echo "$key"
}
IMPLEMENTER=$(agent implementer implementer)
REVIEWER=$(agent reviewer implementer)
# The orchestrator agent registers with an agent key of its own; its orchestrator key links to it.
BOOTSTRAP=$(call "$USER_KEY" POST /api_keys '{"name":"orchestrator-agent","role":"agent"}' | jq -r .api_key.raw_key)
ORCHESTRATOR_AGENT=$(call "$BOOTSTRAP" POST /agents/register \
  '{"name":"orchestrator","agent_type":"orchestrator"}' | jq -r .agent.id)
ORCHESTRATOR=$(call "$USER_KEY" POST /api_keys \
  "{\"name\":\"orchestrator\",\"role\":\"orchestrator\",\"agent_id\":\"$ORCHESTRATOR_AGENT\"}" | jq -r .api_key.raw_key)

for _ in 1 2; do
  # 5. The implementer takes the first ready story and reads it.
  STORY=$(call "$IMPLEMENTER" GET "/stories/ready?project_id=$PROJECT" | jq -r '.data[0].id')
  DETAIL=$(call "$IMPLEMENTER" GET "/stories/$STORY")
  TITLE=$(jq -r .story.title <<<"$DETAIL")
  ACS=$(jq '.story.acceptance_criteria | length' <<<"$DETAIL")
  # 6–9. Contract (echoing the title and AC count), claim, start, request review.
  call "$IMPLEMENTER" POST "/stories/$STORY/contract" "{\"story_title\":\"$TITLE\",\"ac_count\":$ACS}" > /dev/null
  call "$IMPLEMENTER" POST "/stories/$STORY/claim" > /dev/null
  call "$IMPLEMENTER" POST "/stories/$STORY/start-work" > /dev/null
  call "$IMPLEMENTER" POST "/stories/$STORY/request-review" > /dev/null
  # The implementer may not mark its own work done: 409 self_report_blocked.
  curl -sS -X POST "$BASE/stories/$STORY/report" -H "Authorization: Bearer $IMPLEMENTER" | jq -c .error.code
  # 10–11. A different agent confirms and reviews.
  call "$REVIEWER" POST "/stories/$STORY/report" > /dev/null
  call "$REVIEWER" POST "/stories/$STORY/review-complete" '{"review_type":"code_review","summary":"reads well"}' > /dev/null
  # 12. The orchestrator verifies.
  call "$ORCHESTRATOR" POST "/stories/$STORY/verify" '{"review_type":"code_review","summary":"all ACs met"}' \
    | jq -c '{number: .story.number, agent_status: .story.agent_status, verified_status: .story.verified_status}'
done

# The epic is complete; its audit entry says so.
call "$USER_KEY" GET "/audit?entity_type=epic&action=completed" | jq -c '.data | length'
