-- The sync cadence's due times: one row per active seller with the time (Unix ms) its next sync is
-- due, indexed so a pass reads only the sellers due (a range of the index) and the next due time
-- (its first entry), whatever the number of sellers. docs/sync.md, "Cadence".
CREATE TABLE sync_due (
  seller_id bigint PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
  due_ms    bigint NOT NULL
);
CREATE INDEX sync_due_due_ms ON sync_due (due_ms);

-- The interval and jitter the stored due times were computed with; a daemon starting with other
-- values recomputes them from the sellers' last syncs. (0, 0): never computed.
CREATE TABLE sync_due_config (
  only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  interval_ms bigint  NOT NULL,
  jitter_ms   bigint  NOT NULL
);
INSERT INTO sync_due_config VALUES (true, 0, 0);

-- The schedule follows the seller's status whoever changes it: a seller becoming active (connect,
-- re-authorization) is due at once (due_ms 0: before any slot), one leaving active (disconnect,
-- needs_reauth, deleting) is no longer scheduled; deleting the seller cascades.
CREATE FUNCTION sync_due_follow_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'active' THEN
    IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'active' THEN
      INSERT INTO sync_due (seller_id, due_ms) VALUES (NEW.id, 0)
        ON CONFLICT (seller_id) DO UPDATE SET due_ms = 0;
    END IF;
  ELSIF TG_OP = 'UPDATE' AND OLD.status = 'active' THEN
    DELETE FROM sync_due WHERE seller_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER sellers_sync_due AFTER INSERT OR UPDATE OF status ON sellers
  FOR EACH ROW EXECUTE FUNCTION sync_due_follow_status();

-- Sellers active before this migration: due at once until a daemon computes their due times
-- from their last syncs (the config row above makes the first daemon do so before its first pass).
INSERT INTO sync_due (seller_id, due_ms) SELECT id, 0 FROM sellers WHERE status = 'active';
