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

variable "database_name" {
  description = "Glue catalog database name. Null derives \"<name_prefix>\" with underscores (Athena-friendly)."
  type        = string
  default     = null

  validation {
    condition     = var.database_name == null || can(regex("^[a-z][a-z0-9_]{0,254}$", var.database_name))
    error_message = "database_name must be lower case letters, digits and underscores, starting with a letter."
  }
}

variable "bucket_name" {
  description = "Name of the data bucket (module data_bucket)."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the data bucket."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key used for the secret, the crawler security configuration and (optionally) catalog encryption."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "pos_prefix" {
  description = "Key prefix of the POS JSON Lines files in the bucket (ends with \"/\")."
  type        = string
  default     = "raw/pos/"

  validation {
    condition     = endswith(var.pos_prefix, "/") && !startswith(var.pos_prefix, "/")
    error_message = "pos_prefix must end with \"/\" and not start with one."
  }
}

variable "metrics_prefix" {
  description = "Key prefix of the curated Parquet metric tables (<metrics_prefix><table>/partition_month=YYYY-MM/)."
  type        = string
  default     = "curated/metrics/"

  validation {
    condition     = endswith(var.metrics_prefix, "/") && !startswith(var.metrics_prefix, "/")
    error_message = "metrics_prefix must end with \"/\" and not start with one."
  }
}

variable "metric_tables_schema_file" {
  description = "Path of the JSON export of the metric tables (scripts/athena/metric_tables.json, written by `make generate` from the metric declarations): {\"tables\": {name: {title, version, columns: [{name, type, definition}], key, partition_keys, ...}}}. One Glue catalog table per entry, each column's definition as its comment."
  type        = string

  validation {
    condition = try(length(jsondecode(file(var.metric_tables_schema_file)).tables) > 0 && alltrue([
      for _, t in jsondecode(file(var.metric_tables_schema_file)).tables : length(t.columns) > 0 && alltrue([for c in t.columns : c.name != "" && c.type != ""])
    ]), false)
    error_message = "metric_tables_schema_file must be a JSON file with at least one table under \"tables\", each with columns (name, type): run make generate."
  }
}

variable "quality_prefix" {
  description = "Key prefix of the job's output folders (module data_bucket's prefixes.curated, e.g. \"curated/\"): each data-quality table reads <quality_prefix><folder>/ (quarantine/, runs/), where the job writes its quarantine records and run reports."
  type        = string
  default     = "curated/"
  nullable    = false

  validation {
    condition     = endswith(var.quality_prefix, "/") && !startswith(var.quality_prefix, "/") && !strcontains(var.quality_prefix, "*")
    error_message = "quality_prefix must end with \"/\" and not start with one (no wildcard)."
  }
}

variable "quality_tables_schema_file" {
  description = "Path of the JSON export of the data-quality tables (scripts/athena/quality_tables.json, written by `make generate` from cinema_metrics/catalog.py QUALITY_TABLES): {\"tables\": {name: {folder, title, columns: [{name, type}], partition_keys: [{name, type}], serde, parameters}}}. One EXTERNAL_TABLE per entry over the job's JSON Lines records under <quality_prefix><folder>/ (JSON SerDe, text input and output formats), its parameters (partition projection) as given. Null: no data-quality tables."
  type        = string
  default     = null

  validation {
    condition = var.quality_tables_schema_file == null || try(length(jsondecode(file(var.quality_tables_schema_file)).tables) > 0 && alltrue([
      for _, t in jsondecode(file(var.quality_tables_schema_file)).tables : (
        can(regex("^[a-z][a-z0-9_]*$", t.folder)) && length(t.columns) > 0 && length(t.partition_keys) > 0 &&
        contains(["org.openx.data.jsonserde.JsonSerDe", "org.apache.hive.hcatalog.data.JsonSerDe"], t.serde) &&
        alltrue([for c in concat(t.columns, t.partition_keys) : c.name != "" && c.type != ""]) &&
        alltrue([for k, v in t.parameters : k != "" && v != ""])
      )
    ]), false)
    error_message = "quality_tables_schema_file must be null or a JSON file with at least one table under \"tables\", each with a folder (lower case), columns and partition_keys (name, type), a JSON SerDe (org.openx.data.jsonserde.JsonSerDe or org.apache.hive.hcatalog.data.JsonSerDe) and string parameters: run make generate."
  }
}

variable "mysql" {
  description = "The ECR/CRM MySQL server (s3_route: how the subnet reaches S3, \"gateway-endpoint\" or \"nat\", as modules/network reports it; a subnet without one fails the plan): JDBC URL (no credentials in it), an existing Secrets Manager secret ARN with {\"username\",\"password\"} (null creates an empty secret whose value is set out of band), the VPC placement Glue needs to reach a private database, and create_connection (false only on the emulator, which cannot update or delete connections: the name is still derived and used)."
  type = object({
    jdbc_url             = string
    secret_arn           = optional(string)
    secret_recovery_days = optional(number, 30)
    subnet_id            = optional(string)
    security_group_ids   = optional(list(string), [])
    availability_zone    = optional(string)
    databases            = optional(list(string), ["ecr", "crm"])
    enforce_ssl          = optional(bool, true)
    create_connection    = optional(bool, true)
    s3_route             = optional(string)
  })

  validation {
    condition     = can(regex("^jdbc:mysql://[^/@:]+(:[0-9]+)?/[A-Za-z0-9_]+$", var.mysql.jdbc_url))
    error_message = "mysql.jdbc_url must look like jdbc:mysql://host:3306/database and carry no user or password."
  }
  validation {
    condition     = var.mysql.secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:", var.mysql.secret_arn))
    error_message = "mysql.secret_arn must be a Secrets Manager secret ARN or null."
  }
  validation {
    condition     = var.mysql.subnet_id == null || (length(var.mysql.security_group_ids) > 0 && var.mysql.availability_zone != null)
    error_message = "With mysql.subnet_id, also give mysql.security_group_ids and mysql.availability_zone (Glue needs all three)."
  }
  validation {
    condition     = var.mysql.secret_recovery_days == 0 || (var.mysql.secret_recovery_days >= 7 && var.mysql.secret_recovery_days <= 30)
    error_message = "mysql.secret_recovery_days must be 0 (delete at once) or between 7 and 30."
  }
}

variable "crawlers" {
  description = "Crawler schedules (Glue cron expressions, null = on demand only) and the POS recrawl behaviour. Daily by default: dimension schemas and POS folder layout rarely change, and each crawl costs at least 10 DPU-minutes."
  type = object({
    jdbc_schedule        = optional(string, "cron(15 5 * * ? *)")
    pos_schedule         = optional(string) # null = on demand (an optional() default would replace an explicit null)
    pos_recrawl_behavior = optional(string, "CRAWL_NEW_FOLDERS_ONLY")
  })
  default  = {}
  nullable = false # null from the composition means "the default"

  validation {
    condition = alltrue([
      for s in [var.crawlers.jdbc_schedule, var.crawlers.pos_schedule] : s == null || can(regex("^cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)$", s))
    ])
    error_message = "Crawler schedules must be null or a six-field Glue cron expression such as cron(15 5 * * ? *)."
  }
  validation {
    condition     = contains(["CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY"], var.crawlers.pos_recrawl_behavior)
    error_message = "crawlers.pos_recrawl_behavior must be CRAWL_NEW_FOLDERS_ONLY or CRAWL_EVERYTHING."
  }
}

variable "catalog_encryption" {
  description = "Manage the account-wide Glue Data Catalog encryption settings (metadata at rest and connection passwords) with the KMS key. Account-wide: enable it in one root per account only."
  type        = bool
  default     = false
  nullable    = false # null from the composition means "the default"
}

variable "jdbc_table_prefix" {
  description = "Prefix of the catalog tables the JDBC crawler creates (<prefix><db>_<table>); the job reads them with --catalog_table_prefix."
  type        = string
  default     = "src_"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,20}$", var.jdbc_table_prefix))
    error_message = "jdbc_table_prefix must be 1-21 lower-case letters, digits or underscores, starting with a letter."
  }
}
