# Native module tests of the observability inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
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
  name_prefix           = "cinema-test"
  data_bucket_arn       = "arn:aws:s3:::cinema-test-data"
  dynamodb_table_arns   = { site_daily = "arn:aws:dynamodb:us-east-1:123456789012:table/cinema-test-site_daily" }
  glue_job_name         = "cinema-test-metrics"
  athena_workgroup_name = "cinema-test"
  sns_topic_arn         = "arn:aws:sns:us-east-1:123456789012:cinema-test-alerts"
}

run "plans_alarms_and_trail_with_valid_inputs" {
  command = plan
  variables {
    cloudtrail = { enabled = true }
  }
  assert {
    condition     = length(aws_cloudtrail.this) == 1
    error_message = "cloudtrail.enabled creates the trail"
  }
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "c"
  }
  expect_failures = [var.name_prefix]
}

run "trail_retention_at_least_a_quarter" {
  command = plan
  variables {
    cloudtrail = { enabled = true, retention_days = 30 }
  }
  expect_failures = [var.cloudtrail]
}

run "data_bucket_arn_must_be_an_s3_arn" {
  command = plan
  variables {
    data_bucket_arn = "cinema-test-data"
  }
  expect_failures = [var.data_bucket_arn]
}

run "dynamodb_table_arns_must_be_table_arns" {
  command = plan
  variables {
    dynamodb_table_arns = { site_daily = "cinema-test-site_daily" }
  }
  expect_failures = [var.dynamodb_table_arns]
}

run "sns_topic_arn_must_be_an_sns_arn" {
  command = plan
  variables {
    sns_topic_arn = "arn:aws:sqs:us-east-1:123456789012:cinema-test-alerts"
  }
  expect_failures = [var.sns_topic_arn]
}

run "job_stale_hours_within_a_day" {
  command = plan
  variables {
    alarms = { job_stale_hours = 48 }
  }
  expect_failures = [var.alarms]
}

run "alarm_thresholds_are_positive" {
  command = plan
  variables {
    alarms = { dynamodb_throttle_threshold = 0 }
  }
  expect_failures = [var.alarms]
}
