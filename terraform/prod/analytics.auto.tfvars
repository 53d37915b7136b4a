# prod analytics: the business team's dashboards, real-time look-ups and a full audit trail.
athena = {
  # Dashboard queries read a few MB of partition-pruned Parquet; 1 GiB stops a runaway scan
  # (about $0.005) long before it costs anything noticeable.
  bytes_scanned_cutoff_per_query = 1073741824
  enable_dynamodb_connector      = true
  connector_memory_mb            = 1024
  connector_timeout_seconds      = 900
  connector_semantic_version     = "2026.33.1"
  saved_queries                  = true
  force_destroy                  = false
}

# The seed's business team: 4 people (1 author who edits, 3 readers), SPICE refreshed hourly so
# the dashboards trail the 2-hourly job by at most an hour and readers never pay for scans.
quicksight = {
  enabled          = true
  author_count     = 1
  reader_count     = 3
  readers_group    = "cinema-prod-business-users"
  authors_group    = "cinema-prod-authors"
  create_groups    = true
  import_mode      = "SPICE"
  refresh_interval = "HOURLY"
  refresh_timezone = "America/Mexico_City"
  # Prerequisites (README "Deploying to AWS"): the account's QuickSight Enterprise subscription
  # (step 1: then account_subscribed = true) and the users below, registered in QuickSight.
  account_subscribed = true
  service_role_name  = "aws-quicksight-service-role-v0"
  author_user_names  = ["analytics-author"]
  reader_user_names  = ["gm-site-ops", "head-of-programming", "finance-controller"]
}

observability = {
  cloudtrail_enabled   = true
  log_data_event_reads = true # who read the metrics matters as much as who wrote them
  trail_retention_days = 400  # a year plus a quarter for the yearly audit
  log_retention_days   = 90
  alarms_enabled       = true
  dashboard_enabled    = true
  job_stale_hours      = 5 # two missed 2-hour runs
  force_destroy        = false
}
