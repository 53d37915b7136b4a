# Native module tests of the observability inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix           = "cinema-test"
  data_bucket_arn       = "arn:aws:s3:::cinema-test-data"
  dynamodb_table_arns   = { site_daily = "arn:aws:dynamodb:us-east-1:123456789012:table/cinema-test-site_daily" }
  glue_job_name         = "cinema-test-metrics"
  athena_workgroup_name = "cinema-test"
  sns_topic_arn         = "arn:aws:sns:us-east-1:123456789012:cinema-test-alerts"
}

run "plans_alarms_and_trail_with_valid_inputs" {
  command = plan
  variables {
    cloudtrail = { enabled = true }
    pos_queue  = { name = "cinema-test-pos-events", dead_letter_queue_name = "cinema-test-pos-events-dlq" }
  }
  assert {
    condition     = length(aws_cloudtrail.this) == 1
    error_message = "cloudtrail.enabled creates the trail"
  }
  assert {
    condition     = length(aws_s3_bucket.audit) == 1 && length(aws_kms_key.audit) == 1 && length(aws_s3_bucket.audit_unprotected) == 0
    error_message = "the audit bucket and key are protected by default"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.pos_dead_letters[0].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.pos_dead_letters[0].threshold == 0 && aws_cloudwatch_metric_alarm.pos_dead_letters[0].dimensions.QueueName == "cinema-test-pos-events-dlq"
    error_message = "any message in the dead-letter queue raises the alarm"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.pos_queue_age[0].metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.pos_queue_age[0].threshold == 4 * 3600
    error_message = "an event older than 4 hours raises the alarm"
  }
  assert {
    condition     = contains(aws_cloudwatch_metric_alarm.pos_queue_age[0].alarm_actions, var.sns_topic_arn)
    error_message = "the alarm goes to the operators' topic"
  }
}

# A metric-math alarm reads at most 10 metrics: 11 tables need two throttle alarms, 10 per group.
run "throttle_alarms_watch_at_most_ten_tables_each" {
  command = plan
  variables {
    dynamodb_table_arns = { for i in range(11) : "table_${i}" => "arn:aws:dynamodb:us-east-1:123456789012:table/cinema-test-table_${i}" }
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dynamodb_write_throttles) == 2
    error_message = "11 metric tables: two throttle alarms"
  }
  assert {
    condition     = [for a in aws_cloudwatch_metric_alarm.dynamodb_write_throttles : length(a.metric_query) - 1] == [10, 1]
    error_message = "each throttle alarm reads at most 10 metrics (+ its SUM expression)"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.dynamodb_write_throttles[0].alarm_name == "cinema-test-metric-tables-write-throttles" && aws_cloudwatch_metric_alarm.dynamodb_write_throttles[1].alarm_name == "cinema-test-metric-tables-write-throttles-2"
    error_message = "the first group keeps the alarm's name"
  }
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "c"
  }
  expect_failures = [var.name_prefix]
}

run "alarm_thresholds_are_positive" {
  command = plan
  variables {
    alarms = { dynamodb_throttle_threshold = 0 }
  }
  expect_failures = [var.alarms]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # trail retention at least a quarter
    cloudtrail = { enabled = true, retention_days = 30 }
    # data bucket arn must be an s3 arn
    data_bucket_arn = "cinema-test-data"
    # dynamodb table arns must be table arns
    dynamodb_table_arns = { site_daily = "cinema-test-site_daily" }
    # sns topic arn must be an sns arn
    sns_topic_arn = "arn:aws:sqs:us-east-1:123456789012:cinema-test-alerts"
    # job stale hours within a day
    alarms = { job_stale_hours = 48 }
    # queue names are sqs names
    pos_queue = { name = "cinema test", dead_letter_queue_name = "cinema-test-pos-events-dlq" }
  }
  expect_failures = [
    var.cloudtrail,
    var.data_bucket_arn,
    var.dynamodb_table_arns,
    var.sns_topic_arn,
    var.alarms,
    var.pos_queue,
  ]
}
