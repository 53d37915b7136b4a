-- Quarantined POS lines by sale business date, site and reason (docs/contract/quarantine.md):
-- which site is missing lines on which day, and why. site_id and business_date are those the
-- line's own text gives (NULL when it is not a JSON object with a known site and a sold_at);
-- files rejected whole (line_number NULL) are counted apart, in v_runs.
CREATE OR REPLACE VIEW "${database}"."v_quarantine_reasons" AS
SELECT
  q.business_date,
  q.site_id,
  q.reason,
  count(*) AS lines
FROM "${database}"."quarantine" AS q
WHERE q.line_number IS NOT NULL
GROUP BY q.business_date, q.site_id, q.reason
