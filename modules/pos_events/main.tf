# POS object events: S3 sends every ObjectCreated/ObjectRemoved under the POS prefix to a
# KMS-encrypted SQS queue (with a dead-letter queue), so a run reads the files that changed
# instead of listing the whole prefix. Only this bucket of this account may send.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  queue_name = "${var.name_prefix}-pos-events"
  # The URL SQS gives a standard queue (https://sqs.<region>.amazonaws.com/<account>/<name>),
  # known at plan time so the job's arguments are too (the plan checks read them).
  queue_url = "https://sqs.${data.aws_region.current.id}.amazonaws.com/${local.account_id}/${local.queue_name}"
}

resource "aws_sqs_queue" "dlq" {
  name                              = "${local.queue_name}-dlq"
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
  message_retention_seconds         = 1209600 # 14 days to look at what failed
  tags                              = merge(var.tags, { Name = "${local.queue_name}-dlq" })
}

resource "aws_sqs_queue" "this" {
  name                              = local.queue_name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
  visibility_timeout_seconds        = var.queue.visibility_timeout_seconds
  message_retention_seconds         = var.queue.message_retention_seconds
  tags                              = merge(var.tags, { Name = local.queue_name })

  # aws_sqs_queue_redrive_policy.this owns the attribute.
  lifecycle {
    ignore_changes = [redrive_policy]
  }
}

# Messages received max_receive_count times move to the dead-letter queue. A resource of its
# own (not the queue's redrive_policy argument, whose JSON the emulator reformats: a diff on
# every plan), so the queue's attributes and this policy are compared each on its own.
resource "aws_sqs_queue_redrive_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.queue.max_receive_count
  })
}

# The dead-letter queue takes messages only from its own queue.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.restrict_dead_letter_sources ? 1 : 0

  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "S3EventsOfTheDataBucket"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.bucket_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue.json

  # One SetQueueAttributes at a time on the queue: concurrent ones race (seen on the emulator,
  # where the policy then never reads back).
  depends_on = [aws_sqs_queue_redrive_policy.this]
}

resource "aws_s3_bucket_notification" "pos" {
  bucket = var.bucket_name

  queue {
    id            = "pos-object-events"
    queue_arn     = aws_sqs_queue.this.arn
    events        = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
    filter_prefix = var.pos_prefix
  }

  # S3 checks at once that it may send to the queue.
  depends_on = [aws_sqs_queue_policy.this]
}
