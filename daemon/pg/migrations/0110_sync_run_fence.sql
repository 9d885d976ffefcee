-- Fencing of sync runs: the run that last took a seller's sync_state row over (its queue job's
-- run id: epoch, job id and claim). Every write of a run names it, and one that no longer owns
-- the row changes nothing (jobs/sync/sync_store.cpp), so two runs of one seller never interleave.
ALTER TABLE sync_state ADD COLUMN run_id text;
