resource "aws_security_group" "payments_api" {
  name        = "payments-api"
  description = "payments-api pods"
  vpc_id      = var.vpc_id

  ingress {
    description = "API from the edge gateway"
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["52.19.44.0/24", "34.247.112.0/24"]
  }

  ingress {
    description = "metrics from Prometheus"
    from_port   = 8067
    to_port     = 8067
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "acquirers over HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "db-main"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}
