# QuickSight for the business team: an Athena data source (through the enforced workgroup),
# one data set per dashboard view, SPICE refreshes, the dashboard rendered from the repository's
# definition file, and group-based permissions (readers view, authors edit). Behind `enabled`:
# QuickSight needs an account subscription.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id      = data.aws_caller_identity.current.account_id
  partition       = data.aws_partition.current.partition
  region          = data.aws_region.current.name
  identity_region = coalesce(var.groups.identity_region, local.region)

  definition_source = var.definition_file != null ? basename(var.definition_file) : "the module's minimal definition"
  definition_path   = coalesce(var.definition_file, "${path.module}/default/definition.json")
  data_sets_path    = coalesce(var.data_sets_file, "${path.module}/default/datasets.json")
  definition_sha    = filesha256(local.definition_path)
  # The dashboard's version note: which file, which content.
  version_description = "Rendered from ${local.definition_source} (sha256 ${substr(local.definition_sha, 0, 12)})"
  data_sets_doc       = jsondecode(file(local.data_sets_path))

  # QuickSight IDs are per account and region: the name prefix keeps environments apart.
  id_prefix           = "${var.name_prefix}-"
  data_set_arn_prefix = "arn:${local.partition}:quicksight:${local.region}:${local.account_id}:dataset/${local.id_prefix}"
  definition          = jsondecode(templatefile(local.definition_path, { data_set_arn_prefix = local.data_set_arn_prefix }))
  dashboard_id        = "${local.id_prefix}${local.data_sets_doc.dashboard.id}"
  dashboard_name      = "${local.data_sets_doc.dashboard.name} (${var.name_prefix})"
  data_sets           = var.enabled ? local.data_sets_doc.data_sets : {}

  group_arn = {
    readers = "arn:${local.partition}:quicksight:${local.identity_region}:${local.account_id}:group/${var.groups.namespace}/${var.groups.readers}"
    authors = "arn:${local.partition}:quicksight:${local.identity_region}:${local.account_id}:group/${var.groups.namespace}/${var.groups.authors}"
  }

  # Business users: look at the dashboard and filter it, nothing else (no data set, no source).
  reader_dashboard_actions = ["quicksight:DescribeDashboard", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard"]
  author_dashboard_actions = concat(local.reader_dashboard_actions, [
    "quicksight:DeleteDashboard", "quicksight:DescribeDashboardPermissions", "quicksight:UpdateDashboard",
    "quicksight:UpdateDashboardPermissions", "quicksight:UpdateDashboardPublishedVersion",
  ])
  author_data_set_actions = [
    "quicksight:CancelIngestion", "quicksight:CreateIngestion", "quicksight:DeleteDataSet", "quicksight:DescribeDataSet",
    "quicksight:DescribeDataSetPermissions", "quicksight:DescribeIngestion", "quicksight:ListIngestions",
    "quicksight:PassDataSet", "quicksight:UpdateDataSet", "quicksight:UpdateDataSetPermissions",
  ]
  author_data_source_actions = [
    "quicksight:DeleteDataSource", "quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions",
    "quicksight:PassDataSource", "quicksight:UpdateDataSource", "quicksight:UpdateDataSourcePermissions",
  ]
  dashboard_permissions = [
    { principal = local.group_arn.readers, actions = local.reader_dashboard_actions },
    { principal = local.group_arn.authors, actions = local.author_dashboard_actions },
  ]

  memberships = var.enabled ? merge(
    { for u in var.groups.reader_user_names : "readers/${u}" => { group = var.groups.readers, user = u } },
    { for u in var.groups.author_user_names : "authors/${u}" => { group = var.groups.authors, user = u } },
  ) : {}
}

# ------------------------------------------------------------------------------ groups
resource "aws_quicksight_group" "this" {
  for_each = var.enabled && var.groups.create ? {
    readers = "Business users of the ${var.name_prefix} cinema dashboards: view and filter only."
    authors = "Authors of the ${var.name_prefix} cinema dashboards: edit data sets and dashboards."
  } : {}

  group_name  = each.key == "readers" ? var.groups.readers : var.groups.authors
  description = each.value
  namespace   = var.groups.namespace
}

resource "aws_quicksight_group_membership" "this" {
  for_each = local.memberships

  group_name  = each.value.group
  member_name = each.value.user
  namespace   = var.groups.namespace

  depends_on = [aws_quicksight_group.this]
}

# ------------------------------------------------------------------------------ data source
resource "aws_quicksight_data_source" "athena" {
  count = var.enabled ? 1 : 0

  data_source_id = "${var.name_prefix}-athena"
  name           = "${var.name_prefix} Athena (${var.athena_workgroup_name})"
  type           = "ATHENA"

  parameters {
    athena {
      work_group = var.athena_workgroup_name
    }
  }

  ssl_properties {
    disable_ssl = false
  }

  permission {
    principal = local.group_arn.authors
    actions   = local.author_data_source_actions
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition = alltrue([
        for d in local.definition.data_set_identifiers_declarations :
        contains(keys(local.data_sets_doc.data_sets), d.identifier) &&
        d.data_set_arn == "${local.data_set_arn_prefix}${local.data_sets_doc.data_sets[d.identifier].data_set_id}"
      ])
      error_message = "Every data set identifier of the definition must be a data set of the data sets file with the same data_set_id: pass definition_file and data_sets_file written together (or neither)."
    }
  }

  depends_on = [aws_quicksight_group.this]
}

# ------------------------------------------------------------------------------ data sets
# One data set per view of the dashboard spec; the columns and their QuickSight types come from
# datasets.json (generated from the spec), never re-typed here.
resource "aws_quicksight_data_set" "this" {
  for_each = local.data_sets

  data_set_id = "${local.id_prefix}${each.value.data_set_id}"
  name        = "${each.value.name} (${var.name_prefix})"
  import_mode = var.import_mode

  physical_table_map {
    physical_table_map_id = each.key
    relational_table {
      data_source_arn = aws_quicksight_data_source.athena[0].arn
      catalog         = "AwsDataCatalog"
      schema          = var.glue_database_name
      name            = each.value.view
      dynamic "input_columns" {
        for_each = each.value.columns
        content {
          name = input_columns.value.name
          type = input_columns.value.type
        }
      }
    }
  }

  logical_table_map {
    logical_table_map_id = each.key
    alias                = each.value.view
    source {
      physical_table_id = each.key
    }
  }

  permissions {
    principal = local.group_arn.authors
    actions   = local.author_data_set_actions
  }

  tags = var.tags
}

resource "aws_quicksight_refresh_schedule" "this" {
  for_each = var.import_mode == "SPICE" ? local.data_sets : {}

  data_set_id = aws_quicksight_data_set.this[each.key].data_set_id
  schedule_id = "${each.key}-${lower(var.refresh.interval)}"

  schedule {
    refresh_type = "FULL_REFRESH"
    schedule_frequency {
      interval        = var.refresh.interval
      time_of_the_day = var.refresh.interval == "DAILY" ? var.refresh.time_of_day : null
      timezone        = var.refresh.timezone
    }
  }
}

# ------------------------------------------------------------------------------ service role
data "aws_iam_policy_document" "service_role" {
  count = var.enabled && var.service_role_name != null ? 1 : 0

  statement {
    sid       = "AthenaInTheWorkgroupOnly"
    actions   = ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"]
    resources = ["arn:${local.partition}:athena:${local.region}:${local.account_id}:workgroup/${var.athena_workgroup_name}"]
  }

  statement {
    sid     = "GlueReadOfTheMetricsDatabase"
    actions = ["glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"]
    resources = [
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.glue_database_name}",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.glue_database_name}/*",
    ]
  }

  statement {
    sid       = "ReadCuratedMetrics"
    actions   = ["s3:GetObject"]
    resources = [for p in var.read_prefixes : "arn:${local.partition}:s3:::${var.bucket_name}/${p}*"]
  }

  statement {
    sid       = "QueryResults"
    actions   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
    resources = ["arn:${local.partition}:s3:::${var.bucket_name}/${var.results_prefix}*"]
  }

  # Listing names keys: only under the prefixes this role reads (a request without a prefix, or
  # with another one, is denied). GetBucketLocation takes no s3:prefix, so it has its own statement.
  statement {
    sid       = "ListOwnPrefixes"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.bucket_name}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for p in distinct(concat(var.read_prefixes, [var.results_prefix])) : [p, "${p}*"]])
    }
  }

  statement {
    sid       = "BucketLocation"
    actions   = ["s3:GetBucketLocation"]
    resources = ["arn:${local.partition}:s3:::${var.bucket_name}"]
  }

  statement {
    sid       = "BucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "service_role" {
  count = var.enabled && var.service_role_name != null ? 1 : 0

  name   = "${var.name_prefix}-quicksight-athena"
  role   = var.service_role_name
  policy = data.aws_iam_policy_document.service_role[0].json

  lifecycle {
    precondition {
      condition     = var.bucket_name != null && var.kms_key_arn != null
      error_message = "service_role_name needs bucket_name and kms_key_arn to scope the policy."
    }
  }
}
