variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\"; resources are named \"<name_prefix>-<purpose>\"."
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

variable "bucket_name" {
  description = "Bucket whose POS prefix sends its object events to the queue. This module owns the bucket's notification configuration (S3 keeps one per bucket)."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of that bucket (the queue accepts messages from it only)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN (arn:<partition>:s3:::<bucket>)."
  }
}

variable "pos_prefix" {
  description = "Key prefix whose ObjectCreated/ObjectRemoved events are queued (raw/pos/)."
  type        = string
  default     = "raw/pos/"

  validation {
    condition     = endswith(var.pos_prefix, "/") && !startswith(var.pos_prefix, "/")
    error_message = "pos_prefix must end with \"/\" and not start with one."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key of both queues; its policy must let s3.amazonaws.com of this account use it (kms:GenerateDataKey, kms:Decrypt), as modules/data_bucket's key does."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "queue" {
  description = "Queue settings: visibility_timeout_seconds (longer than a job run, which deletes what it processed at its end), message_retention_seconds, max_receive_count (receives before a message moves to the dead-letter queue)."
  type = object({
    visibility_timeout_seconds = optional(number, 3600)
    message_retention_seconds  = optional(number, 1209600)
    max_receive_count          = optional(number, 5)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.queue.visibility_timeout_seconds >= 0 && var.queue.visibility_timeout_seconds <= 43200
    error_message = "queue.visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
  validation {
    condition     = var.queue.message_retention_seconds >= 60 && var.queue.message_retention_seconds <= 1209600
    error_message = "queue.message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
  validation {
    condition     = var.queue.max_receive_count >= 1 && var.queue.max_receive_count <= 1000
    error_message = "queue.max_receive_count must be between 1 and 1000."
  }
}

variable "restrict_dead_letter_sources" {
  description = "Let only the POS queue use the dead-letter queue (redrive allow policy byQueue). False only on the emulator, where the allow policy never reads back (docs/EMULATOR_GAPS.md)."
  type        = bool
  default     = true
  nullable    = false
}
