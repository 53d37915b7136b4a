output "bucket_name" {
  description = "Name of the vault bucket (\"<name_prefix>-pos-vault-<account id>\"); replicas keep their raw/pos/ keys."
  value       = local.bucket.bucket
}

output "bucket_arn" {
  description = "ARN of the vault bucket."
  value       = local.bucket.arn
}

output "kms_key_arn" {
  description = "ARN of the vault's own customer-managed KMS key (not the data key: its deletion does not take the copies)."
  value       = local.key.arn
}

output "replication_role_arn" {
  description = "ARN of the IAM role S3 replicates with."
  value       = aws_iam_role.replication.arn
}

output "retention_days" {
  description = "Object Lock default retention of each replica, in days (null when object_lock is false)."
  value       = var.object_lock ? var.retention_days : null
}
