# Fixture for the cost model: terraform/prod/terraform.tfvars with the crawler schedules below.
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

# PROPOSED for prod (the committed root crawls both daily, 8.80 USD/month): dimension schemas
# change rarely, so crawl MySQL weekly; the job lists raw POS files in S3 itself and the curated
# tables use partition projection, so the POS crawler runs on demand only (0.63 USD/month).
crawlers = {
  jdbc_schedule        = "cron(15 5 ? * MON *)"
  pos_schedule         = null
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
