# Native module tests of the metric_tables inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
# The tables are an input (the composition passes the catalog's, scripts/athena/metric_tables.json);
# these runs use a small fixture of their own, so no count here follows the number of metrics.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix = "cinema-test"
  tables = {
    alpha = {}
    beta  = { hash_key = "h", range_key = "r" }
  }
}

run "plans_one_table_per_entry_with_valid_inputs" {
  command = plan
  assert {
    condition     = length(aws_dynamodb_table.this) == length(var.tables) && sort(keys(aws_dynamodb_table.this)) == sort(keys(var.tables))
    error_message = "one DynamoDB table per entry of var.tables"
  }
  assert {
    condition = alltrue([for k, t in aws_dynamodb_table.this : (
      t.name == "cinema-test-${k}" && t.hash_key == var.tables[k].hash_key && t.range_key == var.tables[k].range_key
    )])
    error_message = "each table is <name_prefix>-<name>, keyed as its entry says"
  }
  assert {
    condition     = aws_dynamodb_table.this["alpha"].hash_key == "pk" && aws_dynamodb_table.this["alpha"].range_key == "sk"
    error_message = "keys default to pk/sk"
  }
  assert {
    condition     = length(aws_dynamodb_table.accepted_keys) == 1 && length(aws_kms_key.this) == 1 && length(aws_dynamodb_table.this_unprotected) == 0
    error_message = "the protected tables and key by default"
  }
}

run "table_names_must_be_snake_case" {
  command = plan
  variables {
    tables = { "Site-Daily" = {} }
  }
  expect_failures = [var.tables]
}

run "hash_and_range_keys_must_differ" {
  command = plan
  variables {
    tables = { site_daily = { hash_key = "pk", range_key = "pk" } }
  }
  expect_failures = [var.tables]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # name prefix must be lower case
    name_prefix = "cinema_test"
    # tables must not be empty
    tables = {}
    # kms deletion window is 7 to 30 days
    kms_deletion_window_days = 31
  }
  expect_failures = [
    var.name_prefix,
    var.tables,
    var.kms_deletion_window_days,
  ]
}
