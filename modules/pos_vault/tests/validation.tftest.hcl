# Native module tests of pos_vault (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix = "cinema-test"
  source_bucket = {
    name              = "cinema-test-data-123456789012"
    arn               = "arn:aws:s3:::cinema-test-data-123456789012"
    kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    versioning_status = "Enabled"
  }
}

run "replicates_raw_pos_to_a_locked_vault_without_delete_markers" {
  command = plan

  assert {
    condition     = aws_s3_bucket.vault[0].bucket == "cinema-test-pos-vault-123456789012" && aws_s3_bucket.vault[0].object_lock_enabled
    error_message = "the vault is <name_prefix>-pos-vault-<account id>, created with Object Lock"
  }
  assert {
    condition     = one(one(aws_s3_bucket_object_lock_configuration.vault[0].rule).default_retention).mode == "GOVERNANCE" && one(one(aws_s3_bucket_object_lock_configuration.vault[0].rule).default_retention).days == 90
    error_message = "governance mode, 90 days by default"
  }
  assert {
    condition     = one(aws_s3_bucket_replication_configuration.pos[0].rule).filter[0].prefix == "raw/pos/" && one(aws_s3_bucket_replication_configuration.pos[0].rule).delete_marker_replication[0].status == "Disabled"
    error_message = "raw/pos/ only, and delete markers are not replicated"
  }
  assert {
    condition     = length(aws_kms_key.vault) == 1 && length(aws_kms_key.vault_unprotected) == 0 && length(aws_s3_bucket.vault_unprotected) == 0
    error_message = "protected by default"
  }
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # name prefix must be lower case
    name_prefix = "Cinema"
    # the source must be versioned
    source_bucket = {
      name              = "cinema-test-data"
      arn               = "arn:aws:s3:::cinema-test-data"
      kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/x"
      versioning_status = "Suspended"
    }
    # a prefix ends with a slash
    prefix = "raw/pos"
    # retention is whole days
    retention_days = 0.5
    # kms deletion window is 7 to 30 days
    kms_deletion_window_days = 60
  }
  expect_failures = [
    var.name_prefix,
    var.source_bucket,
    var.prefix,
    var.retention_days,
    var.kms_deletion_window_days,
  ]
}
