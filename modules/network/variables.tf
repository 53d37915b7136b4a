variable "name_prefix" {
  description = "Name prefix \"<project>-<env>\"; resources are named \"<name_prefix>-<purpose>\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must match ^[a-z][a-z0-9-]{1,40}$ (lower case, digits, hyphens)."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}

variable "vpc" {
  description = <<-EOT
    Where the Glue network interfaces go. Bring your own (vpc_id, subnet_id, availability_zone,
    route_table_ids of that subnet) or leave vpc_id null to create a minimal private VPC
    (cidr_block, one subnet in availability_zone, its own route table; no internet gateway).
  EOT
  type = object({
    vpc_id            = optional(string)
    subnet_id         = optional(string)
    availability_zone = string
    route_table_ids   = optional(list(string), [])
    cidr_block        = optional(string, "10.42.0.0/24")
  })

  validation {
    condition     = var.vpc.vpc_id == null || (var.vpc.subnet_id != null && length(var.vpc.route_table_ids) > 0)
    error_message = "With vpc.vpc_id, also give vpc.subnet_id and the subnet's vpc.route_table_ids (the gateway endpoints are added to them)."
  }
  validation {
    condition     = var.vpc.vpc_id == null || can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc.vpc_id))
    error_message = "vpc.vpc_id must be a VPC id (vpc-...)."
  }
  validation {
    condition     = var.vpc.subnet_id == null || can(regex("^subnet-[0-9a-f]{8,17}$", var.vpc.subnet_id))
    error_message = "vpc.subnet_id must be a subnet id (subnet-...)."
  }
  validation {
    condition     = alltrue([for r in var.vpc.route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", r))])
    error_message = "vpc.route_table_ids must be route table ids (rtb-...)."
  }
  validation {
    condition     = can(cidrhost(var.vpc.cidr_block, 0))
    error_message = "vpc.cidr_block must be an IPv4 CIDR block."
  }
}

variable "database" {
  description = "The MySQL server the Glue interfaces reach: its CIDR blocks and port (egress rule of the Glue security group)."
  type = object({
    cidr_blocks = list(string)
    port        = optional(number, 3306)
  })

  validation {
    condition     = length(var.database.cidr_blocks) > 0 && alltrue([for c in var.database.cidr_blocks : can(cidrhost(c, 0))])
    error_message = "database.cidr_blocks must hold at least one IPv4 CIDR block."
  }
  validation {
    condition     = var.database.port >= 1 && var.database.port <= 65535
    error_message = "database.port must be between 1 and 65535."
  }
}

variable "gateway_endpoints" {
  description = "Free gateway endpoints on the subnet's route tables: s3 (Glue refuses a JDBC job or crawler without S3 endpoint or NAT) and dynamodb (the job writes the metric tables)."
  type = object({
    s3       = optional(bool, true)
    dynamodb = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "interface_endpoints" {
  description = "Interface endpoints (about 7.20 USD per AZ-month each) for the AWS APIs that code in the subnet calls when the VPC has no NAT: e.g. logs, monitoring, kms, secretsmanager, sqs, sts, glue. Empty: the VPC's existing NAT carries them (egress_via_nat)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for s in var.interface_endpoints : contains(["glue", "logs", "monitoring", "kms", "secretsmanager", "sqs", "sts", "events"], s)])
    error_message = "interface_endpoints may hold glue, logs, monitoring, kms, secretsmanager, sqs, sts, events."
  }
}

variable "egress_via_nat" {
  description = "The subnet's route tables already have a NAT route (the database VPC's own): the Glue security group then allows HTTPS out to reach the AWS APIs that have no endpoint here."
  type        = bool
  default     = false
  nullable    = false
}

variable "describe_rules" {
  description = "Give every security group rule its description. False only on the emulator, which never reads rule descriptions back (a diff on every plan: docs/EMULATOR_GAPS.md)."
  type        = bool
  default     = true
  nullable    = false
}
