variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\"; resources are named \"<name_prefix>-<purpose>\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must match ^[a-z][a-z0-9-]{1,40}$ (lower case, digits, hyphens)."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (merged with the provider default_tags)."
  type        = map(string)
  default     = {}
}

variable "bucket_name" {
  description = "Name of the data bucket. Null derives a globally unique one: \"<name_prefix>-data-<account id>\"."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 characters: lower case, digits, dots, hyphens)."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete the buckets with their objects. Keep false outside throwaway environments."
  type        = bool
  default     = false
  nullable    = false # null from the composition means "the default"
}

variable "kms_deletion_window_days" {
  description = "Waiting period (days) before the customer-managed KMS key is deleted after destroy."
  type        = number
  default     = 30
  nullable    = false # null from the composition means "the default"

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "lifecycle_days" {
  description = "Lifecycle rules per prefix, in days. Objects under tmp/, athena-results/, spill/ and logs/ expire; raw/ moves to STANDARD_IA then GLACIER_IR; noncurrent versions expire everywhere."
  type = object({
    tmp_expiration                = optional(number, 7)
    athena_results_expiration     = optional(number, 30)
    spill_expiration              = optional(number, 1)
    logs_expiration               = optional(number, 365)
    raw_to_standard_ia            = optional(number, 30)
    raw_to_glacier_ir             = optional(number, 90)
    noncurrent_version_expiration = optional(number, 30)
    abort_incomplete_multipart    = optional(number, 7)
  })
  default  = {}
  nullable = false # null from the composition means "the default"

  validation {
    condition     = var.lifecycle_days.raw_to_standard_ia >= 30
    error_message = "lifecycle_days.raw_to_standard_ia must be >= 30: S3 refuses STANDARD_IA transitions before 30 days."
  }
  validation {
    condition     = var.lifecycle_days.raw_to_glacier_ir >= var.lifecycle_days.raw_to_standard_ia + 30
    error_message = "lifecycle_days.raw_to_glacier_ir must be at least 30 days after raw_to_standard_ia (STANDARD_IA minimum storage duration)."
  }
  validation {
    condition     = alltrue([for k, v in var.lifecycle_days : v >= 1 && floor(v) == v])
    error_message = "Every lifecycle_days value must be a whole number of days >= 1."
  }
}

variable "access_logging" {
  description = "S3 server access logging of the data bucket into a separate log bucket \"<name_prefix>-access-logs-<account id>\" (SSE-S3: log delivery cannot write to SSE-KMS default-encrypted targets)."
  type = object({
    enabled        = optional(bool, true)
    retention_days = optional(number, 365)
  })
  default  = {}
  nullable = false # null from the composition means "the default"

  validation {
    condition     = var.access_logging.retention_days >= 1
    error_message = "access_logging.retention_days must be >= 1."
  }
}

variable "enforce_tls" {
  description = "Deny every request not made over TLS (aws:SecureTransport = false) in the bucket policies. Turn off only for the local emulator, which serves plain HTTP."
  type        = bool
  default     = true
  nullable    = false # null from the composition means "the default"
}

variable "prevent_destroy" {
  description = "Protect the data bucket, its KMS key and the access-log bucket with lifecycle prevent_destroy: a destroy or a replacement then fails with \"Instance cannot be destroyed\". False only for a throwaway environment (its documented teardown, SECURITY.md); an existing deployment's state moves to the protected addresses (moved blocks)."
  type        = bool
  default     = true
  nullable    = false # null from the composition means "the default"
}
