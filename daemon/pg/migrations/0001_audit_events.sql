-- The audit trail: who or what touched which seller's data, when, how many rows, with what outcome.
-- Append-only and kept at least 365 days: the triggers below refuse UPDATE, TRUNCATE, and DELETE
-- of any event younger than that, whoever issues it.
CREATE TABLE audit_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  actor       text        NOT NULL CHECK (actor <> ''),   -- "daemon", "instance:<id>", "uid:<n>"
  action      text        NOT NULL CHECK (action <> ''),  -- "sync.orders", "purge.pii", ...
  seller_id   bigint,                                     -- internal number; NULL if not seller-bound
  data_type   text,                                       -- "orders", "raw_payloads", "tokens", ...
  rows        bigint      NOT NULL DEFAULT 0 CHECK (rows >= 0),
  outcome     text        NOT NULL CHECK (outcome IN ('success', 'failure', 'partial', 'denied')),
  detail      jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
  request_ids text[]      NOT NULL DEFAULT '{}'           -- SP-API x-amzn-RequestId values
);

CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_seller ON audit_events (seller_id, occurred_at) WHERE seller_id IS NOT NULL;

CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.occurred_at >= now() - interval '365 days' THEN
      RAISE EXCEPTION 'audit events are kept at least 365 days';
    END IF;
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only (%)', TG_OP;
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_retention BEFORE DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
