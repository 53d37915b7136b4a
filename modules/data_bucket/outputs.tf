output "bucket_name" {
  description = "Name of the data bucket."
  value       = aws_s3_bucket.this.bucket # known at plan time (id is not)
}

output "bucket_arn" {
  description = "ARN of the data bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key of the bucket (also used by Glue, Secrets Manager, CloudWatch Logs and SNS)."
  value       = aws_kms_key.this.arn
}

output "kms_key_id" {
  description = "ID of the customer-managed KMS key."
  value       = aws_kms_key.this.key_id
}

output "prefixes" {
  description = "Key prefixes by purpose (each ends with \"/\"): raw, pos, scripts, tmp, curated, quarantine, state (curated/_state/, the job run state), athena_results, spill, backups, logs."
  value       = local.prefixes
}

output "log_bucket_name" {
  description = "Name of the server access log bucket (null when access logging is off)."
  value       = one(aws_s3_bucket.logs[*].id)
}
