resource "aws_cloudwatch_log_group" "notifier" {
  name              = "/k8s-prod/notifier"
  retention_in_days = 7
}

resource "aws_security_group" "notifier" {
  name        = "notifier"
  description = "notifier workers: no inbound except scrapes"
  vpc_id      = var.vpc_id

  ingress {
    from_port   = 8067
    to_port     = 8067
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_role" "notifier" {
  name = "notifier"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = var.oidc_provider_arn }
    }]
  })
}

resource "aws_iam_role_policy" "notifier" {
  name = "notifier"
  role = aws_iam_role.notifier.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
        Resource = "arn:aws:sqs:eu-west-1:318522904417:notifications"
      },
      {
        Effect   = "Allow"
        Action   = ["ses:SendEmail", "ses:SendRawEmail"]
        Resource = "arn:aws:ses:eu-west-1:318522904417:identity/acme-cloud.example"
      },
      {
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        Resource = "arn:aws:dynamodb:eu-west-1:318522904417:table/notifier-dedup"
      }
    ]
  })
}

variable "vpc_id" { type = string }
variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}
variable "oidc_provider_arn" { type = string }
