variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\"; resources are named \"<name_prefix>-<purpose>\" (the vault bucket \"<name_prefix>-pos-vault-<account id>\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must match ^[a-z][a-z0-9-]{1,40}$ (lower case, digits, hyphens)."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}

variable "source_bucket" {
  description = "The bucket whose prefix is replicated (modules/data_bucket outputs): name, arn, kms_key_arn (its SSE-KMS key: the replication role decrypts with it through S3) and versioning_status (S3 replicates only a versioned bucket; passing the output also orders the replication after it). This module owns the bucket's replication configuration (S3 keeps one per bucket)."
  type = object({
    name              = string
    arn               = string
    kms_key_arn       = string
    versioning_status = string
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_bucket.arn)) && endswith(var.source_bucket.arn, ":${var.source_bucket.name}")
    error_message = "source_bucket.arn must be the S3 ARN of source_bucket.name (arn:<partition>:s3:::<name>)."
  }
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.source_bucket.kms_key_arn))
    error_message = "source_bucket.kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
  validation {
    condition     = var.source_bucket.versioning_status == "Enabled"
    error_message = "source_bucket.versioning_status must be \"Enabled\": S3 refuses a replication configuration on an unversioned bucket."
  }
}

variable "prefix" {
  description = "Key prefix replicated to the vault (the POS files: raw/pos/). Objects keep their keys in the vault."
  type        = string
  default     = "raw/pos/"

  validation {
    condition     = endswith(var.prefix, "/") && !startswith(var.prefix, "/") && length(var.prefix) > 1
    error_message = "prefix must be a non-empty key prefix ending with \"/\" and not starting with one."
  }
}

variable "retention_days" {
  description = "Object Lock default retention (GOVERNANCE mode) of every replica, in days: nobody deletes or overwrites that version before it ends without s3:BypassGovernanceRetention. A version replaced by a newer replica expires this many days after it became noncurrent."
  type        = number
  default     = 90
  nullable    = false # null from the composition means "the default"

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 36500 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of days between 1 and 36500 (S3 Object Lock's limit is 100 years)."
  }
}

variable "object_lock" {
  description = "Create the vault with S3 Object Lock and its default retention (GOVERNANCE, retention_days). Object Lock can only be chosen when the bucket is created (changing it replaces the bucket). Keep true; false only where the S3 API lacks Object Lock (docs/EMULATOR_GAPS.md)."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_replication" {
  description = "Write the source bucket's replication configuration (the rule raw/pos/ -> vault). Keep true; false only where the S3 API reads the configuration back wrong (the emulator: docs/EMULATOR_GAPS.md), which leaves a vault nothing is replicated to."
  type        = bool
  default     = true
  nullable    = false
}

variable "enforce_tls" {
  description = "Deny every request not made over TLS (aws:SecureTransport = false) in the vault's bucket policy. Turn off only for the local emulator, which serves plain HTTP."
  type        = bool
  default     = true
  nullable    = false
}

variable "force_destroy" {
  description = "Let terraform destroy empty the vault first (the AWS provider removes governance-mode versions with the bypass header). Throwaway environments only."
  type        = bool
  default     = false
  nullable    = false
}

variable "prevent_destroy" {
  description = "Protect the vault bucket and its KMS key with lifecycle prevent_destroy: a destroy or a replacement then fails with \"Instance cannot be destroyed\". False only for a throwaway environment (SECURITY.md)."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_deletion_window_days" {
  description = "Waiting period (days) before the vault's KMS key is deleted after destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
