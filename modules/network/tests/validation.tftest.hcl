# Native module tests (terraform test, mock provider: no AWS calls). Run by `make validate`.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name_prefix = "cinema-test"
  vpc         = { availability_zone = "us-east-1a" }
  database    = { cidr_blocks = ["10.42.0.0/24"] }
}

run "creates_a_minimal_vpc_with_gateway_endpoints" {
  command = plan

  assert {
    condition     = length(aws_vpc.this) == 1 && length(aws_vpc_endpoint.interface) == 0
    error_message = "without vpc_id the module creates one VPC and no interface endpoint"
  }
  assert {
    condition     = toset(keys(aws_vpc_endpoint.gateway)) == toset(["s3", "dynamodb"])
    error_message = "S3 and DynamoDB gateway endpoints by default"
  }
  assert {
    condition     = aws_vpc_endpoint.gateway["s3"].service_name == "com.amazonaws.us-east-1.s3"
    error_message = "the S3 endpoint is the region's"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.self.from_port == 0 && aws_vpc_security_group_ingress_rule.self.to_port == 65535 && aws_vpc_security_group_ingress_rule.self.ip_protocol == "tcp"
    error_message = "Glue needs the self-referencing all-TCP ingress rule"
  }
  assert {
    condition     = output.s3_route == "gateway-endpoint"
    error_message = "the S3 route is the gateway endpoint"
  }
}

run "no_s3_route_without_endpoint_or_nat" {
  command = plan
  variables {
    gateway_endpoints = { s3 = false }
  }
  assert {
    condition     = output.s3_route == null
    error_message = "no endpoint and no NAT: no route to S3"
  }
}

run "existing_vpc_needs_subnet_and_route_tables" {
  command = plan
  variables {
    vpc = { vpc_id = "vpc-0123456789abcdef0", availability_zone = "us-east-1a" }
  }
  expect_failures = [var.vpc]
}

# Each input validation at once: every variable below holds a bad value and must report its own
# error (terraform test fails naming any that does not: "Missing expected failure").
run "rejects_each_invalid_input" {
  command = plan
  variables {
    # unknown interface endpoint is refused
    interface_endpoints = ["ec2messages"]
    # database cidr must be a cidr
    database = { cidr_blocks = ["not-a-cidr"] }
  }
  expect_failures = [
    var.interface_endpoints,
    var.database,
  ]
}
