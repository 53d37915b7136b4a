output "dashboard_id" {
  description = "ID of the QuickSight dashboard (null when disabled)."
  value       = var.enabled ? aws_quicksight_dashboard.this[0].dashboard_id : null
}

output "dashboard_arn" {
  description = "ARN of the QuickSight dashboard (null when disabled)."
  value       = var.enabled ? aws_quicksight_dashboard.this[0].arn : null
}

output "data_source_arn" {
  description = "ARN of the Athena data source (null when disabled)."
  value       = var.enabled ? aws_quicksight_data_source.athena[0].arn : null
}

output "data_set_ids" {
  description = "QuickSight data set IDs by data set identifier of the definition."
  value       = { for k, d in aws_quicksight_data_set.this : k => d.data_set_id }
}

output "group_arns" {
  description = "ARNs of the readers and authors groups the permissions name (null when disabled)."
  value       = var.enabled ? local.group_arn : null
}
