# Smallest working use of glue_catalog: database, MySQL secret and JDBC connection, crawlers, curated and data-quality tables.
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

module "glue_catalog" {
  source = "../.."

  name_prefix               = local.name_prefix
  tags                      = local.tags
  bucket_name               = module.data_bucket.bucket_name
  bucket_arn                = module.data_bucket.bucket_arn
  kms_key_arn               = module.data_bucket.kms_key_arn
  pos_prefix                = module.data_bucket.prefixes.pos
  metric_tables_schema_file = "${path.module}/../../../../scripts/athena/metric_tables.json"
  # the job's quarantine records and run reports under curated/ (module default quality_prefix)
  quality_tables_schema_file = "${path.module}/../../../../scripts/athena/quality_tables.json"
  mysql = {
    jdbc_url             = "jdbc:mysql://mysql.example.internal:3306/ecr"
    secret_recovery_days = 0
  }
}

output "crawler_names" {
  description = "The JDBC and POS crawlers."
  value       = module.glue_catalog.crawler_names
}
