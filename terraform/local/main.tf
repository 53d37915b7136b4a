# local: the cinema platform (modules/cinema_platform) with this folder's tfvars. Only
# values differ between environments: variables.tf and outputs.tf are symlinks to the
# declarations in modules/cinema_platform/root/, which every root shares.
module "platform" {
  source = "../../modules/cinema_platform"

  project                    = var.project
  environment                = var.environment
  region                     = var.region
  glue_job                   = var.glue_job
  crawlers                   = var.crawlers
  metric_tables              = var.metric_tables
  alarm_email                = var.alarm_email
  quarantine_ratio_threshold = var.quarantine_ratio_threshold
  job_log_retention_days     = var.job_log_retention_days
  mysql                      = var.mysql
  catalog_encryption         = var.catalog_encryption
  data_bucket                = var.data_bucket
  job_package                = var.job_package
  athena                     = var.athena
  quicksight                 = var.quicksight
  observability              = var.observability
  network                    = var.network
  pos_events                 = var.pos_events
  pos_vault                  = var.pos_vault
  prevent_destroy            = var.prevent_destroy
}
