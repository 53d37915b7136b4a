# staging: the production shape at production cadence, with less protection.
project     = "cinema"
environment = "staging"
region      = "us-east-1"

glue_job = {
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = "cron(0 */2 * * ? *)"
  timeout_minutes   = 30
}

crawlers = {
  jdbc_schedule        = "cron(15 5 ? * MON *)" # weekly: ECR/CRM schemas rarely change
  pos_schedule         = null                   # on demand: the job reads raw/pos/ itself
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}

metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = false
}

mysql = {
  jdbc_url             = "jdbc:mysql://ecr-crm.staging.cinema.internal:3306/ecr"
  secret_recovery_days = 7
  subnet_id            = "subnet-0stg0000000000001"
  security_group_ids   = ["sg-0stg0000000000001"]
  availability_zone    = "us-east-1a"
}

data_bucket = {
  force_destroy            = false
  kms_deletion_window_days = 14
}

job_log_retention_days = 30
alarm_email            = null
