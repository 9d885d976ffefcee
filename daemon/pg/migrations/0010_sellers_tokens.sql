-- Sellers and their encrypted LWA refresh tokens (issue 4), and the ledger of key rotation runs.
-- Tokens are AES-256-GCM envelopes (docs/formats.md) bound to (seller_token, seller_tokens,
-- seller id); key_id mirrors the envelope's key id so rotation finds stale rows without parsing
-- bytea. NULL key_id marks a legacy AES-256-CBC value imported from the web app.
CREATE TABLE sellers (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region       text        NOT NULL CHECK (region IN ('na', 'eu', 'fe')),
  marketplaces text[]      NOT NULL DEFAULT '{}',
  status       text        NOT NULL DEFAULT 'active'
                           CHECK (status IN ('active', 'disconnected', 'deleting')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE seller_tokens (
  seller_id  bigint      PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
  ciphertext bytea       NOT NULL,
  key_id     text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seller_tokens_key_id ON seller_tokens (key_id);

-- One row per rotation run and table: the cursor commits with each batch, so a run killed at
-- any point resumes where its last batch ended.
CREATE TABLE key_rotation_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target_key  text        NOT NULL,
  table_name  text        NOT NULL,
  cursor      bigint      NOT NULL DEFAULT 0,
  passes      int         NOT NULL DEFAULT 0,
  rewrapped   bigint      NOT NULL DEFAULT 0,
  skipped     bigint      NOT NULL DEFAULT 0,
  failed      bigint      NOT NULL DEFAULT 0,
  started_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
-- At most one unfinished run per table: a second daemon resumes it instead of starting another.
CREATE UNIQUE INDEX key_rotation_runs_open ON key_rotation_runs (table_name) WHERE finished_at IS NULL;
