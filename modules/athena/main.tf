# Athena for the cinema metrics: one enforced workgroup (engine v3, encrypted results, a
# bytes-scanned cutoff), the saved queries and view definitions read from scripts/athena, and
# behind a flag the DynamoDB federated connector registered as a LAMBDA data catalog.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # `name` exists on 5.x and (deprecated) on 6.x.
  region     = data.aws_region.current.name
  bucket_arn = "arn:${local.partition}:s3:::${var.bucket_name}"

  # The SAR application names its Lambda after AthenaCatalogName (hyphens are fine there);
  # the Athena catalog gets underscores so SQL can name it without quoting.
  connector_function_name = "${var.name_prefix}-dynamodb-connector"
  connector_function_arn  = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.connector_function_name}"
  data_catalog_name       = "${replace(var.name_prefix, "-", "_")}_dynamodb"

  # Every scripts/athena/{named_queries,views}/*.sql file becomes one saved query. The files may
  # use the placeholders ${database}, ${dynamodb_catalog}, ${dynamodb_tables.<table>},
  # ${curated_location} and ${workgroup}; a query that needs the DynamoDB catalog is left out
  # while the connector is off (it could not run).
  # A folder that does not exist stands for "no SQL files" (fileset() then returns nothing).
  sql_root = var.sql_dir != null ? var.sql_dir : "${path.module}/no-sql-dir"
  sql_files = sort(concat(
    tolist(fileset(local.sql_root, "named_queries/*.sql")),
    tolist(fileset(local.sql_root, "views/*.sql")),
  ))
  sql_vars = {
    database         = var.glue_database_name
    dynamodb_catalog = local.data_catalog_name
    dynamodb_tables  = var.dynamodb_table_names
    curated_location = "s3://${var.bucket_name}/${var.curated_prefix}"
    workgroup        = "${var.name_prefix}-analytics"
  }
  named_queries = {
    for f in local.sql_files : "${dirname(f)}/${trimsuffix(basename(f), ".sql")}" => {
      kind  = dirname(f) == "views" ? "view" : "query"
      stem  = trimsuffix(basename(f), ".sql")
      query = templatefile("${local.sql_root}/${f}", local.sql_vars)
      # The first line, when it is a comment, describes the query.
      description = startswith(trimspace(file("${local.sql_root}/${f}")), "--") ? substr(trimspace(trimprefix(split("\n", trimspace(file("${local.sql_root}/${f}")))[0], "--")), 0, 1024) : "${dirname(f)}/${basename(f)} from scripts/athena"
    } if var.enable_dynamodb_connector || !strcontains(file("${local.sql_root}/${f}"), "$${dynamodb_catalog}")
  }
}

# ------------------------------------------------------------------ workgroup
resource "aws_athena_workgroup" "this" {
  name          = "${var.name_prefix}-analytics"
  description   = "Cinema metrics: dashboards and analysts (enforced settings, encrypted results, scan cutoff)."
  state         = "ENABLED"
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query
    requester_pays_enabled             = false

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${var.bucket_name}/${var.results_prefix}"
      expected_bucket_owner = coalesce(var.expected_bucket_owner, local.account_id)

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-analytics" })
}

# ------------------------------------------------------------------ saved queries and views
resource "aws_athena_named_query" "this" {
  for_each = local.named_queries

  name        = each.value.kind == "view" ? "create-view-${each.value.stem}" : each.value.stem
  description = each.value.description
  workgroup   = aws_athena_workgroup.this.id
  database    = var.glue_database_name
  query       = each.value.query
}

# ------------------------------------------------------------------ DynamoDB federated connector
data "aws_iam_policy_document" "connector_assume" {
  count = var.enable_dynamodb_connector ? 1 : 0

  statement {
    sid     = "LambdaAssumesConnectorRole"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "connector" {
  count = var.enable_dynamodb_connector ? 1 : 0

  statement {
    sid     = "ReadMetricTablesOnly"
    actions = ["dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan"]
    resources = flatten([
      for arn in values(var.dynamodb_table_arns) : [arn, "${arn}/index/*"]
    ])
  }

  # Reason for "*": dynamodb:ListTables has no resource-level permission (it lists the account's
  # table names, never their contents); the connector calls it to resolve SHOW TABLES.
  statement {
    sid       = "ListTablesHasNoResourceLevelPermission"
    actions   = ["dynamodb:ListTables"]
    resources = ["*"]
  }

  # The connector reads optional schema overrides from the Glue catalog; only our database.
  statement {
    sid     = "ReadGlueSchemaOverrides"
    actions = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"]
    resources = [
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.glue_database_name}",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.glue_database_name}/*",
    ]
  }

  statement {
    sid       = "CheckQueryStateInOurWorkgroup"
    actions   = ["athena:GetQueryExecution"]
    resources = [aws_athena_workgroup.this.arn]
  }

  statement {
    sid       = "SpillObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.bucket_arn}/${var.spill_prefix}*"]
  }

  statement {
    sid       = "ListSpillPrefix"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.spill_prefix}*"]
    }
  }

  statement {
    sid       = "LocateSpillBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [local.bucket_arn]
  }

  statement {
    sid       = "SpillEncryptionWithBucketKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = var.dynamodb_kms_key_arn == null ? [] : [var.dynamodb_kms_key_arn]
    content {
      sid       = "ReadThroughMetricTablesKey"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = [statement.value]
    }
  }

  # Reason for "*": kms:GenerateRandom is not tied to any key (it returns random bytes); the
  # connector uses it to seed the AES-GCM keys of spilled blocks.
  statement {
    sid       = "GenerateRandomHasNoResource"
    actions   = ["kms:GenerateRandom"]
    resources = ["*"]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.connector[0].arn}:*"]
  }
}

resource "aws_iam_role" "connector" {
  count = var.enable_dynamodb_connector ? 1 : 0

  name               = "${var.name_prefix}-athena-ddb-connector"
  description        = "Athena DynamoDB connector Lambda: reads the metric tables, spills to the data bucket."
  assume_role_policy = data.aws_iam_policy_document.connector_assume[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "connector" {
  count = var.enable_dynamodb_connector ? 1 : 0

  name   = "${var.name_prefix}-athena-ddb-connector"
  role   = aws_iam_role.connector[0].id
  policy = data.aws_iam_policy_document.connector[0].json
}

# Created before the function so its logs never land in a group without retention.
resource "aws_cloudwatch_log_group" "connector" {
  #checkov:skip=CKV_AWS_338:connector diagnostics, retention set per environment (connector_log_retention_days) to bound cost; the audit trail is CloudTrail's
  count = var.enable_dynamodb_connector ? 1 : 0

  name              = "/aws/lambda/${local.connector_function_name}"
  retention_in_days = var.connector_log_retention_days
  kms_key_id        = var.kms_key_arn # the data key lets CloudWatch Logs of this account use it
  tags              = var.tags
}

resource "aws_serverlessapplicationrepository_cloudformation_stack" "connector" {
  count = var.enable_dynamodb_connector ? 1 : 0

  name             = "${var.name_prefix}-athena-dynamodb-connector"
  application_id   = "arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaDynamoDBConnector"
  semantic_version = var.connector_semantic_version
  capabilities     = ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"]

  parameters = {
    AthenaCatalogName = local.connector_function_name
    SpillBucket       = var.bucket_name
    SpillPrefix       = trimsuffix(var.spill_prefix, "/")
    LambdaTimeout     = tostring(var.connector_timeout_seconds)
    LambdaMemory      = tostring(var.connector_memory_mb)
    LambdaRole        = aws_iam_role.connector[0].arn
    # The template builds arn:...:key/<KMSKeyId>, so it wants the key ID, not the ARN.
    KMSKeyId = element(split("/", var.kms_key_arn), length(split("/", var.kms_key_arn)) - 1)
    # Every template parameter is set, defaults too: the stack reports all of them back, and a
    # parameter left to its default shows as drift on the next plan (provider issue 16485).
    DisableSpillEncryption = "false"
    PermissionsBoundaryARN = ""
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.connector, aws_cloudwatch_log_group.connector]
}

resource "aws_athena_data_catalog" "dynamodb" {
  count = var.enable_dynamodb_connector ? 1 : 0

  name        = local.data_catalog_name
  description = "Cinema metric tables in DynamoDB through the Athena federated connector (real-time look-ups)."
  type        = "LAMBDA"
  parameters = {
    function = local.connector_function_arn
  }
  tags = var.tags

  depends_on = [aws_serverlessapplicationrepository_cloudformation_stack.connector]
}

# ------------------------------------------------------------------ views (real catalog views)
# A saved query is never run, so it creates no view. These are the views themselves, stored the
# way Athena's CREATE VIEW stores them: a Glue VIRTUAL_VIEW table whose view_original_text is
# "/* Presto View: <base64 of the view JSON> */" (originalSql, catalog, schema, columns with
# Presto types), view_expanded_text "/* Presto View */", and presto_view = true.
locals {
  views = var.views_file == null ? {} : jsondecode(file(var.views_file)).views
  view_json = {
    for name, v in local.views : name => jsonencode({
      originalSql = replace(v.sql, "$${database}", var.glue_database_name)
      catalog     = "awsdatacatalog"
      schema      = var.glue_database_name
      columns     = [for c in v.columns : { name = c.name, type = c.type }]
    })
  }
}

resource "aws_glue_catalog_table" "view" {
  for_each = local.views

  name          = each.key
  database_name = var.glue_database_name
  description   = "Athena view ${each.key} (scripts/athena/views/${each.key}.sql)"
  table_type    = "VIRTUAL_VIEW"
  owner         = "terraform"

  view_original_text = "/* Presto View: ${base64encode(local.view_json[each.key])} */"
  view_expanded_text = "/* Presto View */"

  parameters = {
    presto_view = "true"
    comment     = "Presto View"
  }

  storage_descriptor {
    dynamic "columns" {
      for_each = { for i, c in each.value.columns : format("%03d", i) => { name = c.name, type = each.value.hive_types[i] } }
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}
