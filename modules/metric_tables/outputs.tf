output "table_names" {
  description = "DynamoDB table name by metric table."
  value       = { for k, t in local.tables : k => t.name }
}

output "table_arns" {
  description = "DynamoDB table ARN by metric table."
  value       = { for k, t in local.tables : k => t.arn }
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the tables."
  value       = local.key.arn
}

output "accepted_keys_table_name" {
  description = "DynamoDB table of the POS line keys the job accepted (pk transaction_id, sk line_no)."
  value       = local.accepted_keys.name
}

output "accepted_keys_table_arn" {
  description = "ARN of the accepted-keys table."
  value       = local.accepted_keys.arn
}
