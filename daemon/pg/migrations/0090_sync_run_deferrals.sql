-- How often the run in progress was deferred by the rate limit: the sync audits it with the run's
-- last page instead of recording one audit event per deferral.
ALTER TABLE sync_state ADD COLUMN run_deferrals bigint NOT NULL DEFAULT 0 CHECK (run_deferrals >= 0);
