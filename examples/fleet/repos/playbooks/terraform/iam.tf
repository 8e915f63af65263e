# IRSA: the playbooks service account assumes this role; no IAM users and
# no long-lived keys.
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_provider}:sub"
      values   = ["system:serviceaccount:playbooks:playbooks"]
    }
  }
}

resource "aws_iam_role" "playbooks" {
  name               = "playbooks"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "playbooks" {
  statement {
    sid       = "ReadAttachments"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::acme-cloud-playbooks-attachments/*"]
  }
  statement {
    sid       = "SearchIndex"
    actions   = ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"]
    resources = ["arn:aws:es:eu-west-1:318522904417:domain/playbooks/*"]
  }
}

resource "aws_iam_role_policy" "playbooks" {
  name   = "playbooks"
  role   = aws_iam_role.playbooks.id
  policy = data.aws_iam_policy_document.playbooks.json
}
