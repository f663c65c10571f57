-- Request counters for rate limiting, shared by every server process on this database.
-- Global (no tenant_id, no RLS): a bucket is a key, tenant or IP name and holds only a count, and
-- it is consulted before a tenant scope exists (signup). The app role may count, nothing else
-- reads it.
CREATE TABLE rate_limit_counters (
  bucket text NOT NULL,
  window_start timestamptz NOT NULL,
  count integer NOT NULL CHECK (count >= 0),
  PRIMARY KEY (bucket, window_start)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_counters TO loopctl_app;

-- Counts one request in each bucket of the window, in order, each bucket atomically. When a
-- bucket goes over its limit the request is refused there: it is not counted in later buckets
-- and is given back in earlier ones. Returns the counts up to that bucket. The first hit of a
-- bucket in a new window also clears its older windows, so the table stays small.
CREATE FUNCTION loopctl_rate_hit(p_buckets text[], p_limits integer[], p_window timestamptz)
RETURNS integer[]
LANGUAGE plpgsql
AS $$
DECLARE
  counts integer[] := '{}';
  hits integer;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_buckets, 1), 0) LOOP
    INSERT INTO rate_limit_counters AS c (bucket, window_start, count)
      VALUES (p_buckets[i], p_window, 1)
      ON CONFLICT (bucket, window_start) DO UPDATE SET count = c.count + 1
      RETURNING c.count INTO hits;
    IF hits = 1 THEN
      DELETE FROM rate_limit_counters WHERE bucket = p_buckets[i] AND window_start < p_window;
    END IF;
    counts := counts || hits;
    IF hits > p_limits[i] THEN
      IF i > 1 THEN
        UPDATE rate_limit_counters SET count = count - 1
          WHERE bucket = ANY (p_buckets[1:i - 1]) AND window_start = p_window;
      END IF;
      RETURN counts;
    END IF;
  END LOOP;
  RETURN counts;
END
$$;
GRANT EXECUTE ON FUNCTION loopctl_rate_hit(text[], integer[], timestamptz) TO loopctl_app;
