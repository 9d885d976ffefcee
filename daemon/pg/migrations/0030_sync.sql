-- The per-seller SP-API sync (issue 5, jobs/sync): the cursor and in-progress run of each seller
-- and data type, and the parsed orders, order items and transactions. No buyer PII is stored
-- here: no names, e-mails or addresses; a postal code only as a coarse shipping zone.

-- 'needs_reauth': LWA answered invalid_grant; the seller is no longer synced until re-authorized.
ALTER TABLE sellers DROP CONSTRAINT sellers_status_check;
ALTER TABLE sellers ADD CONSTRAINT sellers_status_check
  CHECK (status IN ('active', 'disconnected', 'deleting', 'needs_reauth'));

-- One row per seller and data type. cursor: everything updated/posted before it is stored.
-- run_after/run_before/resume_token: the window and next page of a run in progress (NULL when
-- none), committed with each page, so a run killed mid-pagination resumes at its next page.
CREATE TABLE sync_state (
  seller_id       bigint      NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
  data_type       text        NOT NULL CHECK (data_type IN ('orders', 'transactions')),
  cursor          timestamptz,
  run_after       timestamptz,
  run_before      timestamptz,
  resume_token    text,
  run_pages       bigint      NOT NULL DEFAULT 0,
  run_rows        bigint      NOT NULL DEFAULT 0,
  last_attempt_at timestamptz,
  last_success_at timestamptz,
  last_error      text,       -- an error code and message, never PII
  last_pages      bigint      NOT NULL DEFAULT 0,
  last_rows       bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (seller_id, data_type)
);

CREATE TABLE orders (
  seller_id          bigint      NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
  order_id           text        NOT NULL,
  marketplace_id     text        NOT NULL,
  sales_channel      text        NOT NULL,
  status             text        NOT NULL,   -- empty without FULFILLMENT
  fulfilled_by       text        NOT NULL,   -- AMAZON (FBA) or MERCHANT (FBM); may be empty
  created_time       timestamptz NOT NULL,
  last_updated_time  timestamptz NOT NULL,
  grand_total        numeric,
  currency           text,
  ship_country       text,                   -- only with RECIPIENT
  shipping_zone      text,                   -- only with RECIPIENT; never a full postal code
  synced_at          timestamptz NOT NULL,
  PRIMARY KEY (seller_id, order_id)
);
CREATE INDEX orders_last_updated ON orders (seller_id, last_updated_time);

CREATE TABLE order_items (
  seller_id         bigint  NOT NULL,
  order_id          text    NOT NULL,
  order_item_id     text    NOT NULL,
  asin              text    NOT NULL,
  seller_sku        text    NOT NULL,
  quantity_ordered  bigint  NOT NULL,
  unit_price        numeric,
  unit_price_currency text,
  proceeds_total    numeric,
  proceeds_currency text,
  PRIMARY KEY (seller_id, order_id, order_item_id),
  -- Not a foreign key to orders: its per-row check was planned once on an empty table and could
  -- scan a seller's orders for every item (bench/sync). Items are written with their order in
  -- one transaction, and go with their seller.
  FOREIGN KEY (seller_id) REFERENCES sellers (id) ON DELETE CASCADE
);

-- transaction_id: Amazon's transactionId, or (when absent, as in the sandbox fixtures) "sha256:"
-- and the hex SHA-256 of the transaction's stored fields (jobs/sync/transaction_id.cpp).
CREATE TABLE transactions (
  seller_id          bigint      NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
  transaction_id     text        NOT NULL,
  transaction_type   text        NOT NULL,
  transaction_status text        NOT NULL,
  description        text        NOT NULL,
  posted_date        timestamptz,
  total_amount       numeric,
  currency           text,
  marketplace_id     text        NOT NULL,
  account_type       text        NOT NULL,
  order_id           text,                   -- the related ORDER_ID, when named
  synced_at          timestamptz NOT NULL,
  PRIMARY KEY (seller_id, transaction_id)
);
CREATE INDEX transactions_posted ON transactions (seller_id, posted_date);
