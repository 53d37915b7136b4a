# Native module tests of the data_bucket inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix = "cinema-test"
}

run "plans_the_bucket_with_valid_inputs" {
  command = plan
  assert {
    condition     = aws_s3_bucket.this[0].bucket == "cinema-test-data-123456789012"
    error_message = "a null bucket_name derives <name_prefix>-data-<account id>"
  }
  assert {
    condition     = length(aws_kms_key.this) == 1 && length(aws_s3_bucket.logs) == 1 && length(aws_s3_bucket.this_unprotected) == 0 && length(aws_kms_key.this_unprotected) == 0
    error_message = "the protected bucket, key and log bucket by default"
  }
  assert {
    condition     = output.versioning_status == "Enabled"
    error_message = "the bucket is versioned (replication needs it)"
  }
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

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # name prefix must be lower case
    name_prefix = "Cinema"
    # bucket name must be an s3 name
    bucket_name = "ab"
    # kms deletion window is 7 to 30 days
    kms_deletion_window_days = 3
    # standard ia not before 30 days
    lifecycle_days = { raw_to_standard_ia = 10, raw_to_glacier_ir = 90 }
    # access log retention is positive
    access_logging = { retention_days = 0 }
  }
  expect_failures = [
    var.name_prefix,
    var.bucket_name,
    var.kms_deletion_window_days,
    var.lifecycle_days,
    var.access_logging,
  ]
}
