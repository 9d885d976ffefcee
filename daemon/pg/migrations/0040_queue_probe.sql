-- The queue_probe job (jobs/queue_probe_job.cpp): one row per run, written by the worker that ran
-- it, so an operator (or a drill such as tests/e2e/test_multi_instance.cpp) can see that the
-- queue, a worker and PostgreSQL work together, which instance ran each job, and which runs were
-- interrupted (finished_at NULL). Rows older than 30 days are deleted by the job itself.
CREATE TABLE queue_probe_runs (
  id          bigserial   PRIMARY KEY,
  job_id      bigint      NOT NULL,
  queue       text        NOT NULL,
  unique_key  text,                   -- "schedule:NAME:TICK" when a schedule enqueued the run
  attempt     int         NOT NULL,
  instance_id text        NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz             -- NULL: the run did not finish (killed, cancelled, timed out)
);
CREATE INDEX queue_probe_runs_job_id ON queue_probe_runs (job_id);
-- The 30-day clean-up runs with every probe: an index range scan keeps it cheap.
CREATE INDEX queue_probe_runs_started_at ON queue_probe_runs (started_at);
