resource "aws_cloudwatch_log_group" "billing_export" {
  name              = "/k8s-prod/billing-export"
  retention_in_days = 30
}
