terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

resource "aws_cloudwatch_log_group" "ldap" {
  name              = "/k8s-prod/ldap"
  retention_in_days = 30
}

resource "aws_security_group" "ldap" {
  name        = "ldap"
  description = "LDAPS from inside the VPC only"
  vpc_id      = var.vpc_id

  ingress {
    description = "LDAPS"
    from_port   = 636
    to_port     = 636
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  ingress {
    description = "exporter scrapes"
    from_port   = 9090
    to_port     = 9090
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "backups to S3 through the VPC endpoint"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    prefix_list_ids = [var.s3_prefix_list_id]
  }
}

resource "aws_iam_role" "ldap_backup" {
  name = "ldap-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = var.oidc_provider_arn }
    }]
  })
}

resource "aws_iam_role_policy" "ldap_backup" {
  name = "write-backups"
  role = aws_iam_role.ldap_backup.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject"]
      Resource = "arn:aws:s3:::acme-cloud-ldap-backups/*"
    }]
  })
}

variable "vpc_id" { type = string }
variable "vpc_cidr" { type = string }
variable "s3_prefix_list_id" { type = string }
variable "oidc_provider_arn" { type = string }
