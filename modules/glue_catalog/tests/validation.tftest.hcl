# Native module tests of the glue_catalog inputs (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
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
  assert {
    condition = alltrue([for name, t in jsondecode(file(var.metric_tables_schema_file)).tables : (
      [for c in aws_glue_catalog_table.metrics[name].storage_descriptor[0].columns : c.comment] == [for c in t.columns : c.definition]
    )]) && sort(keys(aws_glue_catalog_table.metrics)) == sort(keys(jsondecode(file(var.metric_tables_schema_file)).tables))
    error_message = "one catalog table per exported metric table, each column commented with its definition"
  }
}

run "no_quality_tables_without_their_export" {
  command = plan
  assert {
    condition     = length(aws_glue_catalog_table.quality) == 0
    error_message = "quality_tables_schema_file defaults to null: no data-quality table"
  }
}

run "plans_the_quality_tables_over_the_job_records" {
  command = plan
  variables {
    quality_tables_schema_file = "../../scripts/athena/quality_tables.json"
  }
  assert {
    condition     = sort(keys(aws_glue_catalog_table.quality)) == sort(keys(jsondecode(file(var.quality_tables_schema_file)).tables))
    error_message = "one catalog table per exported data-quality table"
  }
  assert {
    condition = alltrue([for name, t in jsondecode(file(var.quality_tables_schema_file)).tables : (
      aws_glue_catalog_table.quality[name].storage_descriptor[0].location == "s3://cinema-test-data/curated/${t.folder}/" &&
      aws_glue_catalog_table.quality[name].storage_descriptor[0].ser_de_info[0].serialization_library == "org.openx.data.jsonserde.JsonSerDe" &&
      aws_glue_catalog_table.quality[name].storage_descriptor[0].input_format == "org.apache.hadoop.mapred.TextInputFormat" &&
      aws_glue_catalog_table.quality[name].parameters["projection.run_date.range"] == t.parameters["projection.run_date.range"] &&
      aws_glue_catalog_table.quality[name].parameters["storage.location.template"] == "s3://cinema-test-data/curated/${t.folder}/run_date=$${run_date}" &&
      [for k in aws_glue_catalog_table.quality[name].partition_keys : "${k.name} ${k.type}"] == ["run_date date"]
    )])
    error_message = "each data-quality table reads curated/<folder>/ with the JSON SerDe, text formats and the export's projection"
  }
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

run "pos_recrawl_behavior_is_an_enum" {
  command = plan
  variables {
    crawlers = { pos_recrawl_behavior = "CRAWL_EVENT_MODE" }
  }
  expect_failures = [var.crawlers]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # name prefix must be lower case
    name_prefix = "-cinema"
    # database name must be snake case
    database_name = "cinema-test"
    # kms key arn must be a key arn
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/cinema"
    # pos prefix must end with a slash
    pos_prefix = "raw/pos"
    # metrics prefix must not start with a slash
    metrics_prefix = "/curated/metrics/"
    # quality prefix must not start with a slash
    quality_prefix = "/curated/"
    # jdbc url carries no credentials
    mysql = { jdbc_url = "jdbc:mysql://admin:secret@mysql.example.internal:3306/ecr" }
    # crawler schedule must be glue cron
    crawlers = { jdbc_schedule = "rate(1 day)" }
    # jdbc table prefix must be snake case
    jdbc_table_prefix = "Src-"
    # the metric tables export must hold at least one table (a fixture with none)
    metric_tables_schema_file = "../../modules/glue_catalog/tests/empty_tables.json"
    # so must the data-quality tables export when one is given
    quality_tables_schema_file = "../../modules/glue_catalog/tests/empty_tables.json"
  }
  expect_failures = [
    var.name_prefix,
    var.database_name,
    var.kms_key_arn,
    var.pos_prefix,
    var.metrics_prefix,
    var.mysql,
    var.crawlers,
    var.jdbc_table_prefix,
    var.metric_tables_schema_file,
    var.quality_prefix,
    var.quality_tables_schema_file,
  ]
}
