# GitHub Actions deploys with no stored keys: a job bound to a GitHub environment gets an OIDC token
# whose sub claim is repo:<owner>/<repo>:environment:<name>, and exchanges it for one of these roles.
#   <project>-<env>-plan   trusted by the GitHub environment "<env>-plan": reads what the root
#                          declares, the root's state, and writes only the state's lock object
#   <project>-<env>-apply  trusted by the GitHub environment "<env>" (staging and prod: required
#                          reviewers): the plan role's reads, the root's writes, the state itself
# Both live under the IAM path /deploy/, which no grant's role/<project>-<env>-* ARN reaches, so an
# apply role cannot edit its own policies. The grants are in deploy_permissions.tf. Nothing here
# exists until var.github_repository names the repository (null: the state bucket and key only).
# tests/terraform/test_deploy_pipeline.py plans this root and checks every policy and trust policy.

locals {
  deploy_envs      = var.github_repository == null ? {} : var.environments
  github_oidc_host = "token.actions.githubusercontent.com"
  # Known at plan time whether the provider is created here or given, so the trust policies are too.
  github_oidc_provider_arn = coalesce(
    var.github_oidc_provider_arn,
    "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${local.github_oidc_host}",
  )

  state_bucket_arn = "arn:${local.partition}:s3:::${local.bucket}"

  # One role per environment and purpose, and the GitHub environment whose tokens it trusts.
  deploy_roles = merge({}, [for env, _ in local.deploy_envs : {
    "${env}/plan"  = { env = env, purpose = "plan", github_environment = "${env}-plan" }
    "${env}/apply" = { env = env, purpose = "apply", github_environment = env }
  }]...)

  # The apply role's grants in managed policies of at most ~5,000 characters (IAM's limit: 6,144,
  # whitespace excluded), in this order; an environment without a feature has no empty policy.
  apply_policy_parts = {
    storage = ["S3Buckets", "S3JobCode", "KmsKeys", "KmsCreateKey", "KmsTagOnCreate", "KmsAliases", "KmsAliasTargets", "KmsList", "KmsViaS3", "KmsGrantsForDynamoDB", "DynamoDBTables", "Secrets"]
    compute = ["GlueCatalog", "GlueNamed", "GlueSecurityConfigurations", "IamRoles", "PassRoles", "SqsQueues", "SnsTopics", "SnsSubscriptions", "EventRules"]
    operate = ["LogGroups", "LogGroupsList", "Alarms", "Dashboards", "Trails", "TrailsList", "AthenaWorkgroup", "Ec2Describe", "Ec2CreateSecurityGroup", "Ec2CreateEndpoint", "Ec2EndpointRouteTables", "Ec2NewRules", "Ec2TagOnCreate", "Ec2Tagged"]
    analytics = [
      "AthenaDataCatalog", "ConnectorApplication", "ConnectorStack", "ConnectorTransform", "ConnectorFunction", "ConnectorImage",
      "QuickSight", "QuickSightList", "QuickSightGroups", "QuickSightServiceRole",
    ]
  }
  apply_policies = merge({}, [for env, _ in local.deploy_envs : {
    for part, sids in local.apply_policy_parts : "${env}/${part}" => {
      env    = env
      part   = part
      grants = [for g in local.grants[env] : g if contains(sids, g.sid)]
    } if length([for g in local.grants[env] : g if contains(sids, g.sid)]) > 0
  }]...)

  deploy_tags = { for env, _ in var.environments : env => merge(local.tags, { Environment = env }) }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_repository != null && var.github_oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.github_oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
  # No thumbprint_list: IAM trusts GitHub's certificate through its own root CAs.
  tags = local.tags
}

data "aws_iam_policy_document" "deploy_trust" {
  #checkov:skip=CKV_AWS_358:sub is exactly repo:<var.github_repository>:environment:<env> under StringEquals, which checkov cannot render (the variable is null by default); tests/terraform/test_deploy_pipeline.py checks every planned trust policy
  for_each = local.deploy_roles

  statement {
    sid     = "GitHubEnvironment${replace(title(replace(each.value.github_environment, "-", " ")), " ", "")}"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = ["repo:${var.github_repository}:environment:${each.value.github_environment}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  for_each = local.deploy_roles

  name                 = "${local.prefix[each.value.env]}-${each.value.purpose}"
  path                 = "/deploy/"
  description          = "GitHub Actions ${each.value.purpose} of terraform/${each.value.env} (GitHub environment ${each.value.github_environment} of ${var.github_repository})"
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust[each.key].json
  max_session_duration = 3600
  tags                 = local.deploy_tags[each.value.env]

  depends_on = [aws_iam_openid_connect_provider.github]
}

# ---------------------------------------------------------------------------- the state
# Both roles: list the bucket, read the root's state object, take and release its lock
# (use_lockfile: <key>.tflock, written with If-None-Match), all encrypted with the state key.
# The apply role also writes the state. The state key is named by its alias (kms:ResourceAliases),
# not its ARN, and no policy document refers to a resource (a data source that does is read only
# at apply), so every policy here is known at plan time and the test reads them from the plan.
data "aws_iam_policy_document" "deploy_state" {
  for_each = local.deploy_roles

  statement {
    sid       = "StateBucketList"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "StateObject"
    actions   = each.value.purpose == "apply" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/${local.state_key[each.value.env]}"]
  }

  statement {
    sid       = "StateLock"
    actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    resources = ["${local.state_bucket_arn}/${local.state_key[each.value.env]}.tflock"]
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["${local.arn.kms}:key/*"]
    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [local.state_key_alias]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "deploy_state" {
  for_each = local.deploy_roles

  name   = "${local.prefix[each.value.env]}-${each.value.purpose}-state"
  role   = aws_iam_role.deploy[each.key].name
  policy = data.aws_iam_policy_document.deploy_state[each.key].json
}

# ---------------------------------------------------------------------------- plan: read only
data "aws_iam_policy_document" "deploy_read" {
  for_each = local.deploy_envs

  dynamic "statement" {
    for_each = [for g in local.grants[each.key] : g if length(g.read) > 0]
    content {
      sid       = statement.value.sid
      actions   = statement.value.read
      resources = statement.value.resources
      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

# Inline on both roles (a managed policy's ARN is unknown until applied, an inline policy names its
# role): the plan role has this and deploy_state, nothing else.
resource "aws_iam_role_policy" "deploy_read" {
  for_each = local.deploy_roles

  name   = "${local.prefix[each.value.env]}-${each.value.purpose}-read"
  role   = aws_iam_role.deploy[each.key].name
  policy = data.aws_iam_policy_document.deploy_read[each.value.env].json
}

# ---------------------------------------------------------------------------- apply
data "aws_iam_policy_document" "deploy_apply" {
  for_each = local.apply_policies

  dynamic "statement" {
    for_each = [for g in each.value.grants : g if length(g.write) > 0]
    content {
      sid       = statement.value.sid
      actions   = statement.value.write
      resources = statement.value.resources
      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # KmsTagOnCreate may tag any key of the account with this environment's tags (what CreateKey
  # needs): never one that another environment's tags already claim.
  dynamic "statement" {
    for_each = each.value.part == "storage" ? [each.value.env] : []
    content {
      sid       = "NoTaggingOfOtherEnvironmentsKeys"
      effect    = "Deny"
      actions   = ["kms:TagResource", "kms:UntagResource"]
      resources = ["${local.arn.kms}:key/*"]
      condition {
        test     = "StringNotEquals"
        variable = "aws:ResourceTag/Environment"
        values   = [statement.value]
      }
      condition {
        test     = "Null"
        variable = "aws:ResourceTag/Environment"
        values   = ["false"]
      }
    }
  }
}

resource "aws_iam_policy" "deploy_apply" {
  for_each = local.apply_policies

  name        = "${local.prefix[each.value.env]}-apply-${each.value.part}"
  path        = "/deploy/"
  description = "Create, change and delete what terraform/${each.value.env} declares (${each.value.part})."
  policy      = data.aws_iam_policy_document.deploy_apply[each.key].json
  tags        = local.deploy_tags[each.value.env]
}

resource "aws_iam_role_policy_attachment" "deploy_apply" {
  for_each = local.apply_policies

  role       = aws_iam_role.deploy["${each.value.env}/apply"].name
  policy_arn = aws_iam_policy.deploy_apply[each.key].arn
}
