# Native module tests of the athena inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
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
  name_prefix        = "cinema-test"
  bucket_name        = "cinema-test-data"
  kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  glue_database_name = "cinema_test"
}

run "plans_a_workgroup_with_valid_inputs" {
  command = plan
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "Cinema_Test"
  }
  expect_failures = [var.name_prefix]
}

run "bucket_name_must_be_an_s3_name" {
  command = plan
  variables {
    bucket_name = "Not_A_Bucket"
  }
  expect_failures = [var.bucket_name]
}

run "kms_key_arn_must_be_a_key_arn" {
  command = plan
  variables {
    kms_key_arn = "alias/cinema"
  }
  expect_failures = [var.kms_key_arn]
}

run "results_prefix_must_end_with_a_slash" {
  command = plan
  variables {
    results_prefix = "athena-results"
  }
  expect_failures = [var.results_prefix]
}

run "spill_prefix_must_end_with_a_slash" {
  command = plan
  variables {
    spill_prefix = "spill"
  }
  expect_failures = [var.spill_prefix]
}

run "expected_bucket_owner_must_be_an_account_id" {
  command = plan
  variables {
    expected_bucket_owner = "12345"
  }
  expect_failures = [var.expected_bucket_owner]
}

run "bytes_scanned_cutoff_has_athenas_minimum" {
  command = plan
  variables {
    bytes_scanned_cutoff_per_query = 1048576
  }
  expect_failures = [var.bytes_scanned_cutoff_per_query]
}

run "glue_database_name_must_be_snake_case" {
  command = plan
  variables {
    glue_database_name = "Cinema-Test"
  }
  expect_failures = [var.glue_database_name]
}

run "connector_2023_46_2_is_refused" {
  command = plan
  variables {
    connector_semantic_version = "2023.46.2"
  }
  expect_failures = [var.connector_semantic_version]
}

run "connector_version_must_be_a_release_number" {
  command = plan
  variables {
    connector_semantic_version = "latest"
  }
  expect_failures = [var.connector_semantic_version]
}

run "connector_memory_is_bounded" {
  command = plan
  variables {
    connector_memory_mb = 4096
  }
  expect_failures = [var.connector_memory_mb]
}

run "connector_timeout_is_bounded" {
  command = plan
  variables {
    connector_timeout_seconds = 901
  }
  expect_failures = [var.connector_timeout_seconds]
}

run "connector_log_retention_must_be_a_cloudwatch_value" {
  command = plan
  variables {
    connector_log_retention_days = 10
  }
  expect_failures = [var.connector_log_retention_days]
}

run "dynamodb_table_arns_must_be_table_arns" {
  command = plan
  variables {
    dynamodb_table_arns = { site_daily = "arn:aws:s3:::cinema-test-data" }
  }
  expect_failures = [var.dynamodb_table_arns]
}

run "curated_prefix_must_end_with_a_slash" {
  command = plan
  variables {
    curated_prefix = "curated/metrics"
  }
  expect_failures = [var.curated_prefix]
}

run "dynamodb_kms_key_arn_must_be_a_key_arn" {
  command = plan
  variables {
    dynamodb_kms_key_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/x"
  }
  expect_failures = [var.dynamodb_kms_key_arn]
}

run "views_file_must_be_json" {
  command = plan
  variables {
    views_file = "views.sql"
  }
  expect_failures = [var.views_file]
}
