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

variable "bucket_name" {
  description = "Name of the data bucket that receives the Athena results and the connector spill (module.data_bucket.bucket_name)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "kms_key_arn" {
  description = "ARN of the bucket's customer-managed KMS key: encrypts the query results (SSE_KMS) and the connector spill."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "results_prefix" {
  description = "Key prefix of the query results in the bucket (module.data_bucket.prefixes.athena_results); must end with \"/\"."
  type        = string
  default     = "athena-results/"
  validation {
    condition     = can(regex("^[a-zA-Z0-9!_.*'()/-]+/$", var.results_prefix))
    error_message = "results_prefix must be a non-empty S3 key prefix ending with \"/\"."
  }
}

variable "spill_prefix" {
  description = "Key prefix where the DynamoDB connector spills large results (module.data_bucket.prefixes.spill); must end with \"/\"."
  type        = string
  default     = "spill/"
  validation {
    condition     = can(regex("^[a-zA-Z0-9!_.*'()/-]+/$", var.spill_prefix))
    error_message = "spill_prefix must be a non-empty S3 key prefix ending with \"/\"."
  }
}

variable "expected_bucket_owner" {
  description = "Account ID that must own the results bucket (guards against writing results to a bucket someone else re-created). Null: the current account."
  type        = string
  default     = null
  validation {
    condition     = var.expected_bucket_owner == null || can(regex("^[0-9]{12}$", var.expected_bucket_owner))
    error_message = "expected_bucket_owner must be a 12-digit AWS account ID or null."
  }
}

variable "bytes_scanned_cutoff_per_query" {
  description = "Athena cancels any query of the workgroup that scans more than this many bytes (cost guard; Athena's minimum is 10 MB)."
  type        = number
  default     = 1073741824
  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760 && floor(var.bytes_scanned_cutoff_per_query) == var.bytes_scanned_cutoff_per_query
    error_message = "bytes_scanned_cutoff_per_query must be a whole number of bytes >= 10485760 (10 MB, Athena's minimum)."
  }
}

variable "force_destroy" {
  description = "Delete the workgroup with its saved queries and query history on destroy (true only for throw-away environments)."
  type        = bool
  default     = false
}

variable "glue_database_name" {
  description = "Glue database of the curated metric tables (module.glue_catalog.database_name): default database of the named queries, substituted for $${database} in the SQL files."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.glue_database_name))
    error_message = "glue_database_name must be lower case letters, digits and underscores."
  }
}

variable "sql_dir" {
  description = "Folder holding named_queries/*.sql and views/*.sql (scripts/athena); each file becomes one saved query. Null: no saved queries."
  type        = string
  default     = null
}

variable "enable_dynamodb_connector" {
  description = "Deploy the Athena DynamoDB federated connector (Serverless Application Repository) and register it as an Athena data catalog."
  type        = bool
  default     = false
}

variable "connector_semantic_version" {
  description = "Pinned semantic version of the AthenaDynamoDBConnector application (upgrade deliberately: it redeploys the Lambda). 2026.33.1 (release tag v2026.33.1 of awslabs/aws-athena-query-federation) runs as a container image; 2023.46.2 ran java11 on Amazon Linux 2 (end of life 2026-06-30). The template parameters set below are that release's (AthenaCatalogName, SpillBucket, SpillPrefix, LambdaTimeout, LambdaMemory, LambdaRole, DisableSpillEncryption, KMSKeyId, PermissionsBoundaryARN)."
  type        = string
  default     = "2026.33.1"
  validation {
    condition     = var.connector_semantic_version != "2023.46.2"
    error_message = "AthenaDynamoDBConnector 2023.46.2 runs java11 on Amazon Linux 2 (end of life 2026-06-30): pin a current release such as 2026.33.1."
  }
  validation {
    condition     = can(regex("^[0-9]{4}\\.[0-9]{1,2}\\.[0-9]+$", var.connector_semantic_version))
    error_message = "connector_semantic_version must look like YYYY.W.N (e.g. 2026.33.1)."
  }
}

variable "connector_memory_mb" {
  description = "Memory of the connector Lambda in MB (the application accepts 128-3008)."
  type        = number
  default     = 1024
  validation {
    condition     = var.connector_memory_mb >= 128 && var.connector_memory_mb <= 3008
    error_message = "connector_memory_mb must be between 128 and 3008."
  }
}

variable "connector_timeout_seconds" {
  description = "Maximum run time of one connector Lambda invocation in seconds (1-900)."
  type        = number
  default     = 900
  validation {
    condition     = var.connector_timeout_seconds >= 1 && var.connector_timeout_seconds <= 900
    error_message = "connector_timeout_seconds must be between 1 and 900."
  }
}

variable "connector_log_retention_days" {
  description = "Retention of the connector Lambda's CloudWatch log group, in days."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.connector_log_retention_days)
    error_message = "connector_log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "dynamodb_table_arns" {
  description = "ARNs of the metric tables the connector may read (module.metric_tables.table_arns); the connector role reads these tables only."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for a in values(var.dynamodb_table_arns) : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/", a))])
    error_message = "dynamodb_table_arns values must be DynamoDB table ARNs."
  }
}

variable "dynamodb_table_names" {
  description = "Metric table names by contract name (module.metric_tables.table_names), substituted for $${dynamodb_tables.<table>} in the SQL files."
  type        = map(string)
  default     = {}
}

variable "curated_prefix" {
  description = "Key prefix of the curated Parquet metric folders (\"<prefixes.curated>metrics/\"); the SQL files get $${curated_location} = s3://<bucket>/<this prefix>."
  type        = string
  default     = "curated/metrics/"
  validation {
    condition     = can(regex("^[a-zA-Z0-9!_.*'()/-]+/$", var.curated_prefix))
    error_message = "curated_prefix must be a non-empty S3 key prefix ending with \"/\"."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "Customer-managed KMS key of the metric tables (module.metric_tables.kms_key_arn): the connector may use it to read them. Null: no key permission."
  type        = string
  default     = null
  validation {
    condition     = var.dynamodb_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.dynamodb_kms_key_arn))
    error_message = "dynamodb_kms_key_arn must be a KMS key ARN or null."
  }
}

variable "views_file" {
  description = "JSON file of the Athena views (scripts/athena/views.json, rendered from scripts/athena/views/*.sql by scripts/athena/render_views.py): each becomes a Glue VIRTUAL_VIEW table in Athena's view form, so the view exists after apply. Null: no views."
  type        = string
  default     = null

  validation {
    condition     = var.views_file == null || can(regex("\\.json$", var.views_file))
    error_message = "views_file must be a .json file (scripts/athena/views.json)."
  }
}
