output "job_name" {
  description = "Name of the Glue job."
  value       = aws_glue_job.this.name
}

output "job_arn" {
  description = "ARN of the Glue job."
  value       = aws_glue_job.this.arn
}

output "job_role_arn" {
  description = "ARN of the job's IAM role."
  value       = aws_iam_role.job.arn
}

output "log_group_names" {
  description = "CloudWatch log groups of the job (<custom-logGroup-prefix>/error and /output, and the security-configuration groups)."
  value       = [for k in sort(keys(aws_cloudwatch_log_group.job)) : aws_cloudwatch_log_group.job[k].name]
}

output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic receiving the job's alarms."
  value       = aws_sns_topic.alarms.arn
}

output "trigger_name" {
  description = "Name of the scheduled trigger (null when job.schedule_enabled is false)."
  value       = one(aws_glue_trigger.schedule[*].name)
}

output "reconcile_trigger_name" {
  description = "Name of the weekly trigger that runs the job with --reconcile true (null when job.reconcile_enabled is false)."
  value       = one(aws_glue_trigger.reconcile[*].name)
}

output "script_s3_uri" {
  description = "S3 URI of the uploaded entry script."
  value       = "${local.s3}${aws_s3_object.script.key}"
}

output "package_s3_uri" {
  description = "S3 URI of the uploaded job package zip."
  value       = "${local.s3}${aws_s3_object.package.key}"
}
