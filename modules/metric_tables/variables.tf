variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\"; tables are named \"<name_prefix>-<table>\" (the job writes to \"<table_prefix><table>\" with table_prefix = \"<name_prefix>-\")."
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

variable "tables" {
  description = "The metric tables by name, each a DynamoDB table \"<name_prefix>-<name>\" with string partition and sort keys named hash_key and range_key. No default: the list is the metric declarations' (scripts/glue/cinema_metrics/metrics/), which `make generate` exports to scripts/athena/metric_tables.json; modules/cinema_platform reads that file and passes every table's dynamodb keys here."
  type = map(object({
    hash_key  = optional(string, "pk")
    range_key = optional(string, "sk")
  }))
  nullable = false

  validation {
    condition     = length(var.tables) > 0 && alltrue([for k, _ in var.tables : can(regex("^[a-z][a-z0-9_]{1,60}$", k))])
    error_message = "tables must not be empty and its keys must be snake_case table names (2-61 characters)."
  }

  validation {
    condition = alltrue([for _, t in var.tables : (
      can(regex("^[A-Za-z_][A-Za-z0-9_.-]{0,254}$", t.hash_key)) && can(regex("^[A-Za-z_][A-Za-z0-9_.-]{0,254}$", t.range_key)) && t.hash_key != t.range_key
    )])
    error_message = "Every table's hash_key and range_key must be two different DynamoDB attribute names (letters, digits, _ . -)."
  }
}

variable "point_in_time_recovery" {
  description = "Enable point-in-time recovery (35 days of continuous backups) on every table."
  type        = bool
  default     = true
  nullable    = false # null from the composition means "the default"
}

variable "deletion_protection" {
  description = "Enable DynamoDB deletion protection (true in prod: terraform destroy then fails until it is turned off)."
  type        = bool
  default     = true
  nullable    = false # null from the composition means "the default"
}

variable "kms_deletion_window_days" {
  description = "Waiting period (days) before the tables' KMS key is deleted after destroy."
  type        = number
  default     = 30
  nullable    = false # null from the composition means "the default"

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "prevent_destroy" {
  description = "Protect the tables (metric tables and accepted keys) and their KMS key with lifecycle prevent_destroy: a destroy or a replacement then fails with \"Instance cannot be destroyed\" (deletion_protection guards the tables against other clients too). False only for a throwaway environment (SECURITY.md); an existing deployment's state moves to the protected addresses (moved blocks)."
  type        = bool
  default     = true
  nullable    = false # null from the composition means "the default"
}
