-- Account deletion (jobs/deletion): one row per request, inserted by `blazectl sellers delete` or
-- by the web app (seller_id only; the daemon picks it up within a minute). The row is also the
-- deletion record that stays once the seller's data is gone: times and row counts per table, no
-- PII (seller_id is blazed's internal number, never an Amazon id or a name).
CREATE TABLE deletion_requests (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seller_id     bigint      NOT NULL,  -- no foreign key: the seller row goes, the record stays
  requested_at  timestamptz NOT NULL DEFAULT now(),
  requested_by  text        NOT NULL DEFAULT 'web-app',  -- "uid:<n>" for blazectl
  deadline      timestamptz,           -- 7 business days after requested_at, set when picked up
  started_at    timestamptz,           -- picked up: the seller is marked deleting, the job queued
  completed_at  timestamptz,
  rows_deleted  jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(rows_deleted) = 'object'),
  redis_keys_deleted bigint NOT NULL DEFAULT 0
);
-- One open request per seller: a second one is refused (deleting twice).
CREATE UNIQUE INDEX deletion_requests_open ON deletion_requests (seller_id) WHERE completed_at IS NULL;
CREATE INDEX deletion_requests_not_started ON deletion_requests (requested_at) WHERE started_at IS NULL;
