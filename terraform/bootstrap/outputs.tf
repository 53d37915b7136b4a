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
    for e, _ in var.environments : e => "bucket     = \"${aws_s3_bucket.state.id}\"\nkms_key_id = \"${aws_kms_key.state.arn}\"\n"
  }
}

output "github_oidc_provider_arn" {
  description = "The GitHub Actions OIDC provider the deploy roles trust (created here unless github_oidc_provider_arn was given); null while github_repository is null."
  value       = var.github_repository == null ? null : local.github_oidc_provider_arn
}

output "deploy_role_arns" {
  description = "Per environment: the plan role (GitHub environment <env>-plan) and the apply role (GitHub environment <env>). Empty while github_repository is null."
  value = {
    for env, _ in local.deploy_envs : env => {
      plan  = aws_iam_role.deploy["${env}/plan"].arn
      apply = aws_iam_role.deploy["${env}/apply"].arn
    }
  }
}

output "github_environment_variables" {
  description = "The variables to set on each GitHub environment (Settings > Environments) for .github/workflows/deploy.yml, plan.yml and infra-drift.yml. Empty while github_repository is null."
  value = merge({}, [for env, _ in local.deploy_envs : {
    "${env}-plan" = {
      AWS_PLAN_ROLE_ARN    = aws_iam_role.deploy["${env}/plan"].arn
      TF_STATE_BUCKET      = aws_s3_bucket.state.id
      TF_STATE_KMS_KEY_ARN = aws_kms_key.state.arn
    }
    (env) = {
      AWS_APPLY_ROLE_ARN   = aws_iam_role.deploy["${env}/apply"].arn
      TF_STATE_BUCKET      = aws_s3_bucket.state.id
      TF_STATE_KMS_KEY_ARN = aws_kms_key.state.arn
    }
  }]...)
}
