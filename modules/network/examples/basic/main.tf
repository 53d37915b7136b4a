# Smallest working use of network: a minimal private VPC with the Glue security group and the
# free S3 and DynamoDB gateway endpoints (no interface endpoint, no NAT).
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

module "network" {
  source = "../.."

  name_prefix = local.name_prefix
  tags        = local.tags
  vpc         = { availability_zone = "us-east-1a", cidr_block = "10.42.0.0/24" }
  database    = { cidr_blocks = ["10.42.0.0/24"] }
}

output "security_group_id" {
  description = "Security group of the Glue JDBC connection."
  value       = module.network.security_group_id
}

output "s3_route" {
  description = "How the subnet reaches S3."
  value       = module.network.s3_route
}
