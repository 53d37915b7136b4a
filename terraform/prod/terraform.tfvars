# prod: dashboards refreshed every 2 hours. 12 sites x ~7 screens x ~5 shows a day is a few
# thousand POS lines an hour: 2 G.1X workers on Flex finish a run in minutes.
project     = "cinema"
environment = "prod"
region      = "us-east-1"

glue_job = {
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = "cron(0 */2 * * ? *)"
  timeout_minutes   = 30
}

# Crawlers only keep the catalog's schemas current, and each run bills at least 10 minutes
# of 2 DPU: weekly for MySQL, on demand for POS (the seed re-crawled every 2 hours, $21/month).
crawlers = {
  jdbc_schedule        = "cron(15 5 ? * MON *)" # weekly: ECR/CRM schemas rarely change
  pos_schedule         = null                   # on demand: the job reads raw/pos/ itself
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}

metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = true
}

mysql = {
  jdbc_url             = "jdbc:mysql://ecr-crm.prod.cinema.internal:3306/ecr"
  secret_recovery_days = 30
  subnet_id            = "subnet-0prd0000000000001"
  security_group_ids   = ["sg-0prd0000000000001"]
  availability_zone    = "us-east-1a"
}

data_bucket = {
  force_destroy            = false
  kms_deletion_window_days = 30
}

catalog_encryption     = true
job_log_retention_days = 90
alarm_email            = "data-platform-alerts@cinema.example"
