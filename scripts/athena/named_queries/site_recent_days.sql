-- Real-time: the last 14 business days of one site with its loyalty numbers, newest first.
-- Execution parameters, in order: 1. site_id (integer), 2. site_id again (the loyalty
-- side). The date bound is a string comparison on the sort key DATE#YYYY-MM-DD, which
-- sorts like the date; the UTC date is close enough for a 14-day window.
SELECT
  d.sk,
  d.admissions,
  d.box_office,
  d.total_revenue,
  d.occupancy,
  d.atp,
  l.member_share,
  l.unique_members
FROM "${dynamodb_catalog}"."default"."${dynamodb_tables.site_daily}" AS d
LEFT JOIN "${dynamodb_catalog}"."default"."${dynamodb_tables.loyalty_daily}" AS l
  ON l.pk = d.pk
  AND l.sk = d.sk
  AND l.pk = concat('SITE#', CAST(? AS varchar))
WHERE d.pk = concat('SITE#', CAST(? AS varchar))
  AND d.sk >= concat('DATE#', CAST(date_add('day', -14, current_date) AS varchar))
ORDER BY d.sk DESC
