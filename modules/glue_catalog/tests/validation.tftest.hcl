# Native module tests of the glue_catalog inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
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
}

variables {
  name_prefix               = "cinema-test"
  bucket_name               = "cinema-test-data"
  bucket_arn                = "arn:aws:s3:::cinema-test-data"
  kms_key_arn               = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  metric_tables_schema_file = "../../scripts/athena/metric_tables.json"
  mysql                     = { jdbc_url = "jdbc:mysql://mysql.example.internal:3306/ecr" }
}

run "plans_the_catalog_with_valid_inputs" {
  command = plan
  assert {
    condition     = aws_glue_catalog_database.this.name == "cinema_test"
    error_message = "a null database_name derives name_prefix with underscores"
  }
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "-cinema"
  }
  expect_failures = [var.name_prefix]
}

run "database_name_must_be_snake_case" {
  command = plan
  variables {
    database_name = "cinema-test"
  }
  expect_failures = [var.database_name]
}

run "kms_key_arn_must_be_a_key_arn" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/cinema"
  }
  expect_failures = [var.kms_key_arn]
}

run "pos_prefix_must_end_with_a_slash" {
  command = plan
  variables {
    pos_prefix = "raw/pos"
  }
  expect_failures = [var.pos_prefix]
}

run "metrics_prefix_must_not_start_with_a_slash" {
  command = plan
  variables {
    metrics_prefix = "/curated/metrics/"
  }
  expect_failures = [var.metrics_prefix]
}

run "jdbc_url_carries_no_credentials" {
  command = plan
  variables {
    mysql = { jdbc_url = "jdbc:mysql://admin:secret@mysql.example.internal:3306/ecr" }
  }
  expect_failures = [var.mysql]
}

run "secret_arn_must_be_a_secrets_manager_arn" {
  command = plan
  variables {
    mysql = { jdbc_url = "jdbc:mysql://mysql.example.internal:3306/ecr", secret_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/x" }
  }
  expect_failures = [var.mysql]
}

run "subnet_needs_security_groups_and_az" {
  command = plan
  variables {
    mysql = { jdbc_url = "jdbc:mysql://mysql.example.internal:3306/ecr", subnet_id = "subnet-0123456789abcdef0", s3_route = "gateway-endpoint" }
  }
  expect_failures = [var.mysql]
}

run "secret_recovery_days_is_0_or_7_to_30" {
  command = plan
  variables {
    mysql = { jdbc_url = "jdbc:mysql://mysql.example.internal:3306/ecr", secret_recovery_days = 3 }
  }
  expect_failures = [var.mysql]
}

run "crawler_schedule_must_be_glue_cron" {
  command = plan
  variables {
    crawlers = { jdbc_schedule = "rate(1 day)" }
  }
  expect_failures = [var.crawlers]
}

run "pos_recrawl_behavior_is_an_enum" {
  command = plan
  variables {
    crawlers = { pos_recrawl_behavior = "CRAWL_EVENT_MODE" }
  }
  expect_failures = [var.crawlers]
}

run "jdbc_table_prefix_must_be_snake_case" {
  command = plan
  variables {
    jdbc_table_prefix = "Src-"
  }
  expect_failures = [var.jdbc_table_prefix]
}
