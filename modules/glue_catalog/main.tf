# The Glue Data Catalog side of the platform: the database, the JDBC connection to the ECR/CRM
# MySQL server (credentials only in Secrets Manager), two crawlers that keep source schemas
# current without re-crawling unchanged data, the curated metric tables and the data-quality
# tables over the job's own records, all with partition projection (no partitions to crawl or
# repair).

locals {
  # arn:<partition>:kms:<region>:<account>:key/<id>: the key already names where we are, so
  # no account/region data source is needed.
  arn_parts  = split(":", var.kms_key_arn)
  partition  = local.arn_parts[1]
  region     = local.arn_parts[3]
  account_id = local.arn_parts[4]
  glue_arn   = "arn:${local.partition}:glue:${local.region}:${local.account_id}"

  database_name = coalesce(var.database_name, replace(var.name_prefix, "-", "_"))
  create_secret = var.mysql.secret_arn == null
  secret_arn    = local.create_secret ? aws_secretsmanager_secret.mysql[0].arn : var.mysql.secret_arn
  in_vpc        = var.mysql.subnet_id != null
  connection    = "${var.name_prefix}-mysql"

  metric_tables  = jsondecode(file(var.metric_tables_schema_file)).tables
  quality_tables = var.quality_tables_schema_file == null ? {} : jsondecode(file(var.quality_tables_schema_file)).tables
  new_folders    = var.crawlers.pos_recrawl_behavior == "CRAWL_NEW_FOLDERS_ONLY"
}

resource "aws_glue_catalog_database" "this" {
  name        = local.database_name
  description = "${var.name_prefix}: ECR/CRM/POS source tables (crawled) and curated cinema metric tables"
  tags        = var.tags
}

resource "aws_glue_data_catalog_encryption_settings" "this" {
  count = var.catalog_encryption ? 1 : 0

  data_catalog_encryption_settings {
    connection_password_encryption {
      return_connection_password_encrypted = true
      aws_kms_key_id                       = var.kms_key_arn
    }
    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = var.kms_key_arn
    }
  }
}

# ------------------------------------------------------------------------------ MySQL access
# The secret holds {"username": ..., "password": ...}. Terraform never creates a secret
# version, so no credential ever reaches the state, a plan or a tfvars file; see README.
resource "aws_secretsmanager_secret" "mysql" {
  #checkov:skip=CKV2_AWS_57:the ECR/CRM MySQL credentials are owned and rotated by that database's team; a rotation Lambda here would need its admin password
  count = local.create_secret ? 1 : 0

  name                    = "${var.name_prefix}-mysql"
  description             = "ECR/CRM MySQL credentials for the Glue connection ({\"username\",\"password\"}); value set out of band"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.mysql.secret_recovery_days
  tags                    = var.tags
}

resource "aws_glue_connection" "mysql" {
  count = var.mysql.create_connection ? 1 : 0

  name            = local.connection
  description     = "JDBC connection to the ECR/CRM MySQL server; credentials from Secrets Manager"
  connection_type = "JDBC"

  connection_properties = {
    JDBC_CONNECTION_URL = var.mysql.jdbc_url
    JDBC_ENFORCE_SSL    = tostring(var.mysql.enforce_ssl)
    SECRET_ID           = local.secret_arn
  }

  # connection_type is always JDBC here; moto omits it from GetConnection and lacks
  # UpdateConnection, so without this every plan against the emulator would try (and hang)
  # to "update" it. No effect on AWS, where the value round-trips.
  lifecycle {
    ignore_changes = [connection_type]

    # Glue refuses a JDBC crawler or job in a subnet without an S3 gateway endpoint or NAT
    # ("Could not find S3 endpoint or NAT gateway for subnetId"): fail the plan instead.
    precondition {
      condition     = var.mysql.subnet_id == null || var.mysql.s3_route != null
      error_message = "mysql.subnet_id is set but the subnet has no route to S3 (mysql.s3_route is null): enable modules/network with gateway_endpoints.s3 = true, or egress_via_nat = true when its route tables have a NAT."
    }
  }

  dynamic "physical_connection_requirements" {
    for_each = local.in_vpc ? [1] : []
    content {
      subnet_id              = var.mysql.subnet_id
      security_group_id_list = var.mysql.security_group_ids
      availability_zone      = var.mysql.availability_zone
    }
  }

  tags = var.tags
}

# ------------------------------------------------------------------------------ crawler role
data "aws_iam_policy_document" "assume_glue" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "crawler" {
  name               = "${var.name_prefix}-crawler"
  description        = "Glue crawlers of ${var.name_prefix}: read the POS prefix and MySQL, write catalog tables"
  assume_role_policy = data.aws_iam_policy_document.assume_glue.json
  tags               = var.tags
}

data "aws_iam_policy_document" "crawler" {
  statement {
    sid       = "ListPosPrefix"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.pos_prefix, "${var.pos_prefix}*"]
    }
  }

  statement {
    sid       = "ReadPosObjects"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/${var.pos_prefix}*"]
  }

  statement {
    sid = "CatalogTables"
    actions = [
      "glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:BatchUpdatePartition", "glue:CreatePartition",
      "glue:CreateTable", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable",
      "glue:GetTables", "glue:UpdatePartition", "glue:UpdateTable",
    ]
    resources = [
      "${local.glue_arn}:catalog",
      "${local.glue_arn}:database/${local.database_name}",
      "${local.glue_arn}:table/${local.database_name}/*",
    ]
  }

  statement {
    sid       = "UseMysqlConnection"
    actions   = ["glue:GetConnection"]
    resources = ["${local.glue_arn}:catalog", "${local.glue_arn}:connection/${local.connection}"]
  }

  statement {
    sid       = "ReadMysqlSecret"
    actions   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    resources = [local.secret_arn]
  }

  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "CrawlerLogs"
    actions   = ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/crawlers*"]
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid = "VpcNetworkInterfaces"
      actions = [
        "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
      ]
      resources = concat(
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${var.mysql.subnet_id}"],
        [for sg in var.mysql.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${sg}"],
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
      )
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid       = "VpcNetworkInterfaceTags"
      actions   = ["ec2:CreateTags", "ec2:DeleteTags"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"]
      condition {
        test     = "ForAllValues:StringEquals"
        variable = "aws:TagKeys"
        values   = ["aws-glue-service-resource"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid = "VpcDescribe" # EC2 Describe* calls have no resource-level permissions
      actions = [
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid       = "VpcAttributes" # DescribeVpcAttribute takes a VPC resource: this account's VPCs
      actions   = ["ec2:DescribeVpcAttribute"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/*"]
    }
  }
}

resource "aws_iam_role_policy" "crawler" {
  name   = "${var.name_prefix}-crawler"
  role   = aws_iam_role.crawler.id
  policy = data.aws_iam_policy_document.crawler.json
}

resource "aws_glue_security_configuration" "crawler" {
  name = "${var.name_prefix}-crawler"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }
    job_bookmarks_encryption {
      # Crawlers keep no bookmarks; CSE-KMS anyway so every Glue configuration encrypts with the CMK.
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }
    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

# ------------------------------------------------------------------------------ crawlers
resource "aws_glue_crawler" "jdbc" {
  name                   = "${var.name_prefix}-mysql"
  description            = "ECR and CRM schemas over JDBC (${join(", ", var.mysql.databases)})"
  database_name          = aws_glue_catalog_database.this.name
  role                   = aws_iam_role.crawler.arn
  schedule               = var.crawlers.jdbc_schedule
  security_configuration = aws_glue_security_configuration.crawler.name
  table_prefix           = var.jdbc_table_prefix # tables: <prefix><db>_<table>, e.g. src_ecr_sites

  dynamic "jdbc_target" {
    for_each = var.mysql.databases
    content {
      connection_name = local.connection
      path            = "${jdbc_target.value}/%"
    }
  }

  schema_change_policy {
    update_behavior = "UPDATE_IN_DATABASE"
    delete_behavior = "DEPRECATE_IN_DATABASE"
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.crawler, aws_glue_connection.mysql]

  lifecycle {
    # Glue refuses a JDBC crawler or job in a subnet without an S3 gateway endpoint or NAT
    # ("Could not find S3 endpoint or NAT gateway for subnetId"): fail the plan instead.
    precondition {
      condition     = var.mysql.subnet_id == null || var.mysql.s3_route != null
      error_message = "mysql.subnet_id is set but the subnet has no route to S3 (mysql.s3_route is null): enable modules/network with gateway_endpoints.s3 = true, or egress_via_nat = true when its route tables have a NAT."
    }
  }
}

resource "aws_glue_crawler" "pos" {
  name                   = "${var.name_prefix}-pos"
  description            = "POS JSON Lines under s3://${var.bucket_name}/${var.pos_prefix}; ${local.new_folders ? "new folders only" : "full recrawl"}"
  database_name          = aws_glue_catalog_database.this.name
  role                   = aws_iam_role.crawler.arn
  schedule               = var.crawlers.pos_schedule
  security_configuration = aws_glue_security_configuration.crawler.name
  table_prefix           = "pos_"

  s3_target {
    path       = "s3://${var.bucket_name}/${var.pos_prefix}"
    exclusions = ["**/_SUCCESS", "**/*.tmp"]
  }

  recrawl_policy {
    recrawl_behavior = var.crawlers.pos_recrawl_behavior
  }

  # Glue requires LOG/LOG when only new folders are crawled.
  schema_change_policy {
    update_behavior = local.new_folders ? "LOG" : "UPDATE_IN_DATABASE"
    delete_behavior = local.new_folders ? "LOG" : "DEPRECATE_IN_DATABASE"
  }

  configuration = jsonencode({
    Version  = 1.0
    Grouping = { TableGroupingPolicy = "CombineCompatibleSchemas" }
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })

  tags       = var.tags
  depends_on = [aws_iam_role_policy.crawler]
}

# ------------------------------------------------------------------------------ metric tables
# One table per entry of scripts/athena/metric_tables.json (exported from the metric declarations
# by `make generate`): its columns, types and each column's definition as the column comment.
# Partition projection lets Athena compute partition_month values instead of listing partitions.
resource "aws_glue_catalog_table" "metrics" {
  for_each = local.metric_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this.name
  description   = "${try(each.value.title, each.key)}: curated metric table ${each.key}${try(", version ${each.value.version}", "")} (docs/contract/metrics.md), Parquet, one row per ${join(", ", try(each.value.key, ["key"]))}"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL                                   = "TRUE"
    classification                             = "parquet"
    "parquet.compression"                      = "SNAPPY"
    "projection.enabled"                       = "true"
    "projection.partition_month.type"          = "date"
    "projection.partition_month.format"        = "yyyy-MM"
    "projection.partition_month.interval"      = "1"
    "projection.partition_month.interval.unit" = "MONTHS"
    "projection.partition_month.range"         = "2020-01,NOW"
    "storage.location.template"                = "s3://${var.bucket_name}/${var.metrics_prefix}${each.key}/partition_month=$${partition_month}"
  }

  dynamic "partition_keys" {
    for_each = each.value.partition_keys
    content {
      name = partition_keys.value.name
      type = partition_keys.value.type
    }
  }

  storage_descriptor {
    location      = "s3://${var.bucket_name}/${var.metrics_prefix}${each.key}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = try(substr(columns.value.definition, 0, 255), null) # Glue's limit
      }
    }
  }
}

# ------------------------------------------------------------------------------ data-quality tables
# One table per entry of scripts/athena/quality_tables.json (cinema_metrics/catalog.py QUALITY_TABLES,
# exported by `make generate`): the job's quarantine records and run reports, JSON Lines under
# <quality_prefix><folder>/run_date=YYYY-MM-DD/, read as they are written (no crawler, no copy).
# The JSON SerDe reads text files, hence the text input and output formats; the projection
# parameters come from the export, so a new day's folder is queryable without MSCK REPAIR.
resource "aws_glue_catalog_table" "quality" {
  for_each = local.quality_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this.name
  description   = "${each.value.title}: the job's JSON Lines records under ${each.value.folder}/ (docs/DATA_QUALITY.md), partitioned by ${join(", ", [for k in each.value.partition_keys : k.name])}"
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(
    { EXTERNAL = "TRUE", classification = "json" },
    { for k, v in each.value.parameters : k => tostring(v) },
    # Athena builds each projected partition's location from this template (Hive-style folders,
    # as the job writes them).
    {
      "storage.location.template" = "s3://${var.bucket_name}/${var.quality_prefix}${each.value.folder}/${join("/", [for k in each.value.partition_keys : "${k.name}=$${${k.name}}"])}"
    },
  )

  dynamic "partition_keys" {
    for_each = each.value.partition_keys
    content {
      name = partition_keys.value.name
      type = partition_keys.value.type
    }
  }

  storage_descriptor {
    location      = "s3://${var.bucket_name}/${var.quality_prefix}${each.value.folder}/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = each.value.serde
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}
