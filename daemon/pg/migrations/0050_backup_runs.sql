-- The backup duty's ledger (jobs/backup/backup_store.cpp): one row per backup, prune, restore or
-- drill run, inserted when it starts and finished when it ends, so an operator can see what ran
-- where, how long it took (RTO evidence from drills) and why a run failed. The objects and their
-- manifests on S3 stay the truth about which backups exist; this table is the history.
CREATE TABLE backup_runs (
  id           bigserial   PRIMARY KEY,
  kind         text        NOT NULL CHECK (kind IN ('backup', 'prune', 'restore', 'drill')),
  backup_id    text,                   -- the backup written, restored or drilled
  job_id       bigint,                 -- the queue job, when a job ran it
  instance_id  text        NOT NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,            -- NULL: running, or the process died
  outcome      text        CHECK (outcome IN ('success', 'failure')),
  error_code   text,
  object_bytes bigint,
  dump_bytes   bigint,
  detail       jsonb       NOT NULL DEFAULT '{}'  -- counts, targets, checks: no secrets, no PII
);
CREATE INDEX backup_runs_kind_started_at ON backup_runs (kind, started_at DESC);
