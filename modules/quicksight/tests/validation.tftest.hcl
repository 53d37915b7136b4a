# Native module tests of the quicksight inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
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
  name_prefix           = "cinema-test"
  athena_workgroup_name = "cinema-test"
  glue_database_name    = "cinema_test"
}

run "plans_the_dashboard_with_valid_inputs" {
  command = plan
  variables {
    enabled           = true
    service_role_name = "aws-quicksight-service-role-v0"
    bucket_name       = "cinema-test-data"
    kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }
  assert {
    condition     = length(aws_quicksight_dashboard.this) == 1 && length(aws_iam_role_policy.service_role) == 1
    error_message = "enabled with a service role: the dashboard and the service role policy"
  }
}

run "name_prefix_must_be_lower_case" {
  command = plan
  variables {
    name_prefix = "CINEMA"
  }
  expect_failures = [var.name_prefix]
}

run "glue_database_name_must_be_snake_case" {
  command = plan
  variables {
    glue_database_name = "cinema-test"
  }
  expect_failures = [var.glue_database_name]
}

run "definition_file_must_be_json" {
  command = plan
  variables {
    definition_file = "definition.yaml"
  }
  expect_failures = [var.definition_file]
}

run "data_sets_file_must_be_json" {
  command = plan
  variables {
    data_sets_file = "datasets.yaml"
  }
  expect_failures = [var.data_sets_file]
}

run "import_mode_is_spice_or_direct_query" {
  command = plan
  variables {
    import_mode = "LIVE"
  }
  expect_failures = [var.import_mode]
}

run "refresh_interval_is_a_quicksight_interval" {
  command = plan
  variables {
    refresh = { interval = "WEEKLY" }
  }
  expect_failures = [var.refresh]
}

run "refresh_time_of_day_is_hh_mm" {
  command = plan
  variables {
    refresh = { interval = "DAILY", time_of_day = "25:00" }
  }
  expect_failures = [var.refresh]
}

run "reader_and_author_groups_differ" {
  command = plan
  variables {
    groups = { readers = "cinema", authors = "cinema" }
  }
  expect_failures = [var.groups]
}
