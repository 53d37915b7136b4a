# Smallest working use of pos_events: the data bucket's POS prefix sends its object events to the queue.
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

module "pos_events" {
  source = "../.."

  name_prefix = local.name_prefix
  tags        = local.tags
  bucket_name = module.data_bucket.bucket_name
  bucket_arn  = module.data_bucket.bucket_arn
  pos_prefix  = module.data_bucket.prefixes.pos
  kms_key_arn = module.data_bucket.kms_key_arn
}

output "queue_url" {
  description = "The POS events queue."
  value       = module.pos_events.queue_url
}
