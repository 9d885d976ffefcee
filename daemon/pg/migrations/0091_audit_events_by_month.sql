-- audit_events partitioned by calendar month (UTC) of occurred_at, so that the audit trail, kept at
-- least 365 days, is pruned by dropping whole expired months, and indexed for the questions an
-- auditor asks: what happened to a seller's data in a period, and every event of one action in a
-- period. Existing events move into their months.
--
-- Who may do what (docs/audit.md): the daemon's runtime role inserts and reads events and executes
-- the two functions below; it has no UPDATE, DELETE or TRUNCATE on the table and does not own it,
-- so it can neither drop a month nor delete an event. The functions run as their owner (SECURITY
-- DEFINER): audit_events_ensure_partition makes a month ahead; audit_events_prune computes the
-- cutoff itself, never younger than 365 days whatever it is asked. The row triggers of migration
-- 0001 (append-only, no delete younger than 365 days) apply to every partition, whoever asks.

-- A range partition of `parent`, made empty (with a CHECK matching its bounds, so attaching it
-- scans nothing) and attached: ATTACH takes SHARE UPDATE EXCLUSIVE on the parent, which no insert
-- waits on, where CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE. Returns true when it made
-- one. Concurrent callers serialize on an advisory lock; a caller that finds it attached returns at
-- once. A table of that name not attached (a partition detached and not yet dropped) is left alone.
CREATE FUNCTION ensure_range_partition(parent text, part text, bound_column text, lo timestamptz,
                                       hi timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext(parent || '_partitions'));
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS, '
                 'CONSTRAINT %I CHECK (%I >= %L AND %I < %L))',
                 part, parent, part || '_bounds', bound_column, lo, bound_column, hi);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  RETURN true;
END;
$$;

-- raw_payloads' days (migration 0060) are made by the same function now.
CREATE OR REPLACE FUNCTION raw_payloads_ensure_partition(day date) RETURNS boolean LANGUAGE sql AS $$
  SELECT ensure_range_partition('raw_payloads', 'raw_payloads_p' || to_char(day, 'YYYYMMDD'), 'received_at',
                                day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
$$;

ALTER TABLE audit_events RENAME TO audit_events_unpartitioned;
ALTER TABLE audit_events_unpartitioned RENAME CONSTRAINT audit_events_pkey TO audit_events_unpartitioned_pkey;
ALTER SEQUENCE audit_events_id_seq RENAME TO audit_events_unpartitioned_id_seq;
DROP INDEX audit_events_occurred_at;
DROP INDEX audit_events_seller;

-- The same columns and checks (migration 0001); the id from a sequence of its own, as a partitioned
-- table has no identity column.
CREATE TABLE audit_events (
  LIKE audit_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE SEQUENCE audit_events_id_seq AS bigint;
ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq');
ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
-- An event whose month has no partition yet (a clock far off, a test's fixed date) lands here
-- rather than failing the work it describes; audit_events_prune deletes its expired rows.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

-- The export reads by time (keyset on occurred_at, id); an auditor asks by seller and time, and by
-- action and time.
CREATE INDEX audit_events_time ON audit_events (occurred_at, id);
CREATE INDEX audit_events_seller_time ON audit_events (seller_id, occurred_at) WHERE seller_id IS NOT NULL;
CREATE INDEX audit_events_action_time ON audit_events (action, occurred_at);

-- Row triggers are cloned to every partition, present and future; the statement trigger against
-- TRUNCATE is added to each partition as it is made.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_retention BEFORE DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();

-- The partition of the month holding `day`, audit_events_pYYYYMM. Returns true when it made one;
-- false when it exists, or when the default partition already holds events of that month (they
-- stay there; the month is not split).
CREATE FUNCTION audit_events_ensure_partition(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  first date := date_trunc('month', day)::date;
  part text := 'audit_events_p' || to_char(first, 'YYYYMM');
  lo timestamptz := first::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (first + interval '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF day IS NULL THEN
    RAISE EXCEPTION 'audit_events_ensure_partition needs a day';
  END IF;
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events_default WHERE occurred_at >= lo AND occurred_at < hi) THEN
    RETURN false;
  END IF;
  IF NOT ensure_range_partition('audit_events', part, 'occurred_at', lo, hi) THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I '
                 'FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard()', part);
  RETURN true;
END;
$$;

-- Drops every month partition whose whole month is older than the cutoff, deletes the default
-- partition's rows older than it, and returns how many events went. The cutoff is
-- least(at, now()) - greatest(keep, 365 days): a caller can ask for less than 365 days or a time
-- in the future, and still removes nothing younger than 365 days. Gives up (lock_timeout) rather
-- than queue in front of the inserts when another transaction holds audit_events.
CREATE FUNCTION audit_events_prune(keep interval, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  cutoff timestamptz;
  part record;
  month_end timestamptz;
  counted bigint;
  removed bigint := 0;
BEGIN
  IF keep IS NULL OR at IS NULL THEN
    RAISE EXCEPTION 'audit_events_prune needs a retention and a time';
  END IF;
  cutoff := least(at, now()) - greatest(keep, interval '365 days');
  PERFORM set_config('lock_timeout', '5s', true);
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_p[0-9]{6}$'
    ORDER BY c.relname
  LOOP
    month_end := (to_date(substr(part.relname, 15), 'YYYYMM') + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    EXIT WHEN month_end > cutoff;
    EXECUTE format('SELECT count(*) FROM %I', part.relname) INTO counted;
    EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', part.relname);
    EXECUTE format('DROP TABLE %I', part.relname);
    removed := removed + counted;
  END LOOP;
  DELETE FROM audit_events_default WHERE occurred_at < cutoff;
  GET DIAGNOSTICS counted = ROW_COUNT;
  RETURN removed + counted;
END;
$$;

-- Only the owner and the roles it grants may run them (docs/audit.md names the grants).
REVOKE ALL ON FUNCTION audit_events_ensure_partition(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_events_prune(interval, timestamptz) FROM PUBLIC;

-- A partition for every month that has events, and for this month and the three ahead.
SELECT audit_events_ensure_partition(m::date)
FROM (SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AS m FROM audit_events_unpartitioned
      UNION SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
                                   date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months',
                                   interval '1 month')) months;
INSERT INTO audit_events (id, occurred_at, actor, action, seller_id, data_type, rows, outcome, detail, request_ids)
SELECT id, occurred_at, actor, action, seller_id, data_type, rows, outcome, detail, request_ids
FROM audit_events_unpartitioned;
SELECT setval('audit_events_id_seq', coalesce((SELECT max(id) FROM audit_events), 0) + 1, false);
DROP TABLE audit_events_unpartitioned;
