-- Real-time: today's numbers for one site, read from DynamoDB through the federated catalog.
-- Execution parameters, in order: 1. site_id (integer), 2. the site's IANA time zone
-- (e.g. 'America/Mexico_City'). "Today" is the site's current business day: local time
-- minus 6 hours (the business day runs 06:00-05:59), so at 01:00 it is still yesterday.
-- at_timezone keeps the instant and moves it into the site's zone before taking the date;
-- CAST(current_timestamp AS date) alone would give the UTC date of the Athena session.
SELECT d.*
FROM "${dynamodb_catalog}"."default"."${dynamodb_tables.site_daily}" AS d
WHERE d.pk = concat('SITE#', CAST(? AS varchar))
  AND d.sk = concat('DATE#', CAST(CAST(date_add('hour', -6, at_timezone(current_timestamp, ?)) AS date) AS varchar))
