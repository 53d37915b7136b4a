-- The quarantine rate's parts by site and sale business date: accepted lines (pos_lines_daily)
-- and quarantined lines whose text names the site and the day. A reader divides the sums
-- (lines_quarantined / lines_read), never averages a stored rate.
CREATE OR REPLACE VIEW "${database}"."v_quality_daily" AS
WITH quarantined AS (
  SELECT q.site_id, q.business_date, count(*) AS lines_quarantined
  FROM "${database}"."quarantine" AS q
  WHERE q.line_number IS NOT NULL AND q.site_id IS NOT NULL AND q.business_date IS NOT NULL
  GROUP BY q.site_id, q.business_date
)
SELECT
  coalesce(a.site_id, q.site_id) AS site_id,
  coalesce(a.business_date, q.business_date) AS business_date,
  coalesce(a.lines, 0) AS lines_accepted,
  coalesce(q.lines_quarantined, 0) AS lines_quarantined,
  coalesce(a.lines, 0) + coalesce(q.lines_quarantined, 0) AS lines_read
FROM "${database}"."pos_lines_daily" AS a
FULL OUTER JOIN quarantined AS q
  ON q.site_id = a.site_id AND q.business_date = a.business_date
