# Smallest working use of the athena module: a KMS key, a bucket, one DynamoDB table, the
# workgroup with the repository's SQL files, and the DynamoDB connector switched by a variable.
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

variable "enable_dynamodb_connector" {
  description = "Deploy the DynamoDB federated connector (needs the Serverless Application Repository)."
  type        = bool
  default     = true
}

locals {
  name_prefix = "cinema-example"
  tags        = { project = "cinema", environment = "example", managed_by = "terraform" }
}

# The project's own bucket module: SSE-KMS by default, versioned, logged, lifecycle rules, and a key
# policy that lets CloudWatch Logs encrypt the connector's log group with the same key.
module "data_bucket" {
  source = "../../../data_bucket"

  name_prefix     = local.name_prefix
  tags            = local.tags
  force_destroy   = true
  prevent_destroy = false # an example is throwaway: terraform destroy removes it all
}

resource "aws_dynamodb_table" "site_daily" {
  name         = "${local.name_prefix}-site-daily"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = module.data_bucket.kms_key_arn
  }
  point_in_time_recovery {
    enabled = true
  }
  tags = local.tags
}

module "athena" {
  source = "../.."

  name_prefix                    = local.name_prefix
  tags                           = local.tags
  bucket_name                    = module.data_bucket.bucket_name
  kms_key_arn                    = module.data_bucket.kms_key_arn
  results_prefix                 = "athena-results/"
  spill_prefix                   = "spill/"
  bytes_scanned_cutoff_per_query = 104857600
  force_destroy                  = true
  glue_database_name             = "cinema_example_metrics"
  sql_dir                        = "${path.module}/../../../../scripts/athena"
  enable_dynamodb_connector      = var.enable_dynamodb_connector
  connector_memory_mb            = 1024
  dynamodb_table_arns            = { site_daily = aws_dynamodb_table.site_daily.arn }
  # The repository's SQL may name every metric table (${dynamodb_tables.<table>}); the example has
  # one DynamoDB table, so every table of the catalog (written by `make generate`) maps to it.
  dynamodb_table_names = {
    for t in keys(jsondecode(file("${path.module}/../../../../scripts/athena/metric_tables.json")).tables) : t => aws_dynamodb_table.site_daily.name
  }
}

output "workgroup_name" {
  description = "Athena workgroup of the example."
  value       = module.athena.workgroup_name
}

output "data_catalog_name" {
  description = "DynamoDB data catalog (null when the connector is off)."
  value       = module.athena.data_catalog_name
}

output "named_query_ids" {
  description = "Saved queries created from scripts/athena."
  value       = module.athena.named_query_ids
}
