output "table_names" {
  description = "DynamoDB table name by metric table."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "table_arns" {
  description = "DynamoDB table ARN by metric table."
  value       = { for k, t in aws_dynamodb_table.this : k => t.arn }
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the tables."
  value       = aws_kms_key.this.arn
}
