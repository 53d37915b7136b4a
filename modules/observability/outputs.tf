output "trail_arn" {
  description = "ARN of the CloudTrail audit trail (null when cloudtrail.enabled is false)."
  value       = local.trail_enabled ? aws_cloudtrail.this[0].arn : null
}

output "audit_bucket_name" {
  description = "Bucket holding the CloudTrail log files under cloudtrail/ (null when the trail is off)."
  value       = local.trail_enabled ? local.audit_bucket.id : null
}

output "audit_kms_key_arn" {
  description = "ARN of the KMS key encrypting the trail's log files (null when the trail is off)."
  value       = local.trail_enabled ? local.audit_key.arn : null
}

output "alarm_arns" {
  description = "ARNs of the operator alarms by purpose (empty when alarms are off); past 10 metric tables the throttle alarms of the further groups are dynamodb_write_throttles_2, _3, ..."
  value = merge(
    {
      for k, a in {
        job_failed               = one(aws_cloudwatch_metric_alarm.job_failed[*].arn)
        job_stale                = one(aws_cloudwatch_metric_alarm.job_stale[*].arn)
        dynamodb_write_throttles = try(aws_cloudwatch_metric_alarm.dynamodb_write_throttles[0].arn, null)
        athena_cutoff            = one(aws_cloudwatch_metric_alarm.athena_cutoff[*].arn)
        pos_dead_letters         = one(aws_cloudwatch_metric_alarm.pos_dead_letters[*].arn)
        pos_queue_age            = one(aws_cloudwatch_metric_alarm.pos_queue_age[*].arn)
      } : k => a if a != null
    },
    # past 10 metric tables, one throttle alarm per further 10 (main.tf)
    { for i, a in aws_cloudwatch_metric_alarm.dynamodb_write_throttles : "dynamodb_write_throttles_${i + 1}" => a.arn if i > 0 },
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch job-runs dashboard (null when dashboard_enabled is false)."
  value       = one(aws_cloudwatch_dashboard.jobs[*].dashboard_name)
}
