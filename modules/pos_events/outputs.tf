output "queue_url" {
  description = "URL of the POS events queue (the job's --pos_queue_url), in the form SQS gives it; known at plan time. (The emulator serves the queue at its own address.)"
  value       = local.queue_url
}

output "queue_arn" {
  description = "ARN of the POS events queue."
  value       = aws_sqs_queue.this.arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue (messages received max_receive_count times)."
  value       = aws_sqs_queue.dlq.arn
}

output "queue_name" {
  description = "Name of the POS events queue (the CloudWatch QueueName dimension of its age alarm)."
  value       = aws_sqs_queue.this.name
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue (its depth alarm; `aws sqs start-message-move-task --source-arn <dead_letter_queue_arn>` moves its messages back)."
  value       = aws_sqs_queue.dlq.name
}
