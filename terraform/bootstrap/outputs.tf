output "state_bucket" {
  description = "Name of the Terraform state bucket."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "ARN of the KMS key encrypting the state."
  value       = aws_kms_key.state.arn
}

output "backend_config" {
  description = "Contents of terraform/<env>/backend.hcl per environment."
  value = {
    for e in var.environments : e => "bucket     = \"${aws_s3_bucket.state.id}\"\nkms_key_id = \"${aws_kms_key.state.arn}\"\n"
  }
}
