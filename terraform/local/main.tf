# Composition only: module calls and the wiring between them. Names are
# "<project>-<environment>-<purpose>", tags come from one map.

locals {
  name_prefix = "${var.project}-${var.environment}"
  tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
    Repository  = "cinema-metrics"
  }
  repo_root = "${path.module}/../.."
}

module "data_bucket" {
  source = "../../modules/data_bucket"

  name_prefix              = local.name_prefix
  tags                     = local.tags
  force_destroy            = var.data_bucket.force_destroy
  enforce_tls              = var.data_bucket.enforce_tls
  kms_deletion_window_days = var.data_bucket.kms_deletion_window_days
  lifecycle_days           = var.data_bucket.lifecycle_days
  access_logging           = { enabled = var.data_bucket.access_logging }
}

module "metric_tables" {
  source = "../../modules/metric_tables"

  name_prefix              = local.name_prefix
  tags                     = local.tags
  point_in_time_recovery   = var.metric_tables.point_in_time_recovery
  deletion_protection      = var.metric_tables.deletion_protection
  kms_deletion_window_days = var.data_bucket.kms_deletion_window_days
}

module "glue_catalog" {
  source = "../../modules/glue_catalog"

  name_prefix               = local.name_prefix
  tags                      = local.tags
  bucket_name               = module.data_bucket.bucket_name
  bucket_arn                = module.data_bucket.bucket_arn
  kms_key_arn               = module.data_bucket.kms_key_arn
  pos_prefix                = module.data_bucket.prefixes.pos
  metrics_prefix            = "${module.data_bucket.prefixes.curated}metrics/"
  metric_tables_schema_file = "${local.repo_root}/scripts/athena/metric_tables.json"
  mysql                     = var.mysql
  crawlers                  = var.crawlers
  catalog_encryption        = var.catalog_encryption
}

module "glue_job" {
  source = "../../modules/glue_job"

  name_prefix          = local.name_prefix
  tags                 = local.tags
  bucket_name          = module.data_bucket.bucket_name
  bucket_arn           = module.data_bucket.bucket_arn
  prefixes             = module.data_bucket.prefixes
  kms_key_arn          = module.data_bucket.kms_key_arn
  database_name        = module.glue_catalog.database_name
  catalog_table_prefix = module.glue_catalog.jdbc_table_prefix
  connection_name      = module.glue_catalog.jdbc_connection_name
  secret_arn           = module.glue_catalog.secret_arn
  vpc = var.mysql.subnet_id == null ? null : {
    subnet_id          = var.mysql.subnet_id
    security_group_ids = var.mysql.security_group_ids
  }
  metric_tables = {
    table_prefix = "${local.name_prefix}-"
    table_arns   = module.metric_tables.table_arns
    kms_key_arn  = module.metric_tables.kms_key_arn
  }
  script_path        = coalesce(var.job_package.script_path, "${local.repo_root}/build/glue/glue_job.py")
  package_path       = coalesce(var.job_package.package_path, "${local.repo_root}/build/glue/cinema_metrics.zip")
  job                = var.glue_job
  log_retention_days = var.job_log_retention_days
  alarms = {
    email                      = var.alarm_email
    quarantine_ratio_threshold = var.quarantine_ratio_threshold
  }
}
