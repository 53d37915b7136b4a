# Root variables (names fixed in notes/tf_interfaces.md: the cost model reads them from
# terraform/<env>/*.tfvars). analytics.tf declares athena, quicksight and observability.

variable "project" {
  description = "Project name, the first part of every resource name."
  type        = string
  default     = "cinema"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,20}$", var.project))
    error_message = "project must be 2-21 lower-case letters or digits, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: dev, staging, prod or local (the moto emulator)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod", "local"], var.environment)
    error_message = "environment must be dev, staging, prod or local."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "glue_job" {
  description = "Glue job sizing and schedule (see modules/glue_job): worker_type, number_of_workers, execution_class (FLEX|STANDARD), schedule (Glue cron), timeout_minutes."
  type = object({
    worker_type       = optional(string, "G.1X")
    number_of_workers = optional(number, 2)
    execution_class   = optional(string, "FLEX")
    schedule          = optional(string, "cron(0 */2 * * ? *)")
    timeout_minutes   = optional(number, 30)
  })
  default = {}

  validation {
    condition     = contains(["G.1X", "G.2X", "G.025X"], var.glue_job.worker_type)
    error_message = "glue_job.worker_type must be G.1X, G.2X or G.025X."
  }
  validation {
    condition     = contains(["FLEX", "STANDARD"], var.glue_job.execution_class)
    error_message = "glue_job.execution_class must be FLEX or STANDARD."
  }
}

variable "crawlers" {
  description = "Crawler schedules (Glue cron or null = on demand) and POS recrawl behaviour (CRAWL_NEW_FOLDERS_ONLY|CRAWL_EVERYTHING)."
  type = object({
    jdbc_schedule        = optional(string, "cron(15 5 * * ? *)")
    pos_schedule         = optional(string) # null = on demand (an optional() default would replace an explicit null)
    pos_recrawl_behavior = optional(string, "CRAWL_NEW_FOLDERS_ONLY")
  })
  default = {}
}

variable "metric_tables" {
  description = "DynamoDB metric tables: point-in-time recovery and deletion protection (true in prod)."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool, true)
  })
  default = {}
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (null = no subscription)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be null or an e-mail address."
  }
}

variable "quarantine_ratio_threshold" {
  description = "Alarm when a run quarantines more than this fraction of the POS lines it read."
  type        = number
  default     = 0.05

  validation {
    condition     = var.quarantine_ratio_threshold > 0 && var.quarantine_ratio_threshold < 1
    error_message = "quarantine_ratio_threshold must be between 0 and 1."
  }
}

variable "job_log_retention_days" {
  description = "Retention of the Glue job's log groups, in days."
  type        = number
  default     = 30
}

variable "mysql" {
  description = "ECR/CRM MySQL server: JDBC URL (no credentials), optional existing Secrets Manager secret ARN (null creates an empty secret, value set out of band), VPC placement (subnet, security groups, AZ) for a private database."
  type = object({
    jdbc_url             = string
    secret_arn           = optional(string)
    secret_recovery_days = optional(number, 30)
    subnet_id            = optional(string)
    security_group_ids   = optional(list(string), [])
    availability_zone    = optional(string)
    create_connection    = optional(bool, true)
  })
}

variable "catalog_encryption" {
  description = "Manage the account-wide Glue Data Catalog encryption settings from this root (one root per account)."
  type        = bool
  default     = false
}

variable "data_bucket" {
  description = "Data bucket options: force_destroy (throwaway environments only), enforce_tls (off only for the plain-HTTP emulator), KMS key deletion window, lifecycle days per prefix, access logging."
  type = object({
    force_destroy            = optional(bool, false)
    enforce_tls              = optional(bool, true)
    kms_deletion_window_days = optional(number, 30)
    access_logging           = optional(bool, true)
    lifecycle_days = optional(object({
      tmp_expiration            = optional(number, 7)
      athena_results_expiration = optional(number, 30)
      spill_expiration          = optional(number, 1)
      raw_to_standard_ia        = optional(number, 30)
      raw_to_glacier_ir         = optional(number, 90)
    }), {})
  })
  default = {}
}

variable "job_package" {
  description = "Paths of the Glue entry script and package zip; null uses build/glue/ (made by `make package`)."
  type = object({
    script_path  = optional(string)
    package_path = optional(string)
  })
  default = {}
}
