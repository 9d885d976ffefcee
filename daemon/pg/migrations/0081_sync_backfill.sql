-- The history backfill of each seller and data type (jobs/sync/backfill_*, docs/sync.md): where
-- it began (newest: the incremental sync covers what came after), where it walks back to (oldest
-- = started_at - sync.backfill.<type>, recomputed from the config), and its cursor: everything
-- between cursor and newest is stored. run_after/run_before/resume_token: the window in progress
-- and its next page, committed with each page, so a killed backfill resumes at its next page.
CREATE TABLE sync_backfill (
  seller_id    bigint      NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
  data_type    text        NOT NULL CHECK (data_type IN ('orders', 'transactions')),
  started_at   timestamptz NOT NULL,
  newest       timestamptz NOT NULL,
  cursor       timestamptz NOT NULL,
  run_after    timestamptz,
  run_before   timestamptz,
  resume_token text,
  run_pages    bigint      NOT NULL DEFAULT 0,
  run_rows     bigint      NOT NULL DEFAULT 0,
  pages        bigint      NOT NULL DEFAULT 0,  -- every page stored so far
  rows         bigint      NOT NULL DEFAULT 0,
  windows      bigint      NOT NULL DEFAULT 0,  -- windows completed
  updated_at   timestamptz NOT NULL,
  finished_at  timestamptz,                     -- reached oldest (cleared when the depth grows)
  last_error   text,                            -- an error code and message, never PII
  PRIMARY KEY (seller_id, data_type)
);
