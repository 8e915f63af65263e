# O-5: a critical service keeps its logs 30 days.
resource "aws_cloudwatch_log_group" "playbooks" {
  name              = "/k8s-prod/playbooks"
  retention_in_days = 30
}
