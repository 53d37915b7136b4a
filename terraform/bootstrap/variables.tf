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
  description = <<-EOT
    The environments whose state lives in the bucket and which GitHub Actions deploys, each with a
    read-only plan role (trusted by the GitHub environment "<env>-plan") and an apply role (trusted
    by "<env>"). Per environment, the features whose permissions reach outside the
    "<project>-<env>-*" names (keep them equal to terraform/<env>'s tfvars):
    quicksight: QuickSight and the account's QuickSight service role (quicksight.enabled);
    athena_dynamodb_connector: the connector's CloudFormation stack, Lambda function and image
    (athena.enable_dynamodb_connector).
  EOT
  type = map(object({
    quicksight                = optional(bool, false)
    athena_dynamodb_connector = optional(bool, false)
  }))
  default = {
    dev     = {}
    staging = { athena_dynamodb_connector = true }
    prod    = { quicksight = true, athena_dynamodb_connector = true }
  }
  nullable = false

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in keys(var.environments) : contains(["dev", "staging", "prod"], e)])
    error_message = "environments must name at least one of dev, staging and prod, and nothing else."
  }
}

variable "github_repository" {
  description = "The GitHub repository that deploys, as owner/name: each environment gets a plan role trusting only repo:<owner/name>:environment:<env>-plan tokens and an apply role trusting only repo:<owner/name>:environment:<env> (README, \"Deploy pipeline\"). null (the default) creates no OIDC provider and no deploy role: only the state bucket and key."
  type        = string
  default     = null

  validation {
    # GitHub owners: letters, digits, hyphens (and the _ of managed users); repositories add . and _.
    condition     = var.github_repository == null || can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be owner/name, e.g. my-org/cinema-metrics (no URL, no wildcard, no trailing slash), or null."
  }
}

variable "github_oidc_provider_arn" {
  description = "ARN of the account's existing GitHub Actions OIDC provider (token.actions.githubusercontent.com). null creates it here; an account has at most one provider per URL."
  type        = string
  default     = null

  validation {
    condition     = var.github_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.github_oidc_provider_arn))
    error_message = "github_oidc_provider_arn must be arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or null."
  }
}

variable "quicksight_service_role_name" {
  description = "The account's QuickSight service role, whose inline policy the apply role of an environment with quicksight = true manages (terraform/<env>: quicksight.service_role_name)."
  type        = string
  default     = "aws-quicksight-service-role-v0"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.quicksight_service_role_name))
    error_message = "quicksight_service_role_name must be an IAM role name (no path, no ARN)."
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
