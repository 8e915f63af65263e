resource "aws_cloudwatch_log_group" "search_indexer" {
  name              = "/k8s-prod/search-indexer"
  retention_in_days = 7
}

resource "aws_security_group" "search_indexer" {
  name        = "search-indexer"
  description = "indexer to OpenSearch"
  vpc_id      = var.vpc_id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_iam_role" "search_indexer" {
  name = "search-indexer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = var.oidc_provider_arn }
    }]
  })
}

resource "aws_iam_role_policy" "search_indexer" {
  name = "index"
  role = aws_iam_role.search_indexer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpGet"]
      Resource = "arn:aws:es:eu-west-1:318522904417:domain/support-search/*"
    }]
  })
}

variable "vpc_id" { type = string }
variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}
variable "oidc_provider_arn" { type = string }
