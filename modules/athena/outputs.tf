output "workgroup_name" {
  description = "Name of the enforced Athena workgroup."
  value       = aws_athena_workgroup.this.name
}

output "workgroup_arn" {
  description = "ARN of the Athena workgroup (for IAM policies of query users)."
  value       = aws_athena_workgroup.this.arn
}

output "results_location" {
  description = "S3 URI where the workgroup writes query results."
  value       = "s3://${var.bucket_name}/${var.results_prefix}"
}

output "data_catalog_name" {
  description = "Athena data catalog of the DynamoDB metric tables (null when the connector is off)."
  value       = var.enable_dynamodb_connector ? aws_athena_data_catalog.dynamodb[0].name : null
}

output "connector_function_arn" {
  description = "ARN of the connector Lambda; query principals need lambda:InvokeFunction on it (null when the connector is off)."
  value       = var.enable_dynamodb_connector ? local.connector_function_arn : null
}

output "connector_role_arn" {
  description = "ARN of the connector's least-privilege execution role (null when the connector is off)."
  value       = var.enable_dynamodb_connector ? aws_iam_role.connector[0].arn : null
}

output "named_query_ids" {
  description = "Saved query IDs by \"<folder>/<file stem>\" (e.g. views/site_kpis): run the views/* ones once after apply to create the views."
  value       = { for k, q in aws_athena_named_query.this : k => q.id }
}

output "view_names" {
  description = "Athena views created as Glue VIRTUAL_VIEW tables (what the QuickSight data sets read)."
  value       = sort(keys(aws_glue_catalog_table.view))
}
