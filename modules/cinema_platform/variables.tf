# The platform's inputs, declared once. Every environment root (terraform/<env>) reads the
# same declarations through its variables.tf symlink, so the tfvars the cost model reads
# (scripts/glue/cinema_metrics/cost/inputs.py) keep their names. Attributes a child module
# validates and defaults are optional() here WITHOUT a default: null reaches the module, which
# applies its own default and validation (one declaration of each rule, in the module that owns
# the resource).

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
  description = "Glue job sizing and schedule, passed to modules/glue_job (its defaults and validations apply): worker_type, number_of_workers, execution_class (FLEX|STANDARD), schedule (Glue cron), schedule_enabled, timeout_minutes, max_retries, reconcile_schedule / reconcile_enabled (the weekly run with --reconcile true; default Sunday 03:30 UTC)."
  type = object({
    worker_type        = optional(string)
    number_of_workers  = optional(number)
    execution_class    = optional(string)
    schedule           = optional(string)
    schedule_enabled   = optional(bool)
    timeout_minutes    = optional(number)
    max_retries        = optional(number)
    reconcile_schedule = optional(string)
    reconcile_enabled  = optional(bool)
  })
  default = {}
}

variable "crawlers" {
  description = "Crawler schedules (Glue cron, null = on demand) and POS recrawl behaviour, passed to modules/glue_catalog (its defaults and validations apply)."
  type = object({
    jdbc_schedule        = optional(string)
    pos_schedule         = optional(string)
    pos_recrawl_behavior = optional(string)
  })
  default = {}
}

variable "metric_tables" {
  description = "DynamoDB metric tables: point-in-time recovery and deletion protection (true in prod), passed to modules/metric_tables."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool)
  })
  # Spelled out (not {}) because checkov reads this default, not the optional() one.
  default = { point_in_time_recovery = true, deletion_protection = null }
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (null = no subscription); validated by modules/glue_job."
  type        = string
  default     = null
}

variable "quarantine_ratio_threshold" {
  description = "Alarm when a run quarantines more than this fraction of the POS lines it read (validated by modules/glue_job)."
  type        = number
  default     = null
}

variable "job_log_retention_days" {
  description = "Retention of the Glue job's log groups, in days (validated by modules/glue_job)."
  type        = number
  default     = null
}

variable "mysql" {
  description = "ECR/CRM MySQL server, passed to modules/glue_catalog (its defaults and validations apply): JDBC URL (no credentials), optional existing secret ARN (null creates the secret; its value is a prerequisite, see README), VPC placement (subnet, security groups, AZ), databases, enforce_ssl, create_connection."
  type = object({
    jdbc_url             = string
    secret_arn           = optional(string)
    secret_recovery_days = optional(number)
    subnet_id            = optional(string)
    security_group_ids   = optional(list(string))
    availability_zone    = optional(string)
    databases            = optional(list(string))
    enforce_ssl          = optional(bool)
    create_connection    = optional(bool)
  })
}

variable "catalog_encryption" {
  description = "Opt-in (default false): manage the ACCOUNT-WIDE Glue Data Catalog encryption settings (every database of the account, with this environment's data key). Set true only in the one root that owns the account's catalog settings."
  type        = bool
  default     = false
}

variable "data_bucket" {
  description = "Data bucket options, passed to modules/data_bucket (its defaults and validations apply): force_destroy (throwaway environments only), enforce_tls (off only for the plain-HTTP emulator), KMS key deletion window, lifecycle days per prefix, access logging."
  type = object({
    force_destroy            = optional(bool)
    enforce_tls              = optional(bool)
    kms_deletion_window_days = optional(number)
    access_logging           = optional(bool, true)
    lifecycle_days = optional(object({
      tmp_expiration            = optional(number)
      athena_results_expiration = optional(number)
      spill_expiration          = optional(number)
      raw_to_standard_ia        = optional(number)
      raw_to_glacier_ir         = optional(number)
    }))
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

variable "athena" {
  description = <<-EOT
    Athena settings. bytes_scanned_cutoff_per_query: per-query scan limit in bytes (>= 10 MB).
    enable_dynamodb_connector: deploy the DynamoDB federated connector (real-time look-ups).
    connector_memory_mb / connector_timeout_seconds / connector_semantic_version: the connector Lambda.
    saved_queries: create the named queries and view definitions from scripts/athena.
    create_views: create the views themselves (Glue VIRTUAL_VIEW tables from scripts/athena/views.json).
    force_destroy: destroy the workgroup with its saved queries and history (throw-away envs).
  EOT
  type = object({
    bytes_scanned_cutoff_per_query = optional(number, 1073741824)
    enable_dynamodb_connector      = optional(bool, false)
    connector_memory_mb            = optional(number, 1024)
    connector_timeout_seconds      = optional(number, 900)
    connector_semantic_version     = optional(string, "2026.33.1")
    saved_queries                  = optional(bool, true)
    create_views                   = optional(bool, true)
    force_destroy                  = optional(bool, false)
  })
  default = {}
}

variable "quicksight" {
  description = <<-EOT
    QuickSight (needs an account subscription). enabled: create data source, data sets, dashboard.
    author_count / reader_count: licensed users (read by the cost model).
    readers_group / authors_group / create_groups: the permission groups (business users view only).
    import_mode: SPICE (scheduled refresh) or DIRECT_QUERY. refresh_interval / refresh_timezone: SPICE schedule.
    service_role_name: the account's QuickSight service role; this configuration attaches its least-privilege policy
      (Athena workgroup, Glue read, S3 results + curated prefixes, KMS decrypt). Default aws-quicksight-service-role-v0.
    reader_user_names / author_user_names: existing QuickSight users put in the groups (empty groups see nothing).
    account_subscribed: PREREQUISITE, set true once the account has a QuickSight Enterprise subscription
      (README "Deploying to AWS", step 1); the plan refuses enabled = true without it.
  EOT
  type = object({
    enabled            = optional(bool, false)
    author_count       = optional(number, 1)
    reader_count       = optional(number, 3)
    readers_group      = optional(string, "cinema-business-users")
    authors_group      = optional(string, "cinema-authors")
    create_groups      = optional(bool, true)
    import_mode        = optional(string, "SPICE")
    refresh_interval   = optional(string, "HOURLY")
    refresh_timezone   = optional(string, "UTC")
    service_role_name  = optional(string, "aws-quicksight-service-role-v0")
    reader_user_names  = optional(list(string), [])
    author_user_names  = optional(list(string), [])
    account_subscribed = optional(bool, false)
  })
  default = {}
  validation {
    condition     = !var.quicksight.enabled || var.quicksight.account_subscribed
    error_message = "quicksight.enabled needs the account's QuickSight Enterprise subscription first (aws quicksight describe-account-subscription); then set quicksight.account_subscribed = true."
  }
  validation {
    condition     = !var.quicksight.enabled || var.quicksight.service_role_name != null
    error_message = "quicksight.enabled needs quicksight.service_role_name (QuickSight reads Athena results, curated Parquet and the KMS key with it)."
  }
  validation {
    condition     = var.quicksight.author_count >= 0 && var.quicksight.reader_count >= 0 && floor(var.quicksight.author_count) == var.quicksight.author_count && floor(var.quicksight.reader_count) == var.quicksight.reader_count
    error_message = "quicksight.author_count and reader_count must be whole numbers >= 0."
  }
}

variable "observability" {
  description = <<-EOT
    Audit and operations. cloudtrail_enabled: trail with management + data events (data bucket, metric tables).
    log_data_event_reads: record reads too, not only writes. trail_retention_days: days log files are kept.
    log_retention_days: retention of the analytics log groups (the connector Lambda).
    alarms_enabled / dashboard_enabled / job_stale_hours: operator alarms and the job-runs dashboard.
    pos_queue_max_age_hours: alarm when the POS events queue's oldest message is older (default 4 h,
      validated by modules/observability; keep it above the job's schedule interval).
    force_destroy: destroy the audit bucket with its log files (throw-away envs).
  EOT
  type = object({
    cloudtrail_enabled      = optional(bool, false)
    log_data_event_reads    = optional(bool, true)
    trail_retention_days    = optional(number, 365)
    log_retention_days      = optional(number, 30)
    alarms_enabled          = optional(bool, true)
    dashboard_enabled       = optional(bool, true)
    job_stale_hours         = optional(number, 5)
    pos_queue_max_age_hours = optional(number)
    force_destroy           = optional(bool, false)
  })
  default = {}
  validation {
    condition     = var.observability.job_stale_hours >= 3 && var.observability.job_stale_hours <= 24
    error_message = "observability.job_stale_hours must be between 3 (more than one 2-hour schedule slot) and 24."
  }
}


variable "network" {
  description = <<-EOT
    The Glue JDBC network (modules/network). enabled: create the Glue security group (self-referencing
    all-TCP ingress), the free S3/DynamoDB gateway endpoints on the subnet's route tables and the listed
    interface endpoints; the JDBC connection, crawler and job are then placed in vpc.subnet_id (or in a
    minimal private VPC created here when vpc.vpc_id is null). database_cidr_blocks/database_port: where
    MySQL listens. interface_endpoints: AWS APIs reached through PrivateLink (about 7.20 USD per AZ-month
    each; the cost model prices them). egress_via_nat: the subnet's route tables already have a NAT.
  EOT
  type = object({
    enabled = optional(bool, false)
    vpc = optional(object({
      vpc_id            = optional(string)
      subnet_id         = optional(string)
      availability_zone = string
      route_table_ids   = optional(list(string))
      cidr_block        = optional(string)
    }))
    database_cidr_blocks = optional(list(string))
    database_port        = optional(number)
    gateway_endpoints = optional(object({
      s3       = optional(bool)
      dynamodb = optional(bool)
    }))
    interface_endpoints = optional(list(string))
    egress_via_nat      = optional(bool)
    describe_rules      = optional(bool)
  })
  default  = {}
  nullable = false

  validation {
    condition     = !var.network.enabled || var.network.vpc != null
    error_message = "network.enabled needs network.vpc (at least availability_zone; vpc_id, subnet_id and route_table_ids to use an existing VPC)."
  }
  # Code in the subnet calls more than S3 and DynamoDB: from_catalog and the connection's secret
  # (Glue API, Secrets Manager), run metrics, Glue's log agent, the POS queue; the job hangs on
  # those calls at run time when nothing routes them (AWS: a job that needs VPC resources and the
  # public internet needs a NAT). The cost model's no_nat_endpoints() is the same list.
  validation {
    condition = !var.network.enabled || !coalesce(var.mysql.create_connection, true) || coalesce(var.network.egress_via_nat, false) || length(setsubtract(
      concat(["glue", "logs", "monitoring", "secretsmanager", "sqs"], var.catalog_encryption ? ["kms"] : []),
      coalesce(var.network.interface_endpoints, [])
    )) == 0
    error_message = "network: the Glue subnet has no NAT (egress_via_nat = false), so list the APIs the job and crawler call in network.interface_endpoints: glue, logs, monitoring, secretsmanager, sqs (and kms with catalog_encryption); or set egress_via_nat = true if the subnet's route tables have a NAT route."
  }
  validation {
    condition     = !(var.network.enabled && var.mysql.subnet_id != null)
    error_message = "Give the subnet either in mysql.subnet_id (network managed elsewhere) or in network.vpc, not both."
  }
}

variable "pos_events" {
  description = "POS events queue (modules/pos_events): restrict_dead_letter_sources (false only on the emulator, docs/EMULATOR_GAPS.md)."
  type = object({
    restrict_dead_letter_sources = optional(bool)
  })
  default  = {}
  nullable = false
}

variable "pos_vault" {
  description = "The Object Lock vault of raw/pos/ (modules/pos_vault; its defaults and validations apply): enabled (S3 replication of raw/pos/ to the vault, delete markers not replicated; default true), retention_days (GOVERNANCE default retention of each replica, module default 90), object_lock and create_replication (false only where the S3 API lacks Object Lock or reads the replication rule back wrong: the emulator, docs/EMULATOR_GAPS.md), force_destroy (throwaway environments only)."
  type = object({
    enabled            = optional(bool, true)
    retention_days     = optional(number)
    object_lock        = optional(bool)
    create_replication = optional(bool)
    force_destroy      = optional(bool)
  })
  default  = {}
  nullable = false
}

variable "prevent_destroy" {
  description = "Protect every stateful resource (the data, access-log, audit and vault buckets, every KMS key, every DynamoDB table) with lifecycle prevent_destroy: `terraform destroy`, or a change that would replace one of them, fails naming each (\"Instance cannot be destroyed\"). Keep true (staging, prod). false only in a throwaway environment's tfvars (dev, local): the documented way to tear one down (SECURITY.md)."
  type        = bool
  default     = true
  nullable    = false

  validation {
    # prod's data outlives any one plan: taking its protection off is a reviewed code change here.
    condition     = var.prevent_destroy || var.environment != "prod"
    error_message = "prevent_destroy = false is refused for prod: its buckets, keys and tables stay protected (SECURITY.md, \"What a destroy does\")."
  }
}
