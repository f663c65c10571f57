-- Rotation lineage of API keys (issue 11, "endless rotation"). A rotated key records when it was
-- rotated and its successor names it. A key is rotated at most once, and rotating a successor
-- ends its predecessor's grace period, so at most one predecessor of a key is ever in grace.
-- The unique index holds the "at most once" even if a writer forgot to lock the key row first.
ALTER TABLE api_keys
  ADD COLUMN rotated_from uuid,
  ADD COLUMN rotated_at timestamptz;
CREATE UNIQUE INDEX api_keys_rotated_from_key ON api_keys (tenant_id, rotated_from)
  WHERE rotated_from IS NOT NULL;
