# Smallest working use of the cinema_platform composition: one dev-sized environment in a minimal
# private VPC made by the network module (Glue security group, free S3 and DynamoDB gateway
# endpoints, no NAT, no interface endpoint), no DynamoDB connector, no QuickSight, no trail.
# Self-contained: no existing VPC, subnet or secret; the MySQL host is a placeholder.
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

module "platform" {
  source = "../.."

  project     = "cinemaexample"
  environment = "dev"
  region      = var.region

  # Placeholder host: the connection and its crawler plan without reaching it. The secret is
  # created empty; its value is set out of band (README "Deploying to AWS").
  mysql = {
    jdbc_url             = "jdbc:mysql://ecr-crm.example.internal:3306/ecr"
    secret_recovery_days = 0
  }

  # A new private VPC with no NAT: interface endpoints for what the job and crawler call besides
  # S3 and DynamoDB (free gateway endpoints), about 7.30 USD each a month.
  network = {
    enabled             = true
    vpc                 = { availability_zone = "us-east-1a", cidr_block = "10.42.0.0/24" }
    interface_endpoints = ["glue", "logs", "monitoring", "secretsmanager", "sqs"]
  }

  glue_job = {
    worker_type       = "G.1X"
    number_of_workers = 2
    execution_class   = "FLEX"
    max_retries       = 1
    schedule          = "cron(0 */6 * * ? *)"
  }

  metric_tables = { point_in_time_recovery = true, deletion_protection = false }
  data_bucket   = { force_destroy = true, kms_deletion_window_days = 7 }
  athena        = { enable_dynamodb_connector = false, force_destroy = true }
  quicksight    = { enabled = false }
  observability = { cloudtrail_enabled = false, force_destroy = true }
  pos_vault     = { retention_days = 7, force_destroy = true }

  # An example is throwaway: nothing under prevent_destroy, so terraform destroy removes it all.
  prevent_destroy = false
}

output "bucket_name" {
  description = "The data bucket of the example."
  value       = module.platform.bucket_name
}

output "glue_job_name" {
  description = "The metrics Glue job."
  value       = module.platform.glue_job_name
}

output "athena_workgroup_name" {
  description = "The Athena workgroup."
  value       = module.platform.athena_workgroup_name
}

output "pos_vault_bucket_name" {
  description = "The Object Lock vault of raw/pos/."
  value       = module.platform.pos_vault_bucket_name
}

output "pos_queue_url" {
  description = "SQS queue of the POS prefix's S3 event notifications."
  value       = module.platform.pos_queue_url
}
