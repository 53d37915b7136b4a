# Smallest working use of pos_vault: the data bucket's raw/pos/ replicated to an Object Lock vault.
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

# A throwaway example: nothing protected, both buckets emptied on destroy.
module "data_bucket" {
  source = "../../../data_bucket"

  name_prefix     = local.name_prefix
  tags            = local.tags
  force_destroy   = true
  prevent_destroy = false
}

module "pos_vault" {
  source = "../.."

  name_prefix = local.name_prefix
  tags        = local.tags
  source_bucket = {
    name              = module.data_bucket.bucket_name
    arn               = module.data_bucket.bucket_arn
    kms_key_arn       = module.data_bucket.kms_key_arn
    versioning_status = module.data_bucket.versioning_status
  }
  prefix          = module.data_bucket.prefixes.pos
  retention_days  = 7
  force_destroy   = true
  prevent_destroy = false
}

output "vault_bucket_name" {
  description = "The vault of raw/pos/."
  value       = module.pos_vault.bucket_name
}
