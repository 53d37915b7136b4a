-- The quarantined lines of one reason on one sale business date, with their original text:
-- what an analyst sends back to the POS vendor. Execution parameters, in order: 1. the reason
-- (e.g. 'bad_amount'; docs/contract/quarantine.md), 2. the business date ('YYYY-MM-DD').
-- raw keeps at most 4,096 bytes of a line (raw_cut true when it was cut).
SELECT
  q.source_file,
  q.line_number,
  q.site_id,
  q.business_date,
  q.raw,
  q.raw_cut
FROM "${database}"."quarantine" AS q
WHERE q.reason = ? AND q.business_date = CAST(? AS date)
ORDER BY q.source_file, q.line_number
