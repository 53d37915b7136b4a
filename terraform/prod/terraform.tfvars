# prod: dashboards refreshed every 2 hours. 12 sites x ~7 screens x ~5 shows a day is a few
# thousand POS lines an hour: 2 G.1X workers on Flex finish a run in minutes.
project     = "cinema"
environment = "prod"
region      = "us-east-1"

glue_job = {
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = "cron(0 */2 * * ? *)"
  timeout_minutes   = 30
}

# Crawlers only keep the catalog's schemas current, and each run bills at least 10 minutes
# of 2 DPU: weekly for MySQL, on demand for POS (the seed re-crawled every 2 hours, $21/month).
crawlers = {
  jdbc_schedule        = "cron(15 5 ? * MON *)" # weekly: ECR/CRM schemas rarely change
  pos_schedule         = null                   # on demand: the job reads raw/pos/ itself
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}

metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = true
}

mysql = {
  jdbc_url             = "jdbc:mysql://ecr-crm.prod.cinema.internal:3306/ecr"
  secret_recovery_days = 30
}

data_bucket = {
  force_destroy            = false
  kms_deletion_window_days = 30
}

# The Glue Data Catalog encryption settings are ACCOUNT-WIDE (every database of the account,
# with this environment's key): an explicit choice of the account owner, off here.
catalog_encryption     = false
job_log_retention_days = 90
alarm_email            = "data-platform-alerts@cinema.example"

# The Glue JDBC network (modules/network) in the VPC of the ECR/CRM database. REPLACE the ids
# with that VPC's (README "Deploying to AWS", step 2). Only the JDBC connection, its crawler and
# the job go in the subnet; this adds the Glue security group and the free S3 + DynamoDB gateway
# endpoints on the subnet's route table. The VPC's existing NAT carries the job's other AWS calls
# (Glue API, Secrets Manager, CloudWatch metrics and logs, SQS); without a NAT list them in interface_endpoints
# (about 7.20 USD per AZ-month each: `make cost ENV=prod` prices them).
network = {
  enabled = true
  vpc = {
    vpc_id            = "vpc-0f00000000000000a"
    subnet_id         = "subnet-0f00000000000000a"
    availability_zone = "us-east-1a"
    route_table_ids   = ["rtb-0f00000000000000a"]
  }
  database_cidr_blocks = ["10.0.0.0/16"]
  database_port        = 3306
  gateway_endpoints    = { s3 = true, dynamodb = true }
  interface_endpoints  = []
  egress_via_nat       = true
}
