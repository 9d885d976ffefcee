-- Two roles (docs/postgres.md, "Roles"): migrations run as the owner role, which owns the schema
-- and the audit trail; the daemon runs as a runtime role with only the rights it uses, so that it
-- can neither disable the audit table's triggers nor change or delete its rows.
--
-- raw_payloads is the exception: the purge detaches and drops its day partitions
-- (DETACH ... CONCURRENTLY cannot run inside a function), which only the table's owner may do, so
-- the runtime role owns raw_payloads and its partitions. With one role for both nothing changes.

-- Hands a table of this schema to `new_owner`. PostgreSQL wants the new owner to have CREATE on
-- the schema, which the runtime role must not keep: it gets it for this statement only, inside
-- the caller's transaction, so no other session ever sees it.
CREATE FUNCTION blazed_give_table(rel text, new_owner name) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  schema_name text := current_schema();
  lacks_create boolean := NOT has_schema_privilege(new_owner, schema_name, 'CREATE');
BEGIN
  IF lacks_create THEN
    EXECUTE format('GRANT CREATE ON SCHEMA %I TO %I', schema_name, new_owner);
  END IF;
  EXECUTE format('ALTER TABLE %I OWNER TO %I', rel, new_owner);
  IF lacks_create THEN
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', schema_name, new_owner);
  END IF;
END;
$$;
REVOKE EXECUTE ON FUNCTION blazed_give_table(text, name) FROM PUBLIC;

-- Partitions are made as the owner role (the runtime role has no CREATE on the schema) and handed
-- to whoever owns raw_payloads, so that the purge can drop them later.
CREATE OR REPLACE FUNCTION raw_payloads_ensure_partition(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  part text := 'raw_payloads_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
  owner_role text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('raw_payloads_partitions'));
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  -- A table of that name not attached: a day detached by a purge that was killed before it
  -- dropped it. Its rows are expired; the purge drops it.
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE raw_payloads INCLUDING DEFAULTS INCLUDING CONSTRAINTS, '
                 'CONSTRAINT %I CHECK (received_at >= %L AND received_at < %L))',
                 part, part || '_bounds', lo, hi);
  SELECT pg_get_userbyid(relowner) INTO owner_role FROM pg_class WHERE oid = 'raw_payloads'::regclass;
  IF owner_role <> current_user THEN
    PERFORM blazed_give_table(part, owner_role);
  END IF;
  EXECUTE format('ALTER TABLE raw_payloads ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  RETURN true;
END;
$$;

-- Gives `runtime` exactly the rights the daemon uses; run by `blazed migrate` (as the owner role)
-- after every migration run, so tables added later get theirs too. Idempotent.
--   ordinary tables:            SELECT, INSERT, UPDATE, DELETE
--   audit_events:               SELECT, INSERT (its partitions: SELECT, for pg_dump)
--   schema_migrations:          SELECT (the start-up schema check)
--   other tables' partitions:   SELECT (pg_dump reads each; the daemon writes through the parent)
--   raw_payloads and its days:  owned by `runtime` (the purge drops days)
--   sequences:                  USAGE, SELECT
--   SECURITY DEFINER functions: EXECUTE for `runtime` only
-- Tables and partitions the owner role creates later (a new month of audit_events) are readable
-- by `runtime` through default privileges; writing goes through their parent.
CREATE FUNCTION blazed_grant_runtime(runtime name) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  schema_name text := current_schema();
  t record;
BEGIN
  IF runtime = current_user THEN
    RETURN;
  END IF;
  IF NOT pg_has_role(current_user, runtime, 'USAGE') THEN
    RAISE EXCEPTION 'the owner role % must be a member of the runtime role % (GRANT % TO %)',
      current_user, runtime, runtime, current_user;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema_name, runtime);
  EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', schema_name, runtime);

  FOR t IN
    SELECT c.relname, c.relispartition,
           c.relname = 'raw_payloads' OR c.relname ~ '^raw_payloads_p[0-9]{8}$' AS runtime_owned
    FROM pg_class c
    WHERE c.relnamespace = schema_name::regnamespace AND c.relkind IN ('r', 'p')
  LOOP
    IF t.runtime_owned THEN
      PERFORM blazed_give_table(t.relname, runtime);
      CONTINUE;
    END IF;
    EXECUTE format('REVOKE ALL ON TABLE %I FROM %I', t.relname, runtime);
    IF t.relispartition OR t.relname IN ('schema_migrations') THEN
      EXECUTE format('GRANT SELECT ON TABLE %I TO %I', t.relname, runtime);
    ELSIF t.relname = 'audit_events' THEN
      EXECUTE format('GRANT SELECT, INSERT ON TABLE %I TO %I', t.relname, runtime);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO %I', t.relname, runtime);
    END IF;
  END LOOP;

  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', schema_name, runtime);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO %I', schema_name, runtime);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
                 schema_name, runtime);

  FOR t IN
    SELECT p.oid::regprocedure AS fn FROM pg_proc p
    WHERE p.pronamespace = schema_name::regnamespace AND p.prosecdef
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', t.fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', t.fn, runtime);
  END LOOP;
END;
$$;
