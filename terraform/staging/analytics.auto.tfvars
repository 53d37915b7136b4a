# staging: prod's shape (connector, trail) to rehearse changes; no QuickSight licences.
athena = {
  bytes_scanned_cutoff_per_query = 536870912
  enable_dynamodb_connector      = true
  connector_memory_mb            = 1024
  connector_timeout_seconds      = 900
  connector_semantic_version     = "2026.33.1"
  saved_queries                  = true
  force_destroy                  = false
}

quicksight = {
  enabled       = false
  author_count  = 0
  reader_count  = 0
  readers_group = "cinema-staging-business-users"
  authors_group = "cinema-staging-authors"
}

observability = {
  cloudtrail_enabled   = true
  log_data_event_reads = false # writes only: staging data is synthetic
  trail_retention_days = 90
  log_retention_days   = 30
  alarms_enabled       = true
  dashboard_enabled    = true
  job_stale_hours      = 5
  force_destroy        = false
}
