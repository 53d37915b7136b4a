# Native module tests of the job's input rules (terraform test, mock provider: no AWS calls).
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name_prefix   = "cinema-test"
  bucket_name   = "cinema-test-data"
  bucket_arn    = "arn:aws:s3:::cinema-test-data"
  prefixes      = { pos = "raw/pos/", scripts = "scripts/", tmp = "tmp/", curated = "curated/", state = "curated/_state/", logs = "logs/" }
  kms_key_arn   = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  database_name = "cinema_test"
  metric_tables = { table_prefix = "cinema-test-", table_arns = {}, kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001" }
  script_path   = "tests/validation.tftest.hcl"
  package_path  = "tests/validation.tftest.hcl"
}

run "flex_without_retries_is_refused" {
  command = plan
  variables {
    job = { execution_class = "FLEX", max_retries = 0 }
  }
  expect_failures = [var.job]
}

run "flex_on_g025x_is_refused" {
  command = plan
  variables {
    job = { execution_class = "FLEX", worker_type = "G.025X" }
  }
  expect_failures = [var.job]
}

run "glue_4_is_refused" {
  command = plan
  variables {
    glue_version = "4.0"
  }
  expect_failures = [var.glue_version]
}

run "rate_schedule_is_refused" {
  command = plan
  variables {
    job = { schedule = "rate(2 hours)" }
  }
  expect_failures = [var.job]
}

run "pos_queue_arn_must_be_sqs" {
  command = plan
  variables {
    pos_queue = { url = "https://sqs.us-east-1.amazonaws.com/123456789012/q", arn = "arn:aws:sns:us-east-1:123456789012:q" }
  }
  expect_failures = [var.pos_queue]
}
