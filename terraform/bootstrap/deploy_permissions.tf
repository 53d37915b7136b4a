# What the deploy roles may do, per environment: one list of grants, each with its read actions
# (plan and apply role) and its write actions (apply role only), every action spelled out (no "*" in any action). Resources are the
# environment's "<project>-<env>-*" ARNs wherever the service's ARN carries a name; KMS keys and
# EC2 security groups and endpoints, whose ARNs carry only an id, are scoped by their Project and
# Environment tags; "*" only for the actions AWS authorizes on no resource (Describe/List calls,
# CreateKey, Glue security configurations, SNS subscriptions' attributes).
# The list follows the resource types terraform/{dev,staging,prod} plan: a root that gains a type
# needs its grant here before the apply role can create it.

locals {
  partition = data.aws_partition.current.partition
  region    = var.region

  # The environment roots' state: terraform/<env>/backend.tf's key, and use_lockfile's lock object.
  state_key = { for env, _ in var.environments : env => "${var.project}/${env}/terraform.tfstate" }

  # Name prefixes of an environment's resources (modules/cinema_platform: "<project>-<env>"; the
  # Glue database and the Athena DynamoDB catalog use "_", which SQL names need).
  prefix    = { for env, _ in var.environments : env => "${var.project}-${env}" }
  db_prefix = { for env, _ in var.environments : env => "${var.project}_${env}" }

  # Tags every resource of an environment carries (modules/cinema_platform's local.tags).
  env_tags = { for env, _ in var.environments : env => [
    { test = "StringEquals", variable = "aws:ResourceTag/Project", values = [var.project] },
    { test = "StringEquals", variable = "aws:ResourceTag/Environment", values = [env] },
  ] }
  request_tags = { for env, _ in var.environments : env => [
    { test = "StringEquals", variable = "aws:RequestTag/Project", values = [var.project] },
    { test = "StringEquals", variable = "aws:RequestTag/Environment", values = [env] },
  ] }

  arn = {
    s3     = "arn:${local.partition}:s3:::"
    kms    = "arn:${local.partition}:kms:${local.region}:${local.account_id}"
    iam    = "arn:${local.partition}:iam::${local.account_id}"
    glue   = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
    ec2    = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
    regacc = "${local.region}:${local.account_id}"
  }

  # The Athena DynamoDB connector comes from AWS's Serverless Application Repository (modules/athena).
  connector_application = "arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaDynamoDBConnector"
  connector_publisher   = "292517598671"

  grants = { for env, features in var.environments : env => concat(
    [
      {
        sid       = "S3Buckets"
        resources = ["${local.arn.s3}${local.prefix[env]}-*"]
        read = [
          "s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation",
          "s3:GetBucketLogging", "s3:GetBucketNotification", "s3:GetBucketObjectLockConfiguration",
          "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock",
          "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite",
          "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
          "s3:ListBucket",
        ]
        write = [
          "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:ListBucketVersions",
          "s3:PutBucketLogging", "s3:PutBucketNotification", "s3:PutBucketObjectLockConfiguration",
          "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration",
        ]
        conditions = []
      },
      {
        # modules/glue_job uploads the entry script and the package under scripts/glue/.
        sid        = "S3JobCode"
        resources  = ["${local.arn.s3}${local.prefix[env]}-data-${local.account_id}/scripts/glue/*"]
        read       = ["s3:GetObject", "s3:GetObjectTagging"]
        write      = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject", "s3:PutObjectTagging"]
        conditions = []
      },
      {
        sid        = "KmsKeys"
        resources  = ["${local.arn.kms}:key/*"]
        read       = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
        write      = ["kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription"]
        conditions = local.env_tags[env]
      },
      {
        # CreateKey authorizes on no resource: only with this environment's tags in the request.
        sid        = "KmsCreateKey"
        resources  = ["*"]
        read       = []
        write      = ["kms:CreateKey"]
        conditions = local.request_tags[env]
      },
      {
        # Tags given to CreateKey need TagResource on every key of the account and region (AWS KMS
        # "Controlling access to tags"); the deny statement below keeps other environments' keys out.
        sid        = "KmsTagOnCreate"
        resources  = ["${local.arn.kms}:key/*"]
        read       = []
        write      = ["kms:TagResource"]
        conditions = local.request_tags[env]
      },
      {
        sid        = "KmsAliases"
        resources  = ["${local.arn.kms}:alias/${local.prefix[env]}-*"]
        read       = []
        write      = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
        conditions = []
      },
      {
        # An alias change is authorized on the alias and on its key: the key must be this environment's.
        sid        = "KmsAliasTargets"
        resources  = ["${local.arn.kms}:key/*"]
        read       = []
        write      = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
        conditions = local.env_tags[env]
      },
      {
        sid        = "KmsList"
        resources  = ["*"]
        read       = ["kms:ListAliases"]
        write      = []
        conditions = []
      },
      {
        # modules/glue_job's code objects are written with the data key, through S3 only.
        sid       = "KmsViaS3"
        resources = ["${local.arn.kms}:key/*"]
        read      = []
        write     = ["kms:Decrypt", "kms:GenerateDataKey"]
        conditions = concat(local.env_tags[env], [
          { test = "StringEquals", variable = "kms:ViaService", values = ["s3.${local.region}.amazonaws.com"] },
        ])
      },
      {
        # A table encrypted with a customer managed key: DynamoDB makes a grant in the caller's name.
        sid       = "KmsGrantsForDynamoDB"
        resources = ["${local.arn.kms}:key/*"]
        read      = []
        write     = ["kms:CreateGrant"]
        conditions = concat(local.env_tags[env], [
          { test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.${local.region}.amazonaws.com"] },
          { test = "Bool", variable = "kms:GrantIsForAWSResource", values = ["true"] },
        ])
      },
      {
        sid        = "DynamoDBTables"
        resources  = ["arn:${local.partition}:dynamodb:${local.arn.regacc}:table/${local.prefix[env]}-*"]
        read       = ["dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"]
        write      = ["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive"]
        conditions = []
      },
      {
        sid = "GlueCatalog"
        resources = [
          "${local.arn.glue}:catalog",
          "${local.arn.glue}:database/${local.db_prefix[env]}",
          "${local.arn.glue}:table/${local.db_prefix[env]}/*",
        ]
        read       = ["glue:GetDatabase", "glue:GetPartitionIndexes", "glue:GetTable"]
        write      = ["glue:CreateDatabase", "glue:CreateTable", "glue:DeleteDatabase", "glue:DeleteTable", "glue:UpdateDatabase", "glue:UpdateTable"]
        conditions = []
      },
      {
        sid = "GlueNamed"
        resources = [
          "${local.arn.glue}:catalog",
          "${local.arn.glue}:connection/${local.prefix[env]}-*",
          "${local.arn.glue}:crawler/${local.prefix[env]}-*",
          "${local.arn.glue}:job/${local.prefix[env]}-*",
          "${local.arn.glue}:trigger/${local.prefix[env]}-*",
        ]
        read = ["glue:GetConnection", "glue:GetCrawler", "glue:GetJob", "glue:GetTags", "glue:GetTrigger"]
        write = [
          "glue:CreateConnection", "glue:CreateCrawler", "glue:CreateJob", "glue:CreateTrigger", "glue:DeleteConnection",
          "glue:DeleteCrawler", "glue:DeleteJob", "glue:DeleteTrigger", "glue:StartTrigger", "glue:StopTrigger",
          "glue:TagResource", "glue:UntagResource", "glue:UpdateConnection", "glue:UpdateCrawler", "glue:UpdateJob",
          "glue:UpdateTrigger",
        ]
        conditions = []
      },
      {
        sid        = "GlueSecurityConfigurations"
        resources  = ["*"]
        read       = ["glue:GetSecurityConfiguration"]
        write      = ["glue:CreateSecurityConfiguration", "glue:DeleteSecurityConfiguration"]
        conditions = []
      },
      {
        # Roles of the environment (path /). The deploy roles live under /deploy/, out of reach.
        sid        = "IamRoles"
        resources  = ["${local.arn.iam}:role/${local.prefix[env]}-*"]
        read       = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]
        write      = ["iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:ListInstanceProfilesForRole", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"]
        conditions = []
      },
      {
        # Glue runs the crawler and the job as their roles, S3 replicates raw/pos/ as its role, the
        # connector's Lambda function runs as its role.
        sid       = "PassRoles"
        resources = ["${local.arn.iam}:role/${local.prefix[env]}-*"]
        read      = []
        write     = ["iam:PassRole"]
        conditions = [{
          test     = "StringEquals"
          variable = "iam:PassedToService"
          values   = concat(["glue.amazonaws.com", "s3.amazonaws.com"], features.athena_dynamodb_connector ? ["lambda.amazonaws.com"] : [])
        }]
      },
      {
        sid        = "Secrets"
        resources  = ["arn:${local.partition}:secretsmanager:${local.arn.regacc}:secret:${local.prefix[env]}-*"]
        read       = ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"]
        write      = ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:UpdateSecret"]
        conditions = []
      },
      {
        sid        = "SqsQueues"
        resources  = ["arn:${local.partition}:sqs:${local.arn.regacc}:${local.prefix[env]}-*"]
        read       = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
        write      = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
        conditions = []
      },
      {
        sid        = "SnsTopics"
        resources  = ["arn:${local.partition}:sns:${local.arn.regacc}:${local.prefix[env]}-*"]
        read       = ["sns:GetTopicAttributes", "sns:ListTagsForResource"]
        write      = ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:UntagResource"]
        conditions = []
      },
      {
        # Subscription calls authorize on no resource (the subscription ARN is not an IAM resource).
        sid        = "SnsSubscriptions"
        resources  = ["*"]
        read       = ["sns:GetSubscriptionAttributes"]
        write      = ["sns:SetSubscriptionAttributes", "sns:Unsubscribe"]
        conditions = []
      },
      {
        sid        = "EventRules"
        resources  = ["arn:${local.partition}:events:${local.arn.regacc}:rule/${local.prefix[env]}-*"]
        read       = ["events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"]
        write      = ["events:DeleteRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
        conditions = []
      },
      {
        sid = "LogGroups"
        resources = concat(
          ["arn:${local.partition}:logs:${local.arn.regacc}:log-group:/aws-glue/jobs/${local.prefix[env]}-*"],
          features.athena_dynamodb_connector ? ["arn:${local.partition}:logs:${local.arn.regacc}:log-group:/aws/lambda/${local.prefix[env]}-*"] : [],
        )
        read = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"]
        write = [
          "logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteRetentionPolicy",
          "logs:DisassociateKmsKey", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource",
          "logs:UntagLogGroup", "logs:UntagResource",
        ]
        conditions = []
      },
      {
        sid        = "LogGroupsList"
        resources  = ["*"]
        read       = ["logs:DescribeLogGroups"]
        write      = []
        conditions = []
      },
      {
        sid        = "Alarms"
        resources  = ["arn:${local.partition}:cloudwatch:${local.arn.regacc}:alarm:${local.prefix[env]}-*"]
        read       = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
        write      = ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
        conditions = []
      },
      {
        sid        = "Dashboards"
        resources  = ["arn:${local.partition}:cloudwatch::${local.account_id}:dashboard/${local.prefix[env]}-*"]
        read       = ["cloudwatch:GetDashboard"]
        write      = ["cloudwatch:DeleteDashboards", "cloudwatch:PutDashboard"]
        conditions = []
      },
      {
        sid        = "Trails"
        resources  = ["arn:${local.partition}:cloudtrail:${local.arn.regacc}:trail/${local.prefix[env]}-*"]
        read       = ["cloudtrail:GetEventSelectors", "cloudtrail:GetInsightSelectors", "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:ListTags"]
        write      = ["cloudtrail:AddTags", "cloudtrail:CreateTrail", "cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:PutInsightSelectors", "cloudtrail:RemoveTags", "cloudtrail:StartLogging", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail"]
        conditions = []
      },
      {
        sid        = "TrailsList"
        resources  = ["*"]
        read       = ["cloudtrail:DescribeTrails"]
        write      = []
        conditions = []
      },
      {
        # Saved queries authorize on their workgroup.
        sid        = "AthenaWorkgroup"
        resources  = ["arn:${local.partition}:athena:${local.arn.regacc}:workgroup/${local.prefix[env]}-*"]
        read       = ["athena:GetNamedQuery", "athena:GetWorkGroup", "athena:ListTagsForResource"]
        write      = ["athena:CreateNamedQuery", "athena:CreateWorkGroup", "athena:DeleteNamedQuery", "athena:DeleteWorkGroup", "athena:TagResource", "athena:UntagResource", "athena:UpdateWorkGroup"]
        conditions = []
      },
      {
        sid        = "Ec2Describe"
        resources  = ["*"]
        read       = ["ec2:DescribeNetworkInterfaces", "ec2:DescribePrefixLists", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints"]
        write      = []
        conditions = []
      },
      {
        # A security group is created in the database's VPC (terraform/<env>: network.vpc, not known
        # here) only with this environment's tags.
        sid        = "Ec2CreateSecurityGroup"
        resources  = ["${local.arn.ec2}:security-group/*", "${local.arn.ec2}:vpc/*"]
        read       = []
        write      = ["ec2:CreateSecurityGroup"]
        conditions = local.request_tags[env]
      },
      {
        sid        = "Ec2CreateEndpoint"
        resources  = ["${local.arn.ec2}:vpc-endpoint/*"]
        read       = []
        write      = ["ec2:CreateVpcEndpoint"]
        conditions = local.request_tags[env]
      },
      {
        # A gateway endpoint is made in the VPC and added to its route tables; the endpoint itself is
        # authorized by Ec2CreateEndpoint or Ec2Tagged, so these two calls reach nothing else.
        sid        = "Ec2EndpointRouteTables"
        resources  = ["${local.arn.ec2}:route-table/*", "${local.arn.ec2}:vpc/*"]
        read       = []
        write      = ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"]
        conditions = []
      },
      {
        sid        = "Ec2NewRules"
        resources  = ["${local.arn.ec2}:security-group-rule/*"]
        read       = []
        write      = ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress"]
        conditions = local.request_tags[env]
      },
      {
        # Tags only as part of the call that creates the resource.
        sid       = "Ec2TagOnCreate"
        resources = ["${local.arn.ec2}:security-group/*", "${local.arn.ec2}:security-group-rule/*", "${local.arn.ec2}:vpc-endpoint/*"]
        read      = []
        write     = ["ec2:CreateTags"]
        conditions = [{
          test     = "StringEquals"
          variable = "ec2:CreateAction"
          values   = ["AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateSecurityGroup", "CreateVpcEndpoint"]
        }]
      },
      {
        sid       = "Ec2Tagged"
        resources = ["${local.arn.ec2}:security-group/*", "${local.arn.ec2}:security-group-rule/*", "${local.arn.ec2}:vpc-endpoint/*"]
        read      = []
        write = [
          "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteSecurityGroup",
          "ec2:DeleteTags", "ec2:DeleteVpcEndpoints", "ec2:ModifySecurityGroupRules", "ec2:ModifyVpcEndpoint",
          "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
          "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        ]
        conditions = local.env_tags[env]
      },
    ],
    features.athena_dynamodb_connector ? [
      {
        sid        = "AthenaDataCatalog"
        resources  = ["arn:${local.partition}:athena:${local.arn.regacc}:datacatalog/${local.db_prefix[env]}_*"]
        read       = ["athena:GetDataCatalog", "athena:ListTagsForResource"]
        write      = ["athena:CreateDataCatalog", "athena:DeleteDataCatalog", "athena:TagResource", "athena:UntagResource", "athena:UpdateDataCatalog"]
        conditions = []
      },
      {
        sid        = "ConnectorApplication"
        resources  = [local.connector_application]
        read       = ["serverlessrepo:GetApplication", "serverlessrepo:GetCloudFormationTemplate"]
        write      = ["serverlessrepo:CreateCloudFormationChangeSet", "serverlessrepo:CreateCloudFormationTemplate"]
        conditions = []
      },
      {
        # The Serverless Application Repository names the stack serverlessrepo-<name>.
        sid        = "ConnectorStack"
        resources  = ["arn:${local.partition}:cloudformation:${local.arn.regacc}:stack/serverlessrepo-${local.prefix[env]}-*/*"]
        read       = ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"]
        write      = ["cloudformation:CreateChangeSet", "cloudformation:DeleteStack", "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet"]
        conditions = []
      },
      {
        sid        = "ConnectorTransform"
        resources  = ["arn:${local.partition}:cloudformation:${local.region}:aws:transform/Serverless-2016-10-31"]
        read       = []
        write      = ["cloudformation:CreateChangeSet"]
        conditions = []
      },
      {
        # CloudFormation creates the connector's function with the caller's permissions.
        sid        = "ConnectorFunction"
        resources  = ["arn:${local.partition}:lambda:${local.arn.regacc}:function:${local.prefix[env]}-*"]
        read       = []
        write      = ["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:ListTags", "lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"]
        conditions = []
      },
      {
        # The connector release is a container image in its publisher's repositories.
        sid        = "ConnectorImage"
        resources  = ["arn:${local.partition}:ecr:${local.region}:${local.connector_publisher}:repository/*"]
        read       = []
        write      = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        conditions = []
      },
    ] : [],
    features.quicksight ? [
      {
        sid = "QuickSight"
        resources = [
          "arn:${local.partition}:quicksight:${local.arn.regacc}:dashboard/${local.prefix[env]}-*",
          "arn:${local.partition}:quicksight:${local.arn.regacc}:dataset/${local.prefix[env]}-*",
          "arn:${local.partition}:quicksight:${local.arn.regacc}:datasource/${local.prefix[env]}-*",
        ]
        read = [
          "quicksight:DescribeDashboard", "quicksight:DescribeDashboardDefinition", "quicksight:DescribeDashboardPermissions",
          "quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:DescribeDataSetRefreshProperties",
          "quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:DescribeRefreshSchedule",
          "quicksight:ListTagsForResource",
        ]
        write = [
          "quicksight:CreateDashboard", "quicksight:CreateDataSet", "quicksight:CreateDataSource", "quicksight:CreateRefreshSchedule",
          "quicksight:DeleteDashboard", "quicksight:DeleteDataSet", "quicksight:DeleteDataSource", "quicksight:DeleteRefreshSchedule",
          "quicksight:PassDataSet", "quicksight:PassDataSource", "quicksight:TagResource", "quicksight:UntagResource",
          "quicksight:UpdateDashboard", "quicksight:UpdateDashboardPermissions", "quicksight:UpdateDashboardPublishedVersion",
          "quicksight:UpdateDataSet", "quicksight:UpdateDataSetPermissions", "quicksight:UpdateDataSource",
          "quicksight:UpdateDataSourcePermissions", "quicksight:UpdateRefreshSchedule",
        ]
        conditions = []
      },
      {
        sid        = "QuickSightList"
        resources  = ["*"]
        read       = ["quicksight:ListRefreshSchedules"]
        write      = []
        conditions = []
      },
      {
        sid        = "QuickSightGroups"
        resources  = ["arn:${local.partition}:quicksight:${local.arn.regacc}:group/default/${local.prefix[env]}-*"]
        read       = ["quicksight:DescribeGroup", "quicksight:DescribeGroupMembership", "quicksight:ListGroupMemberships"]
        write      = ["quicksight:CreateGroup", "quicksight:CreateGroupMembership", "quicksight:DeleteGroup", "quicksight:DeleteGroupMembership", "quicksight:UpdateGroup"]
        conditions = []
      },
      {
        # modules/quicksight attaches its least-privilege inline policy to the account's service role.
        sid = "QuickSightServiceRole"
        resources = [
          "${local.arn.iam}:role/${var.quicksight_service_role_name}",
          "${local.arn.iam}:role/service-role/${var.quicksight_service_role_name}",
        ]
        read       = ["iam:GetRolePolicy"]
        write      = ["iam:DeleteRolePolicy", "iam:PutRolePolicy"]
        conditions = []
      },
    ] : [],
  ) }
}
