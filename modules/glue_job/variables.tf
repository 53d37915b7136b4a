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
  description = "Name of the data bucket (module data_bucket)."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the data bucket."
  type        = string
}

variable "prefixes" {
  description = "Bucket prefixes by purpose (module data_bucket output): needs pos, scripts, tmp, curated, state and logs."
  type        = map(string)

  validation {
    condition     = alltrue([for k in ["pos", "scripts", "tmp", "curated", "state", "logs"] : contains(keys(var.prefixes), k)])
    error_message = "prefixes must contain pos, scripts, tmp, curated, state and logs."
  }
  validation {
    condition     = alltrue([for v in values(var.prefixes) : endswith(v, "/")])
    error_message = "Every prefix must end with \"/\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for S3 objects, job logs, bookmarks and the alarm topic (module data_bucket)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "database_name" {
  description = "Glue catalog database the job reads sources from and whose metric tables it serves (module glue_catalog)."
  type        = string
}

variable "catalog_table_prefix" {
  description = "Prefix of the crawled ECR/CRM catalog tables (<prefix><db>_<table>; module glue_catalog output jdbc_table_prefix)."
  type        = string
  default     = "src_"
}

variable "connection_name" {
  description = "Glue JDBC connection to MySQL the job uses (module glue_catalog); null when the job reads no JDBC source."
  type        = string
  default     = null
}

variable "secret_arn" {
  description = "ARN of the Secrets Manager secret with the MySQL credentials (read through the connection)."
  type        = string
  default     = null
}

variable "vpc" {
  description = "Subnet and security groups of the JDBC connection, when the database is private: the job role then may create its network interfaces there. s3_route: how the subnet reaches S3 (\"gateway-endpoint\" or \"nat\", modules/network output); null fails the plan, as Glue would refuse the run."
  type = object({
    subnet_id          = string
    security_group_ids = list(string)
    s3_route           = optional(string)
  })
  default = null
}

variable "metric_tables" {
  description = "DynamoDB metric tables the job writes and deletes items of (module metric_tables): table_prefix (the job writes <table_prefix><table>), the ARN of every metric table by name (table_arns: the role gets dynamodb:BatchWriteItem on exactly these) and the tables' KMS key ARN."
  type = object({
    table_prefix = string
    table_arns   = map(string)
    kms_key_arn  = string
  })

  validation {
    condition     = length(var.metric_tables.table_arns) > 0 && alltrue([for a in values(var.metric_tables.table_arns) : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", a))])
    error_message = "metric_tables.table_arns must name at least one table, each by its DynamoDB table ARN."
  }
}

variable "script_path" {
  description = "Local path of the Glue entry script (build/glue/glue_job.py, made by `make package`)."
  type        = string
}

variable "package_path" {
  description = "Local path of the deterministic job package zip (build/glue/cinema_metrics.zip, made by `make package`)."
  type        = string
}

variable "job" {
  description = "Job sizing and schedule: worker type, worker count, execution class (FLEX is cheaper for this non-urgent batch), Glue cron schedule with schedule_enabled (false = no trigger; an explicit null schedule would be replaced by the default), timeout and retries; reconcile_schedule with reconcile_enabled: the weekly run with --reconcile true (lists raw/pos/ to catch objects whose queue event was lost), off the 2-hourly slots since the job runs one at a time."
  type = object({
    worker_type        = optional(string, "G.1X")
    number_of_workers  = optional(number, 2)
    execution_class    = optional(string, "FLEX")
    schedule           = optional(string, "cron(0 */2 * * ? *)")
    schedule_enabled   = optional(bool, true)
    timeout_minutes    = optional(number, 30)
    max_retries        = optional(number, 1)
    start_on_creation  = optional(bool, true)
    reconcile_schedule = optional(string, "cron(30 3 ? * SUN *)")
    reconcile_enabled  = optional(bool, true)
  })
  default  = {}
  nullable = false # null from the composition means "the default"

  validation {
    condition     = contains(["G.025X", "G.1X", "G.2X", "G.4X", "G.8X"], var.job.worker_type)
    error_message = "job.worker_type must be one of G.025X, G.1X, G.2X, G.4X, G.8X."
  }
  validation {
    condition     = var.job.number_of_workers >= 2 && var.job.number_of_workers <= 299 && floor(var.job.number_of_workers) == var.job.number_of_workers
    error_message = "job.number_of_workers must be a whole number between 2 and 299 (Glue needs a driver and at least one executor)."
  }
  validation {
    condition     = contains(["FLEX", "STANDARD"], var.job.execution_class)
    error_message = "job.execution_class must be FLEX or STANDARD."
  }
  validation {
    condition     = var.job.execution_class == "STANDARD" || contains(["G.1X", "G.2X"], var.job.worker_type)
    error_message = "FLEX execution runs on G.1X or G.2X workers only."
  }
  validation {
    # Glue triggers accept cron() only (rate() is an EventBridge form Glue rejects).
    condition     = can(regex("^cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)$", var.job.schedule))
    error_message = "job.schedule must be a six-field Glue cron expression, e.g. cron(0 */2 * * ? *)."
  }
  validation {
    condition     = can(regex("^cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)$", var.job.reconcile_schedule))
    error_message = "job.reconcile_schedule must be a six-field Glue cron expression, e.g. cron(30 3 ? * SUN *) (weekly, Sunday 03:30 UTC)."
  }
  validation {
    condition     = var.job.timeout_minutes >= 1 && var.job.timeout_minutes <= 2880
    error_message = "job.timeout_minutes must be between 1 and 2880."
  }
  validation {
    # Flex runs on spare capacity and may be interrupted: without a retry a lost run waits for the next slot.
    condition     = var.job.execution_class != "FLEX" || var.job.max_retries >= 1
    error_message = "FLEX execution needs job.max_retries >= 1 (Flex capacity can be reclaimed mid-run)."
  }
  validation {
    condition     = var.job.max_retries >= 0 && var.job.max_retries <= 10
    error_message = "job.max_retries must be between 0 and 10."
  }
}

variable "additional_python_modules" {
  description = "pip requirement specifiers installed on the workers (--additional-python-modules); empty = none."
  type        = list(string)
  default     = []
}

variable "extra_arguments" {
  description = "More default arguments for the job (\"--name\" = \"value\"); they override the module's defaults. Never put secrets here."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_arguments) : startswith(k, "--")])
    error_message = "extra_arguments keys must start with \"--\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the job's CloudWatch log groups, in days (a value CloudWatch accepts)."
  type        = number
  default     = 30
  nullable    = false # null from the composition means "the default"

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "alarms" {
  description = "Alerting: optional e-mail subscription of the SNS topic, and the quarantine ratio (CinemaMetrics/QuarantineRatio, dimension JobName, published by the job per run) above which an alarm fires."
  type = object({
    email                      = optional(string)
    quarantine_ratio_threshold = optional(number, 0.05)
    quarantine_period_seconds  = optional(number, 3600)
  })
  default  = {}
  nullable = false # null from the composition means "the default"

  validation {
    condition     = var.alarms.email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarms.email))
    error_message = "alarms.email must be null or an e-mail address."
  }
  validation {
    condition     = var.alarms.quarantine_ratio_threshold > 0 && var.alarms.quarantine_ratio_threshold < 1
    error_message = "alarms.quarantine_ratio_threshold is a fraction between 0 and 1 (0.05 = 5 % of the lines read)."
  }
  validation {
    condition     = contains([60, 300, 900, 3600, 7200, 21600, 86400], var.alarms.quarantine_period_seconds)
    error_message = "alarms.quarantine_period_seconds must be one of 60, 300, 900, 3600, 7200, 21600, 86400."
  }
}

variable "glue_version" {
  description = "Glue version of the job: 5.1 (Spark 3.5.6, Python 3.11; ships orjson 3.11.4 and pyarrow 22) or 5.0. Logging uses the 5.x arguments (--custom-logGroup-prefix)."
  type        = string
  default     = "5.1"
  nullable    = false

  validation {
    condition     = contains(["5.0", "5.1"], var.glue_version)
    error_message = "glue_version must be 5.0 or 5.1 (the job's logging arguments and bundled libraries are those of Glue 5.x)."
  }
}

variable "pos_queue" {
  description = "SQS queue of the POS object events (modules/pos_events): the job gets --pos_queue_url and may receive/delete its messages and decrypt them with kms_key_arn. Null: no queue."
  type = object({
    url         = string
    arn         = string
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.pos_queue == null || can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.pos_queue.arn))
    error_message = "pos_queue.arn must be an SQS queue ARN."
  }
}

variable "accepted_keys_table" {
  description = "DynamoDB table of the POS line keys the job accepted (modules/metric_tables accepted_keys_table_*): the job gets --keys_table and BatchGetItem/BatchWriteItem/GetItem/PutItem on exactly that table. Null: none."
  type = object({
    name = string
    arn  = string
  })
  default = null

  validation {
    condition     = var.accepted_keys_table == null || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.accepted_keys_table.arn))
    error_message = "accepted_keys_table.arn must be a DynamoDB table ARN."
  }
}

variable "start_after_crawler" {
  description = "Crawler whose successful run starts the job (a CONDITIONAL trigger): the first crawl of the JDBC sources creates the catalog tables the job reads, then the job runs at once instead of failing on its schedule. Null: no such trigger."
  type        = string
  default     = null
}
