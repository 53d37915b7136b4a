# The AWS provider's data sources as every module test sees them (terraform test, mock_provider
# "aws" { source = "../../tests/terraform/mocks" }): one account, one region, no AWS calls.
mock_data "aws_region" {
  defaults = { id = "us-east-1", name = "us-east-1" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
