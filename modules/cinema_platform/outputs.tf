output "name_prefix" {
  description = "Prefix of every resource name of this environment."
  value       = local.name_prefix
}

output "bucket_name" {
  description = "The multipurpose data bucket."
  value       = module.data_bucket.bucket_name
}

output "prefixes" {
  description = "Bucket prefixes by purpose."
  value       = module.data_bucket.prefixes
}

output "metric_table_names" {
  description = "DynamoDB metric table names."
  value       = module.metric_tables.table_names
}

output "glue_database_name" {
  description = "Glue catalog database."
  value       = module.glue_catalog.database_name
}

output "crawler_names" {
  description = "Glue crawler names (jdbc, pos)."
  value       = module.glue_catalog.crawler_names
}

output "mysql_secret_arn" {
  description = "Secrets Manager secret to fill with the MySQL credentials (the ARN only; never the value)."
  value       = module.glue_catalog.secret_arn
}

output "glue_job_name" {
  description = "Glue job name."
  value       = module.glue_job.job_name
}

output "alarm_topic_arn" {
  description = "SNS topic receiving the alarms."
  value       = module.glue_job.sns_topic_arn
}

output "athena_workgroup_name" {
  description = "Athena workgroup of this environment."
  value       = module.athena.workgroup_name
}

output "athena_data_catalog_name" {
  description = "Athena catalog of the DynamoDB metric tables (null when the connector is off)."
  value       = module.athena.data_catalog_name
}

output "quicksight_dashboard_id" {
  description = "QuickSight dashboard ID (null when QuickSight is off)."
  value       = module.quicksight.dashboard_id
}

output "cloudtrail_arn" {
  description = "CloudTrail audit trail (null when off)."
  value       = module.observability.trail_arn
}

output "operations_dashboard_name" {
  description = "CloudWatch job-runs dashboard."
  value       = module.observability.dashboard_name
}

output "keys_table_name" {
  description = "DynamoDB table of accepted POS line keys (the job's rule 11 index)."
  value       = module.metric_tables.accepted_keys_table_name
}

output "pos_queue_url" {
  description = "SQS queue of the POS prefix's S3 event notifications (the job drains it every run)."
  value       = module.pos_events.queue_url
}

output "pos_vault_bucket_name" {
  description = "The Object Lock vault holding a copy of every raw/pos/ object version (null when pos_vault.enabled is false)."
  value       = one(module.pos_vault[*].bucket_name)
}

output "pos_dead_letter_queue_arn" {
  description = "ARN of the POS events' dead-letter queue (aws sqs start-message-move-task --source-arn <this> moves its messages back)."
  value       = module.pos_events.dead_letter_queue_arn
}
