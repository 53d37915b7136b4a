# Native module tests of the data_bucket inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
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

run "plans_the_bucket_with_valid_inputs" {
  command = plan
  assert {
    condition     = aws_s3_bucket.this.bucket == "cinema-test-data-123456789012"
    error_message = "a null bucket_name derives <name_prefix>-data-<account id>"
  }
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "Cinema"
  }
  expect_failures = [var.name_prefix]
}

run "bucket_name_must_be_an_s3_name" {
  command = plan
  variables {
    bucket_name = "ab"
  }
  expect_failures = [var.bucket_name]
}

run "kms_deletion_window_is_7_to_30_days" {
  command = plan
  variables {
    kms_deletion_window_days = 3
  }
  expect_failures = [var.kms_deletion_window_days]
}

run "standard_ia_not_before_30_days" {
  command = plan
  variables {
    lifecycle_days = { raw_to_standard_ia = 10, raw_to_glacier_ir = 90 }
  }
  expect_failures = [var.lifecycle_days]
}

run "glacier_ir_at_least_30_days_after_standard_ia" {
  command = plan
  variables {
    lifecycle_days = { raw_to_standard_ia = 30, raw_to_glacier_ir = 45 }
  }
  expect_failures = [var.lifecycle_days]
}

run "lifecycle_days_are_whole_days" {
  command = plan
  variables {
    lifecycle_days = { tmp_expiration = 0 }
  }
  expect_failures = [var.lifecycle_days]
}

run "access_log_retention_is_positive" {
  command = plan
  variables {
    access_logging = { retention_days = 0 }
  }
  expect_failures = [var.access_logging]
}
