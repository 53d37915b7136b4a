-- Every run of the job, newest first by its finish: status (succeeded, or failed with its
-- one-line reason), lines read, accepted and quarantined, files read and rejected whole, and
-- how long it took. A failed run has no line counts.
CREATE OR REPLACE VIEW "${database}"."v_runs" AS
SELECT
  r.run_id,
  r.status,
  coalesce(r.mode, 'run') AS mode,
  CAST(from_iso8601_timestamp(r.started_at) AS timestamp) AS started_at,
  CAST(from_iso8601_timestamp(r.finished_at) AS timestamp) AS finished_at,
  r.seconds,
  r.lines_read,
  r.lines_accepted,
  r.lines_quarantined,
  r.files_read,
  coalesce(cardinality(map_keys(r.files_rejected)), 0) AS files_rejected,
  r.error,
  r.run_date
FROM "${database}"."runs" AS r
