# dev: small and cheap; a developer may destroy it.
project     = "cinema"
environment = "dev"
region      = "us-east-1"

glue_job = {
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = "cron(0 */6 * * ? *)" # every 6 hours is enough to try changes
  timeout_minutes   = 30
}

crawlers = {
  jdbc_schedule        = "cron(15 5 * * ? *)"
  pos_schedule         = null # on demand in dev
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}

metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = false
}

# No credentials here: the Glue connection reads them from the Secrets Manager secret
# created by the glue_catalog module (its value is set out of band, see the module README).
mysql = {
  jdbc_url             = "jdbc:mysql://ecr-crm.dev.cinema.internal:3306/ecr"
  secret_recovery_days = 7
  subnet_id            = "subnet-0dev0000000000001"
  security_group_ids   = ["sg-0dev0000000000001"]
  availability_zone    = "us-east-1a"
}

data_bucket = {
  force_destroy            = true
  kms_deletion_window_days = 7
}

job_log_retention_days = 14
alarm_email            = null
