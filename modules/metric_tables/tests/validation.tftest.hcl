# Native module tests of the metric_tables inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix = "cinema-test"
}

run "plans_the_five_tables_with_valid_inputs" {
  command = plan
  assert {
    condition     = length(aws_dynamodb_table.this) == 5
    error_message = "one table per metric of the contract by default"
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
