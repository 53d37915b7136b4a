variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\" for every resource of this module (e.g. cinema-prod)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must match ^[a-z][a-z0-9-]{1,40}$ (lower case, digits, hyphens)."
  }
}

variable "tags" {
  description = "Common tags added to every taggable resource."
  type        = map(string)
  default     = {}
}

variable "cloudtrail" {
  description = <<-EOT
    CloudTrail audit trail. enabled: create the trail, its KMS key and its bucket.
    multi_region: record management events of every region (recommended: an attacker picks the region you do not watch).
    log_data_event_reads: also record GetObject / Query / Scan data events (who READ the data), not only writes.
    retention_days: days the log files are kept in the audit bucket before they expire.
    force_destroy: allow destroying the audit bucket with its log files (throw-away environments only).
  EOT
  type = object({
    enabled              = optional(bool, false)
    multi_region         = optional(bool, true)
    log_data_event_reads = optional(bool, true)
    retention_days       = optional(number, 365)
    force_destroy        = optional(bool, false)
  })
  default = {}
  validation {
    condition     = var.cloudtrail.retention_days >= 90 && var.cloudtrail.retention_days <= 3653
    error_message = "cloudtrail.retention_days must be between 90 and 3653 (keep an audit trail at least a quarter)."
  }
}

variable "data_bucket_arn" {
  description = "ARN of the data bucket whose object-level (data) events the trail records (module.data_bucket.bucket_arn)."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.data_bucket_arn))
    error_message = "data_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }
}

variable "dynamodb_table_arns" {
  description = "Metric table ARNs by contract name (module.metric_tables.table_arns): the trail records their data events and the throttle alarm watches them."
  type        = map(string)
  validation {
    condition     = alltrue([for a in values(var.dynamodb_table_arns) : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", a))])
    error_message = "dynamodb_table_arns values must be DynamoDB table ARNs."
  }
}

variable "glue_job_name" {
  description = "Name of the Glue job the dashboard and the alarms watch (module.glue_job.job_name)."
  type        = string
}

variable "athena_workgroup_name" {
  description = "Athena workgroup whose scanned bytes and cancelled queries are watched (module.athena.workgroup_name)."
  type        = string
}

variable "sns_topic_arn" {
  description = "SNS topic that receives alarm and OK notifications (module.glue_job.sns_topic_arn)."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN."
  }
}

variable "alarms" {
  description = <<-EOT
    Operator alarms. enabled: create them.
    job_stale_hours: alarm when the Glue job reported no run for this many hours (the schedule is every 2 h, so 5 h = two missed runs).
    dynamodb_throttle_threshold: throttled write requests over all metric tables in 5 minutes that raise the alarm.
    athena_cancelled_threshold: failed or cancelled Athena queries (bytes-scanned cutoff hits included) in one hour that raise the alarm.
    pos_queue_max_age_hours: alarm when the oldest message of the POS events queue (pos_queue) is older than this (every run drains the queue; default 4 h = two 2-hourly slots; keep it above the job's schedule interval).
  EOT
  type = object({
    enabled                     = optional(bool, true)
    job_stale_hours             = optional(number, 5)
    dynamodb_throttle_threshold = optional(number, 1)
    athena_cancelled_threshold  = optional(number, 1)
    pos_queue_max_age_hours     = optional(number, 4)
  })
  default = {}
  validation {
    condition     = var.alarms.job_stale_hours >= 1 && var.alarms.job_stale_hours <= 24 && floor(var.alarms.job_stale_hours) == var.alarms.job_stale_hours
    error_message = "alarms.job_stale_hours must be a whole number of hours between 1 and 24 (CloudWatch evaluates at most one day)."
  }
  validation {
    condition     = var.alarms.dynamodb_throttle_threshold >= 1 && var.alarms.athena_cancelled_threshold >= 1
    error_message = "alarms thresholds must be >= 1."
  }
  validation {
    # SQS keeps a message at most 14 days (336 h): a higher threshold could never fire.
    condition     = var.alarms.pos_queue_max_age_hours >= 1 && var.alarms.pos_queue_max_age_hours <= 336 && floor(var.alarms.pos_queue_max_age_hours) == var.alarms.pos_queue_max_age_hours
    error_message = "alarms.pos_queue_max_age_hours must be a whole number of hours between 1 and 336 (the queue keeps a message at most 14 days)."
  }
}

variable "pos_queue" {
  description = "The POS events queue and its dead-letter queue by name (modules/pos_events queue_name, dead_letter_queue_name): alarms on the dead-letter queue's depth (> 0) and on the age of the queue's oldest message (alarms.pos_queue_max_age_hours). Null: no queue alarms."
  type = object({
    name                   = string
    dead_letter_queue_name = string
  })
  default = null

  validation {
    # can() also absorbs the attribute of a null object: null passes through the first operand
    condition     = var.pos_queue == null || (can(regex("^[A-Za-z0-9_-]{1,80}$", var.pos_queue.name)) && can(regex("^[A-Za-z0-9_-]{1,80}$", var.pos_queue.dead_letter_queue_name)))
    error_message = "pos_queue.name and pos_queue.dead_letter_queue_name must be SQS queue names (1-80 letters, digits, hyphens, underscores)."
  }
}

variable "prevent_destroy" {
  description = "Protect the CloudTrail audit bucket and its KMS key with lifecycle prevent_destroy: a destroy or a replacement then fails with \"Instance cannot be destroyed\". False only for a throwaway environment (SECURITY.md)."
  type        = bool
  default     = true
  nullable    = false
}

variable "dashboard_enabled" {
  description = "Create the CloudWatch dashboard of job runs, quarantine ratio, DynamoDB throttles and Athena bytes scanned."
  type        = bool
  default     = true
}
