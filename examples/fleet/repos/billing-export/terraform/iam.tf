# CI user for the export job: writes the export files and reads the
# provider's acknowledgements.
resource "aws_iam_user" "billing_export" {
  name = "billing-export-ci"
  path = "/service-accounts/"
}

resource "aws_iam_access_key" "billing_export" {
  user = aws_iam_user.billing_export.name
}

resource "aws_iam_user_policy" "billing_export" {
  name = "billing-export"
  user = aws_iam_user.billing_export.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "s3:*"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = "arn:aws:sqs:eu-west-1:318522904417:payments"
      }
    ]
  })
}
