output "vpc_id" {
  description = "VPC of the Glue interfaces."
  value       = local.vpc_id
}

output "subnet_id" {
  description = "Subnet of the Glue JDBC connection."
  value       = local.subnet_id
}

output "availability_zone" {
  description = "Availability zone of that subnet."
  value       = var.vpc.availability_zone
}

output "security_group_id" {
  description = "Security group of the Glue JDBC connection (self-referencing all-TCP ingress)."
  value       = aws_security_group.glue.id
}

output "s3_route" {
  description = "How the subnet reaches S3: \"gateway-endpoint\", \"nat\" or null (none: Glue refuses a job or crawler there)."
  value       = var.gateway_endpoints.s3 ? "gateway-endpoint" : (var.egress_via_nat ? "nat" : null)
}

output "interface_endpoints" {
  description = "Services with an interface endpoint here (each priced per AZ-month by the cost model)."
  value       = sort(tolist(local.interfaces))
}
