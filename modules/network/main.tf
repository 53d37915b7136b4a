# The network a Glue JDBC connection needs, and no more: the security group with the
# self-referencing all-TCP rule Glue requires, free S3 and DynamoDB gateway endpoints on the
# subnet's route tables, and interface endpoints only for the services listed. Optionally a
# minimal private VPC (one subnet, one route table, no internet gateway) when none is given.

data "aws_region" "current" {}

locals {
  region       = data.aws_region.current.id
  create_vpc   = var.vpc.vpc_id == null
  vpc_id       = local.create_vpc ? aws_vpc.this[0].id : var.vpc.vpc_id
  subnet_id    = local.create_vpc ? aws_subnet.this[0].id : var.vpc.subnet_id
  route_tables = local.create_vpc ? [aws_route_table.this[0].id] : var.vpc.route_table_ids
  gateways     = { for k, on in var.gateway_endpoints : k => on if on }
  interfaces   = toset(var.interface_endpoints)
}

# ------------------------------------------------------------------------------ optional VPC
resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11:flow logs belong to the account's network baseline; this private VPC holds only Glue's interfaces
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.vpc.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true # interface endpoints' private DNS
  tags                 = merge(var.tags, { Name = "${var.name_prefix}-glue" })
}

# The VPC's default security group allows nothing (CIS): Glue uses its own group below.
resource "aws_default_security_group" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-default-closed" })
}

resource "aws_subnet" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id            = aws_vpc.this[0].id
  cidr_block        = var.vpc.cidr_block
  availability_zone = var.vpc.availability_zone
  tags              = merge(var.tags, { Name = "${var.name_prefix}-glue" })
}

resource "aws_route_table" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-glue" })
}

resource "aws_route_table_association" "this" {
  count = local.create_vpc ? 1 : 0

  subnet_id      = aws_subnet.this[0].id
  route_table_id = aws_route_table.this[0].id
}

# ------------------------------------------------------------------------------ security group
resource "aws_security_group" "glue" {
  #checkov:skip=CKV2_AWS_5:attached to the Glue JDBC connection (modules/glue_catalog physical_connection_requirements), outside this module
  name        = "${var.name_prefix}-glue"
  description = "Glue JDBC connection interfaces: all TCP among themselves, MySQL, HTTPS to endpoints"
  vpc_id      = local.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-glue" })
}

# Glue's components talk to each other across the interfaces it creates (AWS: "a
# self-referencing inbound rule for all TCP ports").
resource "aws_vpc_security_group_ingress_rule" "self" {
  #checkov:skip=CKV_AWS_24:source is this security group itself (Glue's required self-reference), never 0.0.0.0/0
  #checkov:skip=CKV_AWS_25:source is this security group itself (Glue's required self-reference), never 0.0.0.0/0
  #checkov:skip=CKV_AWS_260:source is this security group itself (Glue's required self-reference), never 0.0.0.0/0
  security_group_id            = aws_security_group.glue.id
  description                  = var.describe_rules ? "Glue interfaces among themselves (all TCP)" : null
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  referenced_security_group_id = aws_security_group.glue.id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "self" {
  security_group_id            = aws_security_group.glue.id
  description                  = var.describe_rules ? "Glue interfaces among themselves (all TCP)" : null
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  referenced_security_group_id = aws_security_group.glue.id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "database" {
  for_each = toset(var.database.cidr_blocks)

  security_group_id = aws_security_group.glue.id
  description       = var.describe_rules ? "MySQL (ECR, CRM)" : null
  ip_protocol       = "tcp"
  from_port         = var.database.port
  to_port           = var.database.port
  cidr_ipv4         = each.value
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "gateway" {
  for_each = aws_vpc_endpoint.gateway

  security_group_id = aws_security_group.glue.id
  description       = var.describe_rules ? "HTTPS to ${each.key} through its gateway endpoint" : null
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = each.value.prefix_list_id
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "interface" {
  count = length(local.interfaces) > 0 ? 1 : 0

  security_group_id            = aws_security_group.glue.id
  description                  = var.describe_rules ? "HTTPS to the interface endpoints" : null
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints[0].id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "nat" {
  #checkov:skip=CKV_AWS_382:HTTPS only, to the AWS APIs reached through the VPC's existing NAT (egress_via_nat); nothing listens on these interfaces
  count = var.egress_via_nat ? 1 : 0

  security_group_id = aws_security_group.glue.id
  description       = var.describe_rules ? "HTTPS to AWS APIs through the VPC's NAT" : null
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

# ------------------------------------------------------------------------------ endpoints
resource "aws_vpc_endpoint" "gateway" {
  for_each = local.gateways

  vpc_id            = local.vpc_id
  service_name      = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = local.route_tables
  tags              = merge(var.tags, { Name = "${var.name_prefix}-${each.key}" })
}

resource "aws_security_group" "endpoints" {
  count = length(local.interfaces) > 0 ? 1 : 0

  name        = "${var.name_prefix}-endpoints"
  description = "Interface endpoints: HTTPS from the Glue interfaces only"
  vpc_id      = local.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints" {
  count = length(local.interfaces) > 0 ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = var.describe_rules ? "HTTPS from the Glue interfaces" : null
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.glue.id
  tags                         = var.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interfaces

  vpc_id              = local.vpc_id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [local.subnet_id]
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name_prefix}-${each.key}" })
}
