resource "aws_iam_role" "payments_api" {
  name = "payments-api"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = var.oidc_provider_arn }
      Condition = {
        StringEquals = { "${var.oidc_provider}:sub" = "system:serviceaccount:payments:payments-api" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "payments_api" {
  name = "publish-payment-events"
  role = aws_iam_role.payments_api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueUrl"]
        Resource = "arn:aws:sqs:eu-west-1:318522904417:payments"
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = "arn:aws:kms:eu-west-1:318522904417:key/6f1d2c7e-9a44-4b0e-8c55-2f3e91a0b7d4"
      }
    ]
  })
}

variable "oidc_provider_arn" {
  type = string
}

variable "oidc_provider" {
  type = string
}
