# local: the moto emulator (make apply ENV=local). Throwaway: everything may be destroyed.
project     = "cinema"
environment = "local"
region      = "us-east-1"

glue_job = {
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = "cron(0 */2 * * ? *)"
  timeout_minutes   = 30
}

crawlers = {
  jdbc_schedule        = "cron(15 5 * * ? *)"
  pos_schedule         = "cron(30 5 * * ? *)"
  pos_recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
}

metric_tables = {
  point_in_time_recovery = true
  deletion_protection    = false
}

# The local MariaDB of scripts/services/services.sh; no VPC locally.
mysql = {
  jdbc_url             = "jdbc:mysql://127.0.0.1:13306/ecr"
  secret_recovery_days = 0
  create_connection    = false # moto has no UpdateConnection/DeleteConnection (EMULATOR_GAPS.md)
}

data_bucket = {
  force_destroy            = true
  enforce_tls              = false # moto serves plain HTTP: a TLS-only policy denies every call (EMULATOR_GAPS.md)
  kms_deletion_window_days = 7
}

job_log_retention_days = 7

# A minimal private VPC on moto (no vpc_id: the module creates VPC, subnet and route table) so
# the local apply covers the security group and the gateway endpoints.
network = {
  enabled              = true
  vpc                  = { availability_zone = "us-east-1a", cidr_block = "10.42.0.0/24" }
  database_cidr_blocks = ["10.42.0.0/24"]
  gateway_endpoints    = { s3 = true, dynamodb = true }
  describe_rules       = false # moto never reads rule descriptions back (docs/EMULATOR_GAPS.md)
}

# moto never reads a queue's RedriveAllowPolicy back: the provider waits for it forever
# (docs/EMULATOR_GAPS.md). AWS environments keep the default (only the POS queue may use the DLQ).
pos_events = { restrict_dead_letter_sources = false }

# Throwaway (tests/terraform/test_apply_local.py applies and destroys it): prevent_destroy = false
# is the documented way to tear an environment down (SECURITY.md, "Tear down a throwaway
# environment"), so `make destroy ENV=local` and the tests' destroy remove everything.
prevent_destroy = false

# moto answers GetBucketReplication with its own filter (prefix "") and without the KMS source
# selection, so the plan after apply would always differ (docs/EMULATOR_GAPS.md): the vault, its
# key, Object Lock and the replication role are created here, the replication rule is not.
pos_vault = {
  create_replication = false
  force_destroy      = true
}
