-- Real-time: the sessions of one site on one business date, in start-time order (the sort
-- key is SESSION#<HH:MM>#<showtime_id>), read from DynamoDB through the federated catalog.
-- Execution parameters, in order: 1. site_id (integer), 2. business date 'YYYY-MM-DD'.
SELECT s.*
FROM "${dynamodb_catalog}"."default"."${dynamodb_tables.session_performance}" AS s
WHERE s.pk = concat('SITE#', CAST(? AS varchar), '#DATE#', CAST(? AS varchar))
ORDER BY s.sk
