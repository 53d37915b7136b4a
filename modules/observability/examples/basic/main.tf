# Smallest working use of the observability module: a data bucket, one metric table and an SNS
# topic stand in for the platform modules; the trail, alarms and dashboard watch them.
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
  tags        = { project = "cinema", environment = "example", managed_by = "terraform" }
}

# The project's own bucket module stands in for the platform's data bucket (and lends its key).
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

resource "aws_sns_topic" "alarms" {
  name              = "${local.name_prefix}-alarms"
  kms_master_key_id = "alias/aws/sns"
  tags              = local.tags
}

module "observability" {
  source = "../.."

  name_prefix = local.name_prefix
  tags        = local.tags

  cloudtrail = {
    enabled              = true
    multi_region         = true
    log_data_event_reads = false
    retention_days       = 365
    force_destroy        = true
  }
  data_bucket_arn     = module.data_bucket.bucket_arn
  dynamodb_table_arns = { site_daily = aws_dynamodb_table.site_daily.arn }

  glue_job_name         = "${local.name_prefix}-metrics"
  athena_workgroup_name = "${local.name_prefix}-analytics"
  sns_topic_arn         = aws_sns_topic.alarms.arn
  alarms                = { enabled = true, job_stale_hours = 5 }
  dashboard_enabled     = true
  pos_queue = {
    name                   = "${local.name_prefix}-pos-events"
    dead_letter_queue_name = "${local.name_prefix}-pos-events-dlq"
  }
  prevent_destroy = false # an example is throwaway: terraform destroy removes it all
}

output "trail_arn" {
  description = "CloudTrail trail of the example."
  value       = module.observability.trail_arn
}

output "alarm_arns" {
  description = "Operator alarms of the example."
  value       = module.observability.alarm_arns
}
