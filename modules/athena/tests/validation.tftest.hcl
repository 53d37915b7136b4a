# Native module tests of the athena inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix        = "cinema-test"
  bucket_name        = "cinema-test-data"
  kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  glue_database_name = "cinema_test"
}

run "plans_a_workgroup_with_valid_inputs" {
  command = plan
}

run "connector_version_must_be_a_release_number" {
  command = plan
  variables {
    connector_semantic_version = "latest"
  }
  expect_failures = [var.connector_semantic_version]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # name prefix must be lower case
    name_prefix = "Cinema_Test"
    # bucket name must be an s3 name
    bucket_name = "Not_A_Bucket"
    # kms key arn must be a key arn
    kms_key_arn = "alias/cinema"
    # results prefix must end with a slash
    results_prefix = "athena-results"
    # spill prefix must end with a slash
    spill_prefix = "spill"
    # expected bucket owner must be an account id
    expected_bucket_owner = "12345"
    # bytes scanned cutoff has athenas minimum
    bytes_scanned_cutoff_per_query = 1048576
    # glue database name must be snake case
    glue_database_name = "Cinema-Test"
    # connector 2023 46 2 is refused
    connector_semantic_version = "2023.46.2"
    # connector memory is bounded
    connector_memory_mb = 4096
    # connector timeout is bounded
    connector_timeout_seconds = 901
    # connector log retention must be a cloudwatch value
    connector_log_retention_days = 10
    # dynamodb table arns must be table arns
    dynamodb_table_arns = { site_daily = "arn:aws:s3:::cinema-test-data" }
    # curated prefix must end with a slash
    curated_prefix = "curated/metrics"
    # dynamodb kms key arn must be a key arn
    dynamodb_kms_key_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/x"
    # views file must be json
    views_file = "views.sql"
  }
  expect_failures = [
    var.name_prefix,
    var.bucket_name,
    var.kms_key_arn,
    var.results_prefix,
    var.spill_prefix,
    var.expected_bucket_owner,
    var.bytes_scanned_cutoff_per_query,
    var.glue_database_name,
    var.connector_semantic_version,
    var.connector_memory_mb,
    var.connector_timeout_seconds,
    var.connector_log_retention_days,
    var.dynamodb_table_arns,
    var.curated_prefix,
    var.dynamodb_kms_key_arn,
    var.views_file,
  ]
}
