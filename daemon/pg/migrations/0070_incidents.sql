-- Security incidents (jobs/incidents, docs/incidents.md): one row per incident, with the time of
-- each step of the plan (detect, contain, notify Amazon, notify users, review). The deadlines are
-- computed from confirmed_at (Amazon 24 h, users 72 h), never stored twice.
CREATE TABLE incidents (
  id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  severity           text        NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  scope_seller_id    bigint,     -- NULL: every seller; no foreign key: the record outlives the seller
  summary            text        NOT NULL CHECK (summary <> ''),
  opened_by          text        NOT NULL,  -- "uid:<n>"
  detected_at        timestamptz NOT NULL,
  confirmed_at       timestamptz,
  contained_at       timestamptz,           -- tokens in scope deleted, their syncs paused
  tokens_deleted     bigint      NOT NULL DEFAULT 0,
  sellers_paused     bigint      NOT NULL DEFAULT 0,
  rotation_job_id    bigint,                -- the emergency key rotation (scope all)
  amazon_notified_at timestamptz,
  users_notified_at  timestamptz,           -- the web app's notice queued (jobs/webhooks)
  closed_at          timestamptz,
  review             text,
  CHECK (closed_at IS NULL OR (review IS NOT NULL AND review <> ''))
);
CREATE INDEX incidents_open ON incidents (id) WHERE closed_at IS NULL;
