# The vault of raw/pos/, the source of every number: S3 replicates every new object version under
# the data bucket's POS prefix to a bucket of its own, with Object Lock (governance mode, a default
# retention), versioning, its own customer-managed KMS key, a public access block and a TLS-only
# policy. Delete markers are NOT replicated: deleting or overwriting a file in the data bucket
# (an operator's mistake, a faulty exporter, a stolen operator key) leaves the vault's copy, and
# the retention keeps even the vault's own versions from being deleted without the
# s3:BypassGovernanceRetention permission and header. Its own key: the data key's deletion does
# not take the copies with it. Same region and account (the threat is a mistake, not a region).
#
# This module owns the data bucket's replication configuration (S3 keeps one per bucket).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  region      = data.aws_region.current.id
  root_arn    = "arn:${local.partition}:iam::${local.account_id}:root"
  bucket_name = "${var.name_prefix}-pos-vault-${local.account_id}"
  role_name   = "${var.name_prefix}-pos-replication"
  via_s3      = "s3.${local.region}.amazonaws.com"
  vault_arn   = "arn:${local.partition}:s3:::${local.bucket_name}" # known at plan time
}

# ------------------------------------------------------------------------------ vault key
data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:key policy: resources = ["*"] means this key; the only principal is this account (IAM decides who)
  #checkov:skip=CKV_AWS_111:key policy: resources = ["*"] means this key; the only principal is this account (IAM decides who)
  #checkov:skip=CKV_AWS_356:key policy: resources = ["*"] means this key; the only principal is this account (IAM decides who)
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

  # Use only through S3 in this region, by principals of this account that IAM allows: the
  # replication role (Encrypt, GenerateDataKey) and an operator restoring a copy (Decrypt).
  statement {
    sid = "KeyUseThroughS3"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.via_s3]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }
}

# prevent_destroy takes no variable: protected (the default) and an unprotected twin for
# throwaway environments (var.prevent_destroy = false); exactly one of each exists. A bucket's own
# configuration resources name both twins in `bucket` (see modules/data_bucket: scanners follow it).
resource "aws_kms_key" "vault" {
  count = var.prevent_destroy ? 1 : 0

  description             = "${var.name_prefix} raw/pos/ vault"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-pos-vault" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_key" "vault_unprotected" {
  count = var.prevent_destroy ? 0 : 1

  description             = "${var.name_prefix} raw/pos/ vault"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-pos-vault" })
}

locals {
  key    = one(concat(aws_kms_key.vault, aws_kms_key.vault_unprotected))
  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected))
}

resource "aws_kms_alias" "vault" {
  name          = "alias/${var.name_prefix}-pos-vault"
  target_key_id = local.key.key_id
}

# ------------------------------------------------------------------------------ vault bucket
resource "aws_s3_bucket" "vault" {
  #checkov:skip=CKV2_AWS_62:nothing consumes vault events; only S3 replication writes there
  #checkov:skip=CKV_AWS_144:the vault is the replica of raw/pos/; same region by design (the threat is an operator's mistake, not a region)
  #checkov:skip=CKV_AWS_18:only S3 replication writes the vault; every request is a CloudTrail event of the account's trail
  count = var.prevent_destroy ? 1 : 0

  bucket              = local.bucket_name
  object_lock_enabled = var.object_lock
  force_destroy       = var.force_destroy
  tags                = merge(var.tags, { Name = local.bucket_name })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket" "vault_unprotected" {
  #checkov:skip=CKV2_AWS_62:nothing consumes vault events; only S3 replication writes there
  #checkov:skip=CKV_AWS_144:the vault is the replica of raw/pos/; same region by design (the threat is an operator's mistake, not a region)
  #checkov:skip=CKV_AWS_18:only S3 replication writes the vault; every request is a CloudTrail event of the account's trail
  count = var.prevent_destroy ? 0 : 1

  bucket              = local.bucket_name
  object_lock_enabled = var.object_lock
  force_destroy       = var.force_destroy
  tags                = merge(var.tags, { Name = local.bucket_name })
}

resource "aws_s3_bucket_ownership_controls" "vault" {
  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "vault" {
  bucket                  = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Object Lock turns versioning on by itself; declared so the module says so and replication
# (which needs versioning on both buckets) is ordered after it.
resource "aws_s3_bucket_versioning" "vault" {
  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "vault" {
  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.key.arn
    }
    bucket_key_enabled = true
  }
}

# Every replica gets the default retention when it lands: no one deletes or overwrites that
# version for retention_days without s3:BypassGovernanceRetention and its header.
resource "aws_s3_bucket_object_lock_configuration" "vault" {
  count = var.object_lock ? 1 : 0

  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.vault]
}

# Current copies stay (they are raw/pos/); a version replaced by a newer replica (the file was
# overwritten at the source) goes once its retention has passed; unfinished uploads after a day.
resource "aws_s3_bucket_lifecycle_configuration" "vault" {
  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  rule {
    id     = "noncurrent-replicas-after-retention"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.vault]
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

resource "aws_s3_bucket_policy" "vault" {
  count  = var.enforce_tls ? 1 : 0
  bucket = one(concat(aws_s3_bucket.vault, aws_s3_bucket.vault_unprotected)).id
  policy = data.aws_iam_policy_document.bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.vault]
}

# ------------------------------------------------------------------------------ replication role
# AWS's live-replication trust: s3.amazonaws.com. What the role may do names only this bucket's
# POS prefix, the vault and the two keys (through S3), so no other bucket can use it for more.
data "aws_iam_policy_document" "assume_s3" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "replication" {
  name               = local.role_name
  description        = "S3 replication of ${var.source_bucket.name}/${var.prefix} to the Object Lock vault ${local.bucket_name}"
  assume_role_policy = data.aws_iam_policy_document.assume_s3.json
  tags               = var.tags
}

data "aws_iam_policy_document" "replication" {
  statement {
    sid       = "SourceReplicationConfiguration"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [var.source_bucket.arn]
  }

  statement {
    sid       = "ReadSourceVersions"
    actions   = ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"]
    resources = ["${var.source_bucket.arn}/${var.prefix}*"]
  }

  # No s3:ReplicateDelete: deletes and delete markers never reach the vault.
  statement {
    sid       = "WriteReplicas"
    actions   = ["s3:ReplicateObject", "s3:ReplicateTags"]
    resources = ["${local.vault_arn}/${var.prefix}*"]
  }

  # The data bucket and the vault use S3 Bucket Keys: the encryption context is the bucket's ARN
  # (the object's without a bucket key).
  statement {
    sid       = "DecryptSourceThroughS3"
    actions   = ["kms:Decrypt"]
    resources = [var.source_bucket.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.via_s3]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [var.source_bucket.arn, "${var.source_bucket.arn}/${var.prefix}*"]
    }
  }

  statement {
    sid       = "EncryptReplicasThroughS3"
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [local.key.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.via_s3]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [local.vault_arn, "${local.vault_arn}/${var.prefix}*"]
    }
  }
}

resource "aws_iam_role_policy" "replication" {
  name   = local.role_name
  role   = aws_iam_role.replication.id
  policy = data.aws_iam_policy_document.replication.json
}

# ------------------------------------------------------------------------------ replication
resource "aws_s3_bucket_replication_configuration" "pos" {
  count = var.create_replication ? 1 : 0

  bucket = var.source_bucket.name
  role   = aws_iam_role.replication.arn

  rule {
    id     = "raw-pos-to-vault"
    status = "Enabled"

    filter {
      prefix = var.prefix
    }

    # The point of the vault: a delete at the source stays at the source.
    delete_marker_replication {
      status = "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket        = local.bucket.arn
      storage_class = "STANDARD" # POS files are small: IA and Glacier bill 128 KB per object
      encryption_configuration {
        replica_kms_key_id = local.key.arn
      }
    }
  }

  # The source's versioning: ordered by source_bucket.versioning_status (module.data_bucket output).
  depends_on = [aws_s3_bucket_versioning.vault, aws_iam_role_policy.replication]
}
