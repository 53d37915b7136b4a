# Analytics and operations: the Athena workgroup (+ DynamoDB connector), QuickSight, and
# audit/observability (CloudTrail, alarms, job-runs dashboard). Module calls only.

locals {
  quicksight_definition = "${local.repo_root}/dashboards/quicksight/definition.json"
  quicksight_data_sets  = "${local.repo_root}/dashboards/quicksight/datasets.json"
  # The generated definition is used once both files exist; until then the module's minimal one.
  quicksight_generated = fileexists(local.quicksight_definition) && fileexists(local.quicksight_data_sets)
}

module "athena" {
  source = "../athena"

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
  views_file                     = var.athena.create_views ? "${local.repo_root}/scripts/athena/views.json" : null
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
  source = "../quicksight"

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
    readers           = var.quicksight.readers_group
    authors           = var.quicksight.authors_group
    create            = var.quicksight.create_groups
    reader_user_names = var.quicksight.reader_user_names
    author_user_names = var.quicksight.author_user_names
  }
  service_role_name = var.quicksight.service_role_name
  bucket_name       = module.data_bucket.bucket_name
  kms_key_arn       = module.data_bucket.kms_key_arn
  read_prefixes     = concat(["${module.data_bucket.prefixes.curated}metrics/"], local.quality_prefixes)
  results_prefix    = module.data_bucket.prefixes.athena_results
}

module "observability" {
  source = "../observability"

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
  pos_queue = {
    name                   = module.pos_events.queue_name
    dead_letter_queue_name = module.pos_events.dead_letter_queue_name
  }
  alarms = {
    enabled                 = var.observability.alarms_enabled
    job_stale_hours         = var.observability.job_stale_hours
    pos_queue_max_age_hours = var.observability.pos_queue_max_age_hours
  }
  dashboard_enabled = var.observability.dashboard_enabled
  prevent_destroy   = var.prevent_destroy
}
