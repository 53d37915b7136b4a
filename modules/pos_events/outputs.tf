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
