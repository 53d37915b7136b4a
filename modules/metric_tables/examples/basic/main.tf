# Smallest working use of metric_tables: a DynamoDB table per metric table of the repository's
# catalog (scripts/athena/metric_tables.json, written by `make generate`) and the accepted-keys table.
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

locals {
  name_prefix = "cinema-example"
  tags        = { Project = "cinema", Environment = "example", ManagedBy = "terraform" }
  # The metric tables as the declarations export them (modules/cinema_platform reads the same file).
  catalog = jsondecode(file("${path.module}/../../../../scripts/athena/metric_tables.json")).tables
}

module "metric_tables" {
  source = "../.."

  name_prefix         = local.name_prefix
  tags                = local.tags
  tables              = { for name, t in local.catalog : name => { hash_key = t.dynamodb.hash_key, range_key = t.dynamodb.range_key } }
  deletion_protection = false
  prevent_destroy     = false # an example is throwaway: terraform destroy removes it all
}

output "table_names" {
  description = "Metric table names."
  value       = module.metric_tables.table_names
}
