output "database_name" {
  description = "Glue catalog database holding the crawled source tables and the curated metric tables."
  value       = aws_glue_catalog_database.this.name
}

output "database_arn" {
  description = "ARN of the Glue catalog database."
  value       = aws_glue_catalog_database.this.arn
}

output "jdbc_connection_name" {
  description = "Name of the Glue JDBC connection to the ECR/CRM MySQL server."
  value       = local.connection
}

output "jdbc_connection_arn" {
  description = "ARN of the Glue JDBC connection (derived; the connection exists unless mysql.create_connection is false)."
  value       = "${local.glue_arn}:connection/${local.connection}"
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret holding the MySQL credentials (created here or passed in). The ARN is not secret; the value never passes through Terraform."
  value       = local.secret_arn
}

output "crawler_names" {
  description = "Crawler names by source: jdbc (ECR + CRM) and pos (S3)."
  value = {
    jdbc = aws_glue_crawler.jdbc.name
    pos  = aws_glue_crawler.pos.name
  }
}

output "jdbc_table_prefix" {
  description = "Prefix of the JDBC crawler's catalog tables (<prefix><db>_<table>)."
  value       = var.jdbc_table_prefix
}

output "crawler_role_arn" {
  description = "ARN of the crawlers' IAM role."
  value       = aws_iam_role.crawler.arn
}

output "metric_table_names" {
  description = "Glue catalog table name by curated metric table."
  value       = { for k, t in aws_glue_catalog_table.metrics : k => t.name }
}

output "quality_table_names" {
  description = "Glue catalog table name by data-quality table (quarantine, runs; empty without quality_tables_schema_file)."
  value       = { for k, t in aws_glue_catalog_table.quality : k => t.name }
}
