# Analytics and operations of this environment: the Athena workgroup (+ DynamoDB connector),
# QuickSight, and audit/observability (CloudTrail, alarms, job-runs dashboard). Module calls
# only; sizes and switches live in analytics.auto.tfvars.

variable "athena" {
  description = <<-EOT
    Athena settings. bytes_scanned_cutoff_per_query: per-query scan limit in bytes (>= 10 MB).
    enable_dynamodb_connector: deploy the DynamoDB federated connector (real-time look-ups).
    connector_memory_mb / connector_timeout_seconds / connector_semantic_version: the connector Lambda.
    saved_queries: create the named queries and view definitions from scripts/athena.
    force_destroy: destroy the workgroup with its saved queries and history (throw-away envs).
  EOT
  type = object({
    bytes_scanned_cutoff_per_query = optional(number, 1073741824)
    enable_dynamodb_connector      = optional(bool, false)
    connector_memory_mb            = optional(number, 1024)
    connector_timeout_seconds      = optional(number, 900)
    connector_semantic_version     = optional(string, "2023.46.2")
    saved_queries                  = optional(bool, true)
    force_destroy                  = optional(bool, false)
  })
  default = {}
  validation {
    condition     = var.athena.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "athena.bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB, Athena's minimum)."
  }
  validation {
    condition     = var.athena.connector_memory_mb >= 128 && var.athena.connector_memory_mb <= 3008
    error_message = "athena.connector_memory_mb must be between 128 and 3008."
  }
}

variable "quicksight" {
  description = <<-EOT
    QuickSight (needs an account subscription). enabled: create data source, data sets, dashboard.
    author_count / reader_count: licensed users (read by the cost model).
    readers_group / authors_group / create_groups: the permission groups (business users view only).
    import_mode: SPICE (scheduled refresh) or DIRECT_QUERY. refresh_interval / refresh_timezone: SPICE schedule.
    service_role_name: the account's QuickSight service role to grant least-privilege Athena/S3/KMS access (null: managed elsewhere).
  EOT
  type = object({
    enabled           = optional(bool, false)
    author_count      = optional(number, 1)
    reader_count      = optional(number, 3)
    readers_group     = optional(string, "cinema-business-users")
    authors_group     = optional(string, "cinema-authors")
    create_groups     = optional(bool, true)
    import_mode       = optional(string, "SPICE")
    refresh_interval  = optional(string, "HOURLY")
    refresh_timezone  = optional(string, "UTC")
    service_role_name = optional(string)
  })
  default = {}
  validation {
    condition     = var.quicksight.author_count >= 0 && var.quicksight.reader_count >= 0 && floor(var.quicksight.author_count) == var.quicksight.author_count && floor(var.quicksight.reader_count) == var.quicksight.reader_count
    error_message = "quicksight.author_count and reader_count must be whole numbers >= 0."
  }
  validation {
    condition     = contains(["SPICE", "DIRECT_QUERY"], var.quicksight.import_mode)
    error_message = "quicksight.import_mode must be SPICE or DIRECT_QUERY."
  }
}

variable "observability" {
  description = <<-EOT
    Audit and operations. cloudtrail_enabled: trail with management + data events (data bucket, metric tables).
    log_data_event_reads: record reads too, not only writes. trail_retention_days: days log files are kept.
    log_retention_days: retention of the analytics log groups (the connector Lambda).
    alarms_enabled / dashboard_enabled / job_stale_hours: operator alarms and the job-runs dashboard.
    force_destroy: destroy the audit bucket with its log files (throw-away envs).
  EOT
  type = object({
    cloudtrail_enabled   = optional(bool, false)
    log_data_event_reads = optional(bool, true)
    trail_retention_days = optional(number, 365)
    log_retention_days   = optional(number, 30)
    alarms_enabled       = optional(bool, true)
    dashboard_enabled    = optional(bool, true)
    job_stale_hours      = optional(number, 5)
    force_destroy        = optional(bool, false)
  })
  default = {}
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.observability.log_retention_days)
    error_message = "observability.log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
  validation {
    condition     = var.observability.job_stale_hours >= 3 && var.observability.job_stale_hours <= 24
    error_message = "observability.job_stale_hours must be between 3 (more than one 2-hour schedule slot) and 24."
  }
}

locals {
  quicksight_definition = "${local.repo_root}/dashboards/quicksight/definition.json"
  quicksight_data_sets  = "${local.repo_root}/dashboards/quicksight/datasets.json"
  # The generated definition is used once both files exist; until then the module's minimal one.
  quicksight_generated = fileexists(local.quicksight_definition) && fileexists(local.quicksight_data_sets)
}

module "athena" {
  source = "../../modules/athena"

  name_prefix                    = local.name_prefix
  tags                           = local.tags
  bucket_name                    = module.data_bucket.bucket_name
  kms_key_arn                    = module.data_bucket.kms_key_arn
  results_prefix                 = module.data_bucket.prefixes.athena_results
  spill_prefix                   = module.data_bucket.prefixes.spill
  curated_prefix                 = "${module.data_bucket.prefixes.curated}metrics/"
  bytes_scanned_cutoff_per_query = var.athena.bytes_scanned_cutoff_per_query
  force_destroy                  = var.athena.force_destroy
  glue_database_name             = module.glue_catalog.database_name
  sql_dir                        = var.athena.saved_queries ? "${local.repo_root}/scripts/athena" : null
  enable_dynamodb_connector      = var.athena.enable_dynamodb_connector
  connector_semantic_version     = var.athena.connector_semantic_version
  connector_memory_mb            = var.athena.connector_memory_mb
  connector_timeout_seconds      = var.athena.connector_timeout_seconds
  connector_log_retention_days   = var.observability.log_retention_days
  dynamodb_table_arns            = module.metric_tables.table_arns
  dynamodb_table_names           = module.metric_tables.table_names
  dynamodb_kms_key_arn           = module.metric_tables.kms_key_arn
}

module "quicksight" {
  source = "../../modules/quicksight"

  name_prefix           = local.name_prefix
  tags                  = local.tags
  enabled               = var.quicksight.enabled
  athena_workgroup_name = module.athena.workgroup_name
  glue_database_name    = module.glue_catalog.database_name
  definition_file       = local.quicksight_generated ? local.quicksight_definition : null
  data_sets_file        = local.quicksight_generated ? local.quicksight_data_sets : null
  import_mode           = var.quicksight.import_mode
  refresh = {
    interval = var.quicksight.refresh_interval
    timezone = var.quicksight.refresh_timezone
  }
  groups = {
    readers = var.quicksight.readers_group
    authors = var.quicksight.authors_group
    create  = var.quicksight.create_groups
  }
  service_role_name = var.quicksight.service_role_name
  bucket_name       = module.data_bucket.bucket_name
  kms_key_arn       = module.data_bucket.kms_key_arn
  read_prefixes     = ["${module.data_bucket.prefixes.curated}metrics/"]
  results_prefix    = module.data_bucket.prefixes.athena_results
}

module "observability" {
  source = "../../modules/observability"

  name_prefix = local.name_prefix
  tags        = local.tags
  cloudtrail = {
    enabled              = var.observability.cloudtrail_enabled
    log_data_event_reads = var.observability.log_data_event_reads
    retention_days       = var.observability.trail_retention_days
    force_destroy        = var.observability.force_destroy
  }
  data_bucket_arn       = module.data_bucket.bucket_arn
  dynamodb_table_arns   = module.metric_tables.table_arns
  glue_job_name         = module.glue_job.job_name
  athena_workgroup_name = module.athena.workgroup_name
  sns_topic_arn         = module.glue_job.sns_topic_arn
  alarms = {
    enabled         = var.observability.alarms_enabled
    job_stale_hours = var.observability.job_stale_hours
  }
  dashboard_enabled = var.observability.dashboard_enabled
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
