# Native module tests of the job's input rules (terraform test, mock provider: no AWS calls).
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix   = "cinema-test"
  bucket_name   = "cinema-test-data"
  bucket_arn    = "arn:aws:s3:::cinema-test-data"
  prefixes      = { pos = "raw/pos/", scripts = "scripts/", tmp = "tmp/", curated = "curated/", state = "curated/_state/", logs = "logs/" }
  kms_key_arn   = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  database_name = "cinema_test"
  metric_tables = {
    table_prefix = "cinema-test-"
    table_arns   = { site_daily = "arn:aws:dynamodb:us-east-1:123456789012:table/cinema-test-site_daily" }
    kms_key_arn  = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001"
  }
  # any file that exists (the mock provider uploads nothing), at the same path from the module and
  # from the generated root that runs every module's tests (tests/terraform/tfharness.py)
  script_path  = "../../tests/terraform/mocks/aws.tfmock.hcl"
  package_path = "../../tests/terraform/mocks/aws.tfmock.hcl"
}

run "flex_on_g025x_is_refused" {
  command = plan
  variables {
    job = { execution_class = "FLEX", worker_type = "G.025X" }
  }
  expect_failures = [var.job]
}

run "reconcile_rate_schedule_is_refused" {
  command = plan
  variables {
    job = { reconcile_schedule = "rate(7 days)" }
  }
  expect_failures = [var.job]
}

run "rate_schedule_is_refused" {
  command = plan
  variables {
    job = { schedule = "rate(2 hours)" }
  }
  expect_failures = [var.job]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # flex without retries is refused
    job = { execution_class = "FLEX", max_retries = 0 }
    # glue 4 is refused
    glue_version = "4.0"
    # pos queue arn must be sqs
    pos_queue = { url = "https://sqs.us-east-1.amazonaws.com/123456789012/q", arn = "arn:aws:sns:us-east-1:123456789012:q" }
    # the job writes at least one metric table, named by its ARN
    metric_tables = { table_prefix = "cinema-test-", table_arns = {}, kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001" }
  }
  expect_failures = [
    var.job,
    var.glue_version,
    var.pos_queue,
    var.metric_tables,
  ]
}
