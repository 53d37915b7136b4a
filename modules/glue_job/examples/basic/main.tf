# Smallest working use of glue_job: the job, its role, logs, schedule and alarms, on the project's
# bucket and metric tables (run `make package` first: the job's code is build/glue/).
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
}

module "data_bucket" {
  source = "../../../data_bucket"

  name_prefix     = local.name_prefix
  tags            = local.tags
  force_destroy   = true
  prevent_destroy = false # an example is throwaway: terraform destroy removes it all
}

module "metric_tables" {
  source = "../../../metric_tables"

  name_prefix = local.name_prefix
  tags        = local.tags
  # every table the job writes: the repository's catalog (written by `make generate`)
  tables = {
    for name, t in jsondecode(file("${path.module}/../../../../scripts/athena/metric_tables.json")).tables :
    name => { hash_key = t.dynamodb.hash_key, range_key = t.dynamodb.range_key }
  }
  deletion_protection = false
  prevent_destroy     = false # an example is throwaway: terraform destroy removes it all
}

module "glue_job" {
  source = "../.."

  name_prefix   = local.name_prefix
  tags          = local.tags
  bucket_name   = module.data_bucket.bucket_name
  bucket_arn    = module.data_bucket.bucket_arn
  prefixes      = module.data_bucket.prefixes
  kms_key_arn   = module.data_bucket.kms_key_arn
  database_name = "cinema_example"
  metric_tables = {
    table_prefix = "${local.name_prefix}-"
    table_arns   = module.metric_tables.table_arns
    kms_key_arn  = module.metric_tables.kms_key_arn
  }
  accepted_keys_table = {
    name = module.metric_tables.accepted_keys_table_name
    arn  = module.metric_tables.accepted_keys_table_arn
  }
  script_path  = "${path.module}/../../../../build/glue/glue_job.py"
  package_path = "${path.module}/../../../../build/glue/cinema_metrics.zip"
}

output "job_name" {
  description = "The Glue job."
  value       = module.glue_job.job_name
}
