athena = {
  bytes_scanned_cutoff_per_query = 1073741824
  enable_dynamodb_connector      = true
  connector_memory_mb            = 1024
}
quicksight = {
  enabled      = true
  author_count = 1
  reader_count = 3
}
observability = { cloudtrail_enabled = true, log_retention_days = 30 }
