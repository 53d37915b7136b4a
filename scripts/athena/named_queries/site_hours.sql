-- Real-time: hour-by-hour sales of one site on one business date (the sort key is
-- HOUR#<hh>, local hour of sale). Execution parameters, in order: 1. site_id (integer),
-- 2. business date 'YYYY-MM-DD'.
SELECT h.*
FROM "${dynamodb_catalog}"."default"."${dynamodb_tables.hourly_demand}" AS h
WHERE h.pk = concat('SITE#', CAST(? AS varchar), '#DATE#', CAST(? AS varchar))
ORDER BY h.sk
