variable "project" {
  description = "Project name; the state bucket is \"<project>-tfstate-<account id>\"."
  type        = string
  default     = "cinema"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,20}$", var.project))
    error_message = "project must be 2-21 lower-case letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "Region of the state bucket (the environment backends name the same region)."
  type        = string
  default     = "us-east-1"
}

variable "environments" {
  description = "Environments whose backend configuration is rendered in the outputs."
  type        = list(string)
  default     = ["dev", "staging", "prod"]

  validation {
    condition     = alltrue([for e in var.environments : contains(["dev", "staging", "prod"], e)])
    error_message = "environments may only contain dev, staging and prod."
  }
}

variable "noncurrent_version_days" {
  description = "Days an overwritten state version is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be >= 1."
  }
}
