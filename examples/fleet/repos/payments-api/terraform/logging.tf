# Two weeks, to keep CloudWatch cost down until logs move to S3 tiering.
resource "aws_cloudwatch_log_group" "payments_api" {
  name              = "/k8s-prod/payments-api"
  retention_in_days = 14
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_kms_key" "logs" {
  description         = "payments-api log encryption"
  enable_key_rotation = true
}
