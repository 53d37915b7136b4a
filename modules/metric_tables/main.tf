# The DynamoDB metric tables, one per entry of var.tables (the composition passes every table
# of scripts/athena/metric_tables.json, exported from the metric declarations by `make
# generate`; docs/contract/metrics.md), and the accepted-keys table: on-demand, point-in-time
# recovery, encrypted with a customer-managed KMS key that only DynamoDB in this account may use.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  root_arn   = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"
}

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  #checkov:skip=CKV_AWS_111:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  #checkov:skip=CKV_AWS_356:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  statement {
    sid = "KeyAdministration"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
      "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases",
      "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant",
      "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
    ]
    resources = ["*"] # in a key policy "*" means this key
  }

  # Data-plane use only through DynamoDB, by principals of this account that IAM allows.
  statement {
    sid = "KeyUseThroughDynamoDB"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions   = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["dynamodb.*.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }
}

# prevent_destroy takes no variable, so the key and the tables are declared twice: protected (the
# default: a destroy or a replacement fails with "Instance cannot be destroyed") and an unprotected
# twin for throwaway environments (var.prevent_destroy = false). Exactly one of each exists.
resource "aws_kms_key" "this" {
  count = var.prevent_destroy ? 1 : 0

  description             = "${var.name_prefix} DynamoDB metric tables"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-metric-tables" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_key" "this_unprotected" {
  count = var.prevent_destroy ? 0 : 1

  description             = "${var.name_prefix} DynamoDB metric tables"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-metric-tables" })
}

# State written before the twins moves to the protected addresses (no replacement on upgrade).
moved {
  from = aws_kms_key.this
  to   = aws_kms_key.this[0]
}

moved {
  from = aws_dynamodb_table.accepted_keys
  to   = aws_dynamodb_table.accepted_keys[0]
}

locals {
  key           = one(concat(aws_kms_key.this, aws_kms_key.this_unprotected))
  tables        = merge(aws_dynamodb_table.this, aws_dynamodb_table.this_unprotected)
  accepted_keys = one(concat(aws_dynamodb_table.accepted_keys, aws_dynamodb_table.accepted_keys_unprotected))
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-metric-tables"
  target_key_id = local.key.key_id
}

resource "aws_dynamodb_table" "this" {
  for_each = var.prevent_destroy ? var.tables : {}

  name                        = "${var.name_prefix}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  attribute {
    name = each.value.range_key
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.key.arn
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-${each.key}", MetricTable = each.key })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_dynamodb_table" "this_unprotected" {
  for_each = var.prevent_destroy ? {} : var.tables

  name                        = "${var.name_prefix}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  attribute {
    name = each.value.range_key
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.key.arn
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-${each.key}", MetricTable = each.key })
}

# The POS line keys the job has accepted (transaction_id, line_no): a line seen again, in a
# re-sent file or a later one, is a duplicate. Same key, PITR and protection as the metric tables.
resource "aws_dynamodb_table" "accepted_keys" {
  count = var.prevent_destroy ? 1 : 0

  name                        = "${var.name_prefix}-accepted-keys"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "transaction_id"
  range_key                   = "line_no"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "transaction_id"
    type = "S"
  }

  attribute {
    name = "line_no"
    type = "N"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.key.arn
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-accepted-keys" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_dynamodb_table" "accepted_keys_unprotected" {
  count = var.prevent_destroy ? 0 : 1

  name                        = "${var.name_prefix}-accepted-keys"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "transaction_id"
  range_key                   = "line_no"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "transaction_id"
    type = "S"
  }

  attribute {
    name = "line_no"
    type = "N"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.key.arn
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-accepted-keys" })
}
