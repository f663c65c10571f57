-- The ready and blocked queues ask, for every story they look at, whether an epic its epic
-- depends on still holds an unverified story (core rules/readiness.ts). Through the epic index
-- that walks the epic's verified stories first; a finished prerequisite epic holds only verified
-- ones. This partial index holds just the unverified stories, so the answer is one probe.
CREATE INDEX stories_unverified_epic_idx ON stories (tenant_id, epic_id)
  WHERE verified_status <> 'verified';
