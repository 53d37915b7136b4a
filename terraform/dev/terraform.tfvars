# dev: small and cheap; a developer may destroy it.
project     = "cinema"
environment = "dev"
region      = "us-east-1"

glue_job = {
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = "cron(0 */6 * * ? *)" # every 6 hours is enough to try changes
  timeout_minutes   = 30
}

crawlers = {
  jdbc_schedule        = "cron(15 5 * * ? *)"
  pos_schedule         = null # on demand in dev
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}

metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = false
}

# No credentials here: the Glue connection reads them from the Secrets Manager secret
# created by the glue_catalog module (its value is set out of band, see the module README).
mysql = {
  jdbc_url             = "jdbc:mysql://ecr-crm.dev.cinema.internal:3306/ecr"
  secret_recovery_days = 7
}

data_bucket = {
  force_destroy            = true
  kms_deletion_window_days = 7
}

job_log_retention_days = 14
alarm_email            = null

# The Glue JDBC network (modules/network) in the VPC of the ECR/CRM database. REPLACE the ids
# with that VPC's (README "Deploying to AWS", step 2). Only the JDBC connection, its crawler and
# the job go in the subnet; this adds the Glue security group and the free S3 + DynamoDB gateway
# endpoints on the subnet's route table. The VPC's existing NAT carries the job's other AWS calls
# (Glue API, Secrets Manager, CloudWatch metrics and logs, SQS); without a NAT list them in interface_endpoints
# (about 7.20 USD per AZ-month each: `make cost ENV=dev` prices them).
network = {
  enabled = true
  vpc = {
    vpc_id            = "vpc-0de0000000000000a"
    subnet_id         = "subnet-0de0000000000000a"
    availability_zone = "us-east-1a"
    route_table_ids   = ["rtb-0de0000000000000a"]
  }
  database_cidr_blocks = ["10.0.0.0/16"]
  database_port        = 3306
  gateway_endpoints    = { s3 = true, dynamodb = true }
  interface_endpoints  = []
  egress_via_nat       = true
}

# dev is throwaway: prevent_destroy = false is the documented way to tear an environment down
# (SECURITY.md, "Tear down a throwaway environment": plan and apply with it, then
# make destroy ENV=dev CONFIRM=dev). staging and prod keep the default, true (prod cannot opt out).
prevent_destroy = false

# The raw/pos/ vault (modules/pos_vault): a week of Object Lock is enough to try a recovery.
pos_vault = {
  retention_days = 7
  force_destroy  = true
}
