resource "aws_cloudwatch_log_group" "legacy_reports" {
  name              = "/k8s-prod/legacy-reports"
  retention_in_days = 7
}

resource "aws_security_group" "legacy_reports" {
  name        = "legacy-reports"
  description = "report archive, reached by the customer portal only"
  vpc_id      = var.vpc_id

  ingress {
    from_port       = 8000
    to_port         = 8000
    protocol        = "tcp"
    security_groups = [var.portal_security_group_id]
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_iam_role" "legacy_reports" {
  name = "legacy-reports"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = var.oidc_provider_arn }
    }]
  })
}

resource "aws_iam_role_policy" "legacy_reports" {
  name = "reports-bucket"
  role = aws_iam_role.legacy_reports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::acme-cloud-reports/*"
    }]
  })
}

variable "vpc_id" { type = string }
variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}
variable "portal_security_group_id" { type = string }
variable "oidc_provider_arn" { type = string }

# Monthly report logs are archived for audits.
resource "aws_s3_bucket_lifecycle_configuration" "report_logs" {
  bucket = "acme-legacy-reports-logs"

  rule {
    id     = "archive-report-logs"
    status = "Enabled"

    transition {
      days          = 30
      storage_class = "GLACIER"
    }

    expiration {
      days = 730
    }
  }
}
