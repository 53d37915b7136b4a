# Native module tests of the quicksight inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
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

run "refresh_time_of_day_is_hh_mm" {
  command = plan
  variables {
    refresh = { interval = "DAILY", time_of_day = "25:00" }
  }
  expect_failures = [var.refresh]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # glue database name must be snake case
    glue_database_name = "cinema-test"
    # definition file must be json
    definition_file = "definition.yaml"
    # data sets file must be json
    data_sets_file = "datasets.yaml"
    # import mode is spice or direct query
    import_mode = "LIVE"
    # refresh interval is a quicksight interval
    refresh = { interval = "WEEKLY" }
    # reader and author groups differ
    groups = { readers = "cinema", authors = "cinema" }
    # read prefixes are real prefixes (the role lists only under them)
    read_prefixes = [""]
    # so is the results prefix
    results_prefix = "*"
  }
  expect_failures = [
    var.glue_database_name,
    var.definition_file,
    var.data_sets_file,
    var.import_mode,
    var.refresh,
    var.groups,
    var.read_prefixes,
    var.results_prefix,
  ]
}
