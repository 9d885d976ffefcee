-- raw_payloads partitioned by day of received_at (UTC), so that the PII purge (jobs/purge) drops
-- a whole expired day at once instead of deleting its rows, and the ledger of purge runs.
--
-- Partitions are made ahead (raw_payloads_ensure_partition, called by the purge duty and, for the
-- day it writes, by the sync) and only ever attached or detached, never created with
-- CREATE TABLE ... PARTITION OF: that takes an ACCESS EXCLUSIVE lock on raw_payloads, which a
-- running sync's insert would wait on. ATTACH and DETACH ... CONCURRENTLY take SHARE UPDATE
-- EXCLUSIVE, which no insert, update or delete waits on. For DETACH ... CONCURRENTLY there is no
-- default partition.
--
-- No foreign key to sellers: attaching a partition would add one per partition, and that locks
-- sellers against updates. A seller's raw payloads are deleted by the account deletion, not by a
-- cascade.

ALTER SEQUENCE raw_payloads_id_seq OWNED BY NONE;
ALTER TABLE raw_payloads RENAME TO raw_payloads_unpartitioned;
DROP INDEX raw_payloads_received_at;
DROP INDEX raw_payloads_key_id;
DROP INDEX raw_payloads_seller;

CREATE TABLE raw_payloads (
  id          bigint      NOT NULL,
  seller_id   bigint      NOT NULL,
  data_type   text        NOT NULL CHECK (data_type IN ('orders', 'transactions')),
  received_at timestamptz NOT NULL DEFAULT now(),
  request_id  text,
  key_id      text,
  ciphertext  bytea       NOT NULL,
  PRIMARY KEY (id, received_at)
) PARTITION BY RANGE (received_at);
CREATE INDEX raw_payloads_received_at ON raw_payloads (received_at);
CREATE INDEX raw_payloads_key_id ON raw_payloads (key_id);
CREATE INDEX raw_payloads_seller ON raw_payloads (seller_id);
ALTER SEQUENCE raw_payloads_id_seq OWNED BY raw_payloads.id;

-- The partition of one UTC day, raw_payloads_pYYYYMMDD: created empty (with a CHECK matching its
-- bounds, so attaching it scans nothing) and attached. Returns true when it made one. Concurrent
-- callers serialize on an advisory lock; a caller that finds the day attached returns at once.
CREATE FUNCTION raw_payloads_ensure_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  part text := 'raw_payloads_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('raw_payloads_partitions'));
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  -- A table of that name not attached: a day detached by a purge that was killed before it
  -- dropped it. Its rows are expired; the purge drops it.
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE raw_payloads INCLUDING DEFAULTS INCLUDING CONSTRAINTS, '
                 'CONSTRAINT %I CHECK (received_at >= %L AND received_at < %L))',
                 part, part || '_bounds', lo, hi);
  EXECUTE format('ALTER TABLE raw_payloads ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  RETURN true;
END;
$$;

-- A partition for every day that has rows, and for today and the week ahead.
SELECT raw_payloads_ensure_partition(d::date)
FROM (SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date AS d FROM raw_payloads_unpartitioned
      UNION SELECT generate_series((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 7, '1 day')::date) days;
INSERT INTO raw_payloads SELECT id, seller_id, data_type, received_at, request_id, key_id, ciphertext
FROM raw_payloads_unpartitioned;
DROP TABLE raw_payloads_unpartitioned;

-- One row per purge run: its counts commit with each dropped day and each deleted batch, so a run
-- killed at any point resumes (the next run continues the open row) and its audit event counts
-- every row once.
CREATE TABLE purge_runs (
  id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  instance_id        text        NOT NULL,
  started_at         timestamptz NOT NULL,
  cutoff             timestamptz NOT NULL,   -- rows received before it are expired
  dropped_partitions bigint      NOT NULL DEFAULT 0,
  dropped_rows       bigint      NOT NULL DEFAULT 0,
  deleted_rows       bigint      NOT NULL DEFAULT 0,
  resumed            int         NOT NULL DEFAULT 0,  -- how many times a later run took it over
  updated_at         timestamptz NOT NULL,
  finished_at        timestamptz
);
-- At most one unfinished run: the next one takes it over.
CREATE UNIQUE INDEX purge_runs_open ON purge_runs ((true)) WHERE finished_at IS NULL;
