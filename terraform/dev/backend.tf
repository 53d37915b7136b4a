# Remote state in the bucket made by terraform/bootstrap, locked with S3-native lock files
# (use_lockfile; no DynamoDB table). The bucket and KMS key come from a partial
# configuration: terraform init -backend-config=backend.hcl (see backend.hcl.example).
terraform {
  backend "s3" {
    key          = "cinema/dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
