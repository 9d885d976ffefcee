-- Raw SP-API pages, kept encrypted only so that they can be purged within 30 days (and re-parsed
-- if a parser bug is found). Each is an AES-256-GCM envelope (docs/formats.md) bound to
-- (raw_payload, raw_payloads, id): take the id from raw_payloads_id_seq first, seal, then insert.
-- key_id mirrors the envelope's key id so rotation and `keys status` find rows without parsing.
CREATE TABLE raw_payloads (
  id          bigint      PRIMARY KEY,
  seller_id   bigint      NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
  data_type   text        NOT NULL CHECK (data_type IN ('orders', 'transactions')),
  received_at timestamptz NOT NULL DEFAULT now(),
  request_id  text,
  key_id      text,
  ciphertext  bytea       NOT NULL
);
CREATE SEQUENCE raw_payloads_id_seq OWNED BY raw_payloads.id;
CREATE INDEX raw_payloads_received_at ON raw_payloads (received_at);
CREATE INDEX raw_payloads_key_id ON raw_payloads (key_id);
CREATE INDEX raw_payloads_seller ON raw_payloads (seller_id);
