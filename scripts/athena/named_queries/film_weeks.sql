-- Real-time: every film week of one film (release week first), read from DynamoDB through
-- the federated catalog. Execution parameter: 1. film_id (integer).
SELECT f.*
FROM "${dynamodb_catalog}"."default"."${dynamodb_tables.film_weekly}" AS f
WHERE f.pk = concat('FILM#', CAST(? AS varchar))
ORDER BY f.sk
