# Native module tests of the metric_tables inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
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
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "cinema_test"
  }
  expect_failures = [var.name_prefix]
}

run "tables_must_not_be_empty" {
  command = plan
  variables {
    tables = {}
  }
  expect_failures = [var.tables]
}

run "table_names_must_be_snake_case" {
  command = plan
  variables {
    tables = { "Site-Daily" = {} }
  }
  expect_failures = [var.tables]
}

run "kms_deletion_window_is_7_to_30_days" {
  command = plan
  variables {
    kms_deletion_window_days = 31
  }
  expect_failures = [var.kms_deletion_window_days]
}
