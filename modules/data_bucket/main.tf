# The multipurpose data bucket of the platform: raw sources, job code, temp files, curated
# metrics, Athena results, connector spill, backups and logs, each under its own prefix with
# its own lifecycle. One customer-managed KMS key encrypts the bucket and is shared by the
# other modules (Glue security configurations, Secrets Manager, CloudWatch Logs, SNS).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  bucket_name = coalesce(var.bucket_name, "${var.name_prefix}-data-${local.account_id}")
  log_bucket  = "${var.name_prefix}-access-logs-${local.account_id}"
  # One folder per source bucket, so the log bucket can serve more buckets later.
  access_log_prefix = "s3-access/${local.bucket_name}/"
  root_arn          = "arn:${local.partition}:iam::${local.account_id}:root"
  # `id` is the region name on provider 5.x and 6.x (6.x deprecates `name`).
  region = data.aws_region.current.id

  prefixes = {
    raw            = "raw/"
    pos            = "raw/pos/"
    scripts        = "scripts/"
    tmp            = "tmp/"
    curated        = "curated/"
    quarantine     = "curated/quarantine/"
    state          = "curated/_state/"
    athena_results = "athena-results/"
    spill          = "spill/"
    backups        = "backups/"
    logs           = "logs/"
  }

  expiring_prefixes = {
    tmp            = var.lifecycle_days.tmp_expiration
    athena-results = var.lifecycle_days.athena_results_expiration
    spill          = var.lifecycle_days.spill_expiration
    logs           = var.lifecycle_days.logs_expiration
  }
}

# ------------------------------------------------------------------------------ KMS key
data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  #checkov:skip=CKV_AWS_111:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  #checkov:skip=CKV_AWS_356:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  # Key administration stays with the account (IAM decides who); no wildcard actions.
  statement {
    sid = "KeyAdministration"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DescribeKey",
      "kms:DisableKey", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
      "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy",
      "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
      "kms:UpdateAlias", "kms:UpdateKeyDescription",
    ]
    resources = ["*"] # in a key policy "*" means this key
  }

  # Cryptographic use by principals of this account that an IAM policy allows on this key
  # (the Glue roles, the Athena workgroup users); other accounts never.
  statement {
    sid = "KeyUseByAccountPrincipals"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }

  # CloudWatch Logs encrypts the Glue log groups of this account with the key. Logs calls KMS
  # as the REGIONAL principal logs.<region>.amazonaws.com (AWS docs: encrypt-log-data-kms);
  # with logs.amazonaws.com, creating a KMS-encrypted log group fails with AccessDenied.
  statement {
    sid = "CloudWatchLogsOfThisAccount"
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # EventBridge and CloudWatch alarms publish to the KMS-encrypted SNS alarm topic.
  statement {
    sid = "AlarmPublishersToEncryptedTopic"
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  # S3 sends the POS object events to the KMS-encrypted queue (modules/pos_events): it needs
  # a data key for each message, for this account's buckets only.
  statement {
    sid = "S3EventsToEncryptedQueue"
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# prevent_destroy takes no variable, so each stateful resource is declared twice: the protected
# one (the default; a destroy or a replacement fails with "Instance cannot be destroyed") and an
# unprotected twin for throwaway environments (var.prevent_destroy = false). Exactly one of the
# two exists; everything refers to it through a local, except a bucket's own configuration
# resources (ownership, public access block, versioning, encryption, policy, lifecycle, logging),
# whose `bucket` names both twins with the local's expression: scanners that follow references
# (checkov's plan graph, the inventories' encryption rule) then see which bucket they configure.
resource "aws_kms_key" "this" {
  count = var.prevent_destroy ? 1 : 0

  description             = "${var.name_prefix} data bucket, Glue, secrets, logs and alarms"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-data" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_key" "this_unprotected" {
  count = var.prevent_destroy ? 0 : 1

  description             = "${var.name_prefix} data bucket, Glue, secrets, logs and alarms"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-data" })
}

# State written before the twins (one key, one bucket) moves to the protected address: an
# existing environment upgrades without a replacement.
moved {
  from = aws_kms_key.this
  to   = aws_kms_key.this[0]
}

locals {
  key = one(concat(aws_kms_key.this, aws_kms_key.this_unprotected))
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-data"
  target_key_id = local.key.key_id
}

# ------------------------------------------------------------------------------ data bucket
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV2_AWS_62:the POS prefix's events are configured by modules/pos_events (aws_s3_bucket_notification)
  #checkov:skip=CKV_AWS_144:one region by design: raw/pos/ is replicated to the Object Lock vault of modules/pos_vault (same region), curated data is recomputed
  count = var.prevent_destroy ? 1 : 0

  bucket        = local.bucket_name
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = local.bucket_name })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket" "this_unprotected" {
  #checkov:skip=CKV2_AWS_62:the POS prefix's events are configured by modules/pos_events (aws_s3_bucket_notification)
  #checkov:skip=CKV_AWS_144:one region by design: raw/pos/ is replicated to the Object Lock vault of modules/pos_vault (same region), curated data is recomputed
  count = var.prevent_destroy ? 0 : 1

  bucket        = local.bucket_name
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = local.bucket_name })
}

moved {
  from = aws_s3_bucket.this
  to   = aws_s3_bucket.this[0]
}

locals {
  bucket = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected))
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.key.arn
    }
    bucket_key_enabled = true
  }
}

data "aws_iam_policy_document" "bucket" {
  count = var.enforce_tls ? 1 : 0

  statement {
    sid    = "DenyInsecureTransport"
    effect = "Deny"
    principals {
      type        = "AWS" # {"AWS": "*"} is the same as "*" (everyone), and moto can parse it
      identifiers = ["*"]
    }
    actions   = ["s3:*"]
    resources = [local.bucket.arn, "${local.bucket.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = var.enforce_tls ? 1 : 0
  bucket = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  policy = data.aws_iam_policy_document.bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  dynamic "rule" {
    for_each = local.expiring_prefixes
    content {
      id     = "expire-${rule.key}"
      status = "Enabled"
      filter {
        prefix = "${rule.key}/"
      }
      expiration {
        days = rule.value
      }
    }
  }

  rule {
    id     = "raw-to-cheaper-storage"
    status = "Enabled"
    filter {
      prefix = local.prefixes.raw
    }
    transition {
      days          = var.lifecycle_days.raw_to_standard_ia
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = var.lifecycle_days.raw_to_glacier_ir
      storage_class = "GLACIER_IR"
    }
  }

  rule {
    id     = "noncurrent-versions-and-multipart"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_days.noncurrent_version_expiration
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_days.abort_incomplete_multipart
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# ------------------------------------------------------------------------------ access logs
# A separate bucket: AWS recommends against logging a bucket into itself (every log write
# would be logged again), and server access log delivery supports only SSE-S3 default
# encryption on its target, which the KMS-encrypted data bucket is not.
# The access logs say who read and wrote the data: protected like the data itself.
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV2_AWS_62:nothing consumes bucket events: the job and the crawlers run on schedules
  #checkov:skip=CKV_AWS_144:access logs are diagnostics, kept in the bucket's region
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 (AES256) on the target bucket
  count         = var.access_logging.enabled && var.prevent_destroy ? 1 : 0
  bucket        = local.log_bucket
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = local.log_bucket })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket" "logs_unprotected" {
  #checkov:skip=CKV2_AWS_62:nothing consumes bucket events: the job and the crawlers run on schedules
  #checkov:skip=CKV_AWS_144:access logs are diagnostics, kept in the bucket's region
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 (AES256) on the target bucket
  count         = var.access_logging.enabled && !var.prevent_destroy ? 1 : 0
  bucket        = local.log_bucket
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = local.log_bucket })
}

locals {
  logs = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)) # null when logging is off
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  count  = var.access_logging.enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count                   = var.access_logging.enabled ? 1 : 0
  bucket                  = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  count  = var.access_logging.enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  #checkov:skip=CKV_CM_2:S3 server access log delivery supports only SSE-S3 (AES256) on the target bucket
  count  = var.access_logging.enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "logs" {
  count = var.access_logging.enabled ? 1 : 0

  dynamic "statement" {
    for_each = var.enforce_tls ? [1] : []
    content {
      sid    = "DenyInsecureTransport"
      effect = "Deny"
      principals {
        type        = "AWS" # {"AWS": "*"} is the same as "*" (everyone), and moto can parse it
        identifiers = ["*"]
      }
      actions   = ["s3:*"]
      resources = [local.logs.arn, "${local.logs.arn}/*"]
      condition {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
      }
    }
  }

  statement {
    sid = "S3ServerAccessLogDelivery"
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    actions   = ["s3:PutObject"]
    resources = ["${local.logs.arn}/${local.access_log_prefix}*"]
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.bucket.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  count  = var.access_logging.enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  policy = data.aws_iam_policy_document.logs[0].json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  count  = var.access_logging.enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  rule {
    id     = "expire-access-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = var.access_logging.retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

resource "aws_s3_bucket_logging" "this" {
  count         = var.access_logging.enabled ? 1 : 0
  bucket        = one(concat(aws_s3_bucket.this, aws_s3_bucket.this_unprotected)).id
  target_bucket = one(concat(aws_s3_bucket.logs, aws_s3_bucket.logs_unprotected)).id
  target_prefix = local.access_log_prefix

  depends_on = [aws_s3_bucket_policy.logs]
}
