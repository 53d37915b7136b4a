output "bucket_name" {
  description = "Name of the data bucket."
  value       = local.bucket.bucket # known at plan time (id is not)
}

output "bucket_arn" {
  description = "ARN of the data bucket."
  value       = local.bucket.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key of the bucket (also used by Glue, Secrets Manager, CloudWatch Logs and SNS)."
  value       = local.key.arn
}

output "kms_key_id" {
  description = "ID of the customer-managed KMS key."
  value       = local.key.key_id
}

output "prefixes" {
  description = "Key prefixes by purpose (each ends with \"/\"): raw, pos, scripts, tmp, curated, quarantine, state (curated/_state/, the job run state), athena_results, spill, backups, logs."
  value       = local.prefixes
}

output "log_bucket_name" {
  description = "Name of the server access log bucket (null when access logging is off)."
  value       = local.logs == null ? null : local.logs.id
}

output "versioning_status" {
  description = "Versioning status of the data bucket (\"Enabled\"). modules/pos_vault takes it so its replication configuration is written after versioning is on, as S3 requires."
  value       = aws_s3_bucket_versioning.this.versioning_configuration[0].status
}
