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
# Proposed for prod: dimension schemas change rarely (weekly JDBC crawl); the job reads raw POS
# files from S3 itself and the curated tables use partition projection, so the POS crawler
# runs on demand only.
crawlers = {
  jdbc_schedule        = "cron(15 5 ? * MON *)"
  pos_schedule         = null
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}
metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = true
}
