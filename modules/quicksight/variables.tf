variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\" for every resource of this module (e.g. cinema-prod); also prefixes the QuickSight IDs so environments can share an account."
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

variable "enabled" {
  description = "Create the QuickSight resources. The account needs a QuickSight (Enterprise) subscription first, which Terraform does not manage here."
  type        = bool
  default     = false
}

variable "athena_workgroup_name" {
  description = "Athena workgroup the data source queries through (module.athena.workgroup_name): its enforced settings, result encryption and scan cutoff apply to QuickSight too."
  type        = string
}

variable "glue_database_name" {
  description = "Glue database holding the views the data sets read (module.glue_catalog.database_name)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.glue_database_name))
    error_message = "glue_database_name must be lower case letters, digits and underscores."
  }
}

variable "definition_file" {
  description = "Dashboard definition JSON in the shape of the provider's `definition` block (dashboards/quicksight/definition.json); data_set_arn values may start with $${data_set_arn_prefix}. Null: the module's minimal one-KPI definition."
  type        = string
  default     = null
  validation {
    condition     = var.definition_file == null || can(regex("\\.json$", var.definition_file))
    error_message = "definition_file must be the path of a .json file."
  }
}

variable "data_sets_file" {
  description = "Data sets JSON written with the definition (dashboards/quicksight/datasets.json): dashboard id/name and, per data set identifier, data_set_id, name, view and columns with QuickSight types. Null: the module's minimal data set (must be given together with definition_file)."
  type        = string
  default     = null
  validation {
    condition     = var.data_sets_file == null || can(regex("\\.json$", var.data_sets_file))
    error_message = "data_sets_file must be the path of a .json file."
  }
}

variable "import_mode" {
  description = "SPICE: QuickSight keeps a copy refreshed on a schedule (readers never trigger Athena scans); DIRECT_QUERY: every visual queries Athena live."
  type        = string
  default     = "SPICE"
  validation {
    condition     = contains(["SPICE", "DIRECT_QUERY"], var.import_mode)
    error_message = "import_mode must be SPICE or DIRECT_QUERY."
  }
}

variable "refresh" {
  description = "SPICE refresh schedule of every data set: interval (MINUTE15, MINUTE30, HOURLY, DAILY), time_of_day (HH:MM, DAILY only) and timezone. The job runs every 2 h, so HOURLY keeps the dashboards at most an hour behind it."
  type = object({
    interval    = optional(string, "HOURLY")
    time_of_day = optional(string)
    timezone    = optional(string, "UTC")
  })
  default = {}
  validation {
    condition     = contains(["MINUTE15", "MINUTE30", "HOURLY", "DAILY"], var.refresh.interval)
    error_message = "refresh.interval must be MINUTE15, MINUTE30, HOURLY or DAILY."
  }
  validation {
    condition     = var.refresh.time_of_day == null || can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.refresh.time_of_day))
    error_message = "refresh.time_of_day must be HH:MM (24 h) or null."
  }
}

variable "groups" {
  description = <<-EOT
    QuickSight groups and their rights. readers: business users, may only view and query the dashboard.
    authors: may edit the data source, data sets and dashboard. create: create both groups here (false when they exist).
    namespace: QuickSight namespace of the groups. identity_region: region of the QuickSight identity store (null: the provider's region).
    reader_user_names / author_user_names: existing QuickSight user names added to the groups.
  EOT
  type = object({
    readers           = optional(string, "cinema-business-users")
    authors           = optional(string, "cinema-authors")
    create            = optional(bool, true)
    namespace         = optional(string, "default")
    identity_region   = optional(string)
    reader_user_names = optional(list(string), [])
    author_user_names = optional(list(string), [])
  })
  default = {}
  validation {
    condition     = can(regex("^[A-Za-z0-9._@+=,-]{1,64}$", var.groups.readers)) && can(regex("^[A-Za-z0-9._@+=,-]{1,64}$", var.groups.authors)) && var.groups.readers != var.groups.authors
    error_message = "groups.readers and groups.authors must be two different QuickSight group names (letters, digits, . _ @ + = , -)."
  }
}

variable "service_role_name" {
  description = "Name of the QuickSight service role of the account (e.g. aws-quicksight-service-role-v0). When set, the module attaches a least-privilege policy: Athena in the workgroup, Glue read on the database, S3 read of curated/ and read-write of the results prefix, the bucket's KMS key. Null: manage that access elsewhere."
  type        = string
  default     = null
}

variable "bucket_name" {
  description = "Data bucket holding the curated Parquet and the Athena results (module.data_bucket.bucket_name); used for the service role policy."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "The data bucket's KMS key (module.data_bucket.kms_key_arn); used for the service role policy."
  type        = string
  default     = null
}

variable "read_prefixes" {
  description = "Key prefixes QuickSight (through Athena) reads: the curated metrics and the job's data-quality folders (curated/quarantine/, curated/runs/). Used for the service role policy (s3:GetObject, and s3:ListBucket limited to these prefixes and results_prefix)."
  type        = list(string)
  default     = ["curated/metrics/"]

  validation {
    # "" or "*" would let the role list the whole bucket
    condition     = length(var.read_prefixes) > 0 && alltrue([for p in var.read_prefixes : length(p) > 1 && endswith(p, "/") && !startswith(p, "/") && !strcontains(p, "*")])
    error_message = "read_prefixes must be non-empty key prefixes ending with \"/\" (no wildcard): the role lists only under them."
  }
}

variable "results_prefix" {
  description = "Key prefix of the workgroup's query results (module.data_bucket.prefixes.athena_results); used for the service role policy."
  type        = string
  default     = "athena-results/"

  validation {
    condition     = length(var.results_prefix) > 1 && endswith(var.results_prefix, "/") && !startswith(var.results_prefix, "/") && !strcontains(var.results_prefix, "*")
    error_message = "results_prefix must be a non-empty key prefix ending with \"/\" (no wildcard): the role lists only under it."
  }
}
