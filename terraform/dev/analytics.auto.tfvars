# dev: cheapest useful shape: workgroup and saved queries, alarms and dashboard; no connector,
# no QuickSight, no trail (the account-level trail of the organisation covers management events).
athena = {
  bytes_scanned_cutoff_per_query = 104857600
  enable_dynamodb_connector      = false
  connector_memory_mb            = 512
  saved_queries                  = true
  force_destroy                  = true
}

quicksight = {
  enabled       = false
  author_count  = 0
  reader_count  = 0
  readers_group = "cinema-dev-business-users"
  authors_group = "cinema-dev-authors"
}

observability = {
  cloudtrail_enabled = false
  log_retention_days = 14
  alarms_enabled     = true
  dashboard_enabled  = true
  job_stale_hours    = 5
  # every run drains the POS queue and dev runs every 6 hours: alarm past one missed run
  pos_queue_max_age_hours = 8
  force_destroy           = true
}
