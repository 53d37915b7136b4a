# Every service the roots use points at the moto server. The credentials are moto's fixed
# throwaway values, not secrets. skip_requesting_account_id stays false: moto emulates STS,
# and without it ARNs would lose the account id.
provider "aws" {
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = false
  s3_use_path_style           = true

  endpoints {
    athena         = var.aws_endpoint
    cloudformation = var.aws_endpoint
    cloudtrail     = var.aws_endpoint
    cloudwatch     = var.aws_endpoint
    dynamodb       = var.aws_endpoint
    ec2            = var.aws_endpoint
    events         = var.aws_endpoint
    glue           = var.aws_endpoint
    iam            = var.aws_endpoint
    kms            = var.aws_endpoint
    lambda         = var.aws_endpoint
    logs           = var.aws_endpoint
    quicksight     = var.aws_endpoint
    s3             = var.aws_endpoint
    secretsmanager = var.aws_endpoint
    serverlessrepo = var.aws_endpoint
    sns            = var.aws_endpoint
    sqs            = var.aws_endpoint
    sts            = var.aws_endpoint
  }
}

variable "aws_endpoint" {
  description = "URL of the moto server every AWS service call goes to (the demo and the tests pass their port)."
  type        = string
  default     = "http://127.0.0.1:15000"

  validation {
    condition     = can(regex("^https?://[^/]+$", var.aws_endpoint))
    error_message = "aws_endpoint must be a URL such as http://127.0.0.1:15000 (no path)."
  }
}
