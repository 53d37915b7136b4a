# The quicksight module with the repository's generated dashboard definition. Needs an account
# with a QuickSight Enterprise subscription; set enabled = false to plan without one.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region of the example."
  type        = string
  default     = "us-east-1"
}

variable "enabled" {
  description = "Create the QuickSight resources (the account must be subscribed)."
  type        = bool
  default     = true
}

module "quicksight" {
  source = "../.."

  name_prefix           = "cinema-example"
  tags                  = { project = "cinema", environment = "example", managed_by = "terraform" }
  enabled               = var.enabled
  athena_workgroup_name = "cinema-example-analytics"
  glue_database_name    = "cinema_example_metrics"
  definition_file       = "${path.module}/../../../../dashboards/quicksight/definition.json"
  data_sets_file        = "${path.module}/../../../../dashboards/quicksight/datasets.json"
  import_mode           = "SPICE"
  refresh               = { interval = "HOURLY", timezone = "America/Mexico_City" }
  groups = {
    readers = "cinema-example-business-users"
    authors = "cinema-example-authors"
    create  = true
  }
}

output "dashboard_id" {
  description = "QuickSight dashboard of the example."
  value       = module.quicksight.dashboard_id
}
