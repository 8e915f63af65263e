resource "aws_security_group" "playbooks_db_access" {
  name        = "playbooks-db-access"
  description = "playbooks pods to db-main and OpenSearch"
  vpc_id      = local.vpc_id

  ingress {
    description = "metrics scrapes from Prometheus inside the VPC"
    from_port   = 8067
    to_port     = 8067
    protocol    = "tcp"
    cidr_blocks = [local.vpc_cidr]
  }

  egress {
    description = "PostgreSQL on db-main"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [local.vpc_cidr]
  }

  egress {
    description = "OpenSearch over HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [local.vpc_cidr]
  }
}
