# The cinema platform, composed once: module calls and the wiring between them. Every
# environment root (terraform/<env>) calls this module with its tfvars. Names are
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

  # The metric tables, declared once (scripts/glue/cinema_metrics/metrics/<name>.py) and exported
  # by `make generate`. Everything over them follows from this file: the DynamoDB tables, the job's
  # and the connector's IAM, the throttle alarms, the dashboard widget and the trail's data events
  # (through module.metric_tables' outputs), and the Glue catalog tables. No module keeps a list.
  metric_tables_file = "${local.repo_root}/scripts/athena/metric_tables.json"
  metric_tables      = jsondecode(file(local.metric_tables_file)).tables

  # The data-quality tables (cinema_metrics/catalog.py QUALITY_TABLES, exported by `make generate`):
  # the job's quarantine/ and runs/ folders under the curated prefix, catalogued by glue_catalog
  # and read by whoever reads the curated metrics through Athena (QuickSight's role).
  quality_tables_file = "${local.repo_root}/scripts/athena/quality_tables.json"
  quality_prefixes    = [for t in jsondecode(file(local.quality_tables_file)).tables : "${module.data_bucket.prefixes.curated}${t.folder}/"]

  # Where the JDBC readers run: the network module's subnet, a subnet given in mysql (network
  # managed elsewhere: no known route to S3, so the plan fails until one is declared), or none.
  placement = var.network.enabled ? {
    subnet_id          = module.network[0].subnet_id
    security_group_ids = [module.network[0].security_group_id]
    availability_zone  = module.network[0].availability_zone
    s3_route           = module.network[0].s3_route
    } : var.mysql.subnet_id == null ? null : {
    subnet_id          = var.mysql.subnet_id
    security_group_ids = coalesce(var.mysql.security_group_ids, [])
    availability_zone  = var.mysql.availability_zone
    s3_route           = null
  }
  mysql = merge(var.mysql, {
    subnet_id          = try(local.placement.subnet_id, null)
    security_group_ids = try(local.placement.security_group_ids, [])
    availability_zone  = try(local.placement.availability_zone, null)
    s3_route           = try(local.placement.s3_route, null)
  })
}

module "network" {
  source = "../network"
  count  = var.network.enabled ? 1 : 0

  name_prefix = local.name_prefix
  tags        = local.tags
  vpc = merge(var.network.vpc, {
    route_table_ids = coalesce(var.network.vpc.route_table_ids, [])
    cidr_block      = coalesce(var.network.vpc.cidr_block, "10.42.0.0/24")
  })
  database = {
    cidr_blocks = coalesce(var.network.database_cidr_blocks, ["10.0.0.0/8"])
    port        = var.network.database_port
  }
  gateway_endpoints   = var.network.gateway_endpoints
  interface_endpoints = var.network.interface_endpoints
  egress_via_nat      = var.network.egress_via_nat
  describe_rules      = var.network.describe_rules
}

module "data_bucket" {
  source = "../data_bucket"

  name_prefix              = local.name_prefix
  tags                     = local.tags
  force_destroy            = var.data_bucket.force_destroy
  enforce_tls              = var.data_bucket.enforce_tls
  kms_deletion_window_days = var.data_bucket.kms_deletion_window_days
  lifecycle_days           = var.data_bucket.lifecycle_days
  access_logging           = { enabled = var.data_bucket.access_logging }
  prevent_destroy          = var.prevent_destroy
}

# raw/pos/, the source of every number, replicated to an Object Lock vault of its own (no delete
# markers): a file deleted or overwritten by mistake in the data bucket keeps its copy.
module "pos_vault" {
  source = "../pos_vault"
  count  = var.pos_vault.enabled ? 1 : 0

  name_prefix = local.name_prefix
  tags        = local.tags
  source_bucket = {
    name              = module.data_bucket.bucket_name
    arn               = module.data_bucket.bucket_arn
    kms_key_arn       = module.data_bucket.kms_key_arn
    versioning_status = module.data_bucket.versioning_status
  }
  prefix                   = module.data_bucket.prefixes.pos
  retention_days           = var.pos_vault.retention_days
  object_lock              = var.pos_vault.object_lock
  create_replication       = var.pos_vault.create_replication
  enforce_tls              = var.data_bucket.enforce_tls
  force_destroy            = var.pos_vault.force_destroy
  kms_deletion_window_days = var.data_bucket.kms_deletion_window_days
  prevent_destroy          = var.prevent_destroy
}

module "metric_tables" {
  source = "../metric_tables"

  name_prefix = local.name_prefix
  tags        = local.tags
  tables = {
    for name, t in local.metric_tables : name => { hash_key = t.dynamodb.hash_key, range_key = t.dynamodb.range_key }
  }
  point_in_time_recovery   = var.metric_tables.point_in_time_recovery
  deletion_protection      = var.metric_tables.deletion_protection
  kms_deletion_window_days = var.data_bucket.kms_deletion_window_days
  prevent_destroy          = var.prevent_destroy
}

module "pos_events" {
  source = "../pos_events"

  name_prefix = local.name_prefix
  tags        = local.tags
  bucket_name = module.data_bucket.bucket_name
  bucket_arn  = module.data_bucket.bucket_arn
  pos_prefix  = module.data_bucket.prefixes.pos
  kms_key_arn = module.data_bucket.kms_key_arn

  restrict_dead_letter_sources = var.pos_events.restrict_dead_letter_sources
}

module "glue_catalog" {
  source = "../glue_catalog"

  name_prefix                = local.name_prefix
  tags                       = local.tags
  bucket_name                = module.data_bucket.bucket_name
  bucket_arn                 = module.data_bucket.bucket_arn
  kms_key_arn                = module.data_bucket.kms_key_arn
  pos_prefix                 = module.data_bucket.prefixes.pos
  metrics_prefix             = "${module.data_bucket.prefixes.curated}metrics/"
  metric_tables_schema_file  = local.metric_tables_file
  quality_prefix             = module.data_bucket.prefixes.curated
  quality_tables_schema_file = local.quality_tables_file
  mysql                      = local.mysql
  crawlers                   = var.crawlers
  catalog_encryption         = var.catalog_encryption
}

module "glue_job" {
  source = "../glue_job"

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
  vpc                  = local.placement
  metric_tables = {
    table_prefix = "${local.name_prefix}-"
    table_arns   = module.metric_tables.table_arns
    kms_key_arn  = module.metric_tables.kms_key_arn
  }
  script_path         = coalesce(var.job_package.script_path, "${local.repo_root}/build/glue/glue_job.py")
  package_path        = coalesce(var.job_package.package_path, "${local.repo_root}/build/glue/cinema_metrics.zip")
  job                 = var.glue_job
  start_after_crawler = module.glue_catalog.crawler_names.jdbc
  pos_queue = {
    url         = module.pos_events.queue_url
    arn         = module.pos_events.queue_arn
    kms_key_arn = module.data_bucket.kms_key_arn
  }
  accepted_keys_table = {
    name = module.metric_tables.accepted_keys_table_name
    arn  = module.metric_tables.accepted_keys_table_arn
  }
  log_retention_days = var.job_log_retention_days
  alarms = {
    email                      = var.alarm_email
    quarantine_ratio_threshold = var.quarantine_ratio_threshold
  }
}
