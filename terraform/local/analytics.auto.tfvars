# local (moto): everything the emulator can create and destroy. Off, each with the error seen
# (docs/EMULATOR_GAPS.md): the connector (no Serverless Application Repository backend),
# saved queries (DeleteNamedQuery not implemented: destroy would hang), QuickSight
# (DescribeDataSource answers a timestamp the provider cannot decode), CloudTrail (DeleteTrail
# by ARN is a silent no-op and DescribeTrails ignores its name filter, so a second apply fails).
athena = {
  bytes_scanned_cutoff_per_query = 104857600
  enable_dynamodb_connector      = false
  connector_memory_mb            = 512
  saved_queries                  = false
  force_destroy                  = true
}

quicksight = {
  enabled      = false
  author_count = 0
  reader_count = 0
}

observability = {
  cloudtrail_enabled   = false
  log_data_event_reads = true
  trail_retention_days = 90
  log_retention_days   = 7
  alarms_enabled       = true
  dashboard_enabled    = true
  job_stale_hours      = 5
  force_destroy        = true
}
