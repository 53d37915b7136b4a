# Native module tests (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix = "cinema-test"
  bucket_name = "cinema-test-data"
  bucket_arn  = "arn:aws:s3:::cinema-test-data"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "queues_events_of_the_pos_prefix" {
  command = plan

  assert {
    condition     = output.queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/cinema-test-pos-events"
    error_message = "the queue URL is the one SQS gives a standard queue"
  }
  assert {
    condition     = toset(one(aws_s3_bucket_notification.pos.queue).events) == toset(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]) && one(aws_s3_bucket_notification.pos.queue).filter_prefix == "raw/pos/"
    error_message = "ObjectCreated and ObjectRemoved of raw/pos/"
  }
  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "both queues are encrypted with the key"
  }
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # bucket arn must be an s3 arn
    bucket_arn = "cinema-test-data"
    # retention is bounded
    queue = { message_retention_seconds = 2000000 }
  }
  expect_failures = [
    var.bucket_arn,
    var.queue,
  ]
}
