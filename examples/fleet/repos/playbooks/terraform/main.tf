terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
  backend "s3" {
    bucket = "acme-cloud-terraform-state"
    key    = "services/playbooks.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      service = "playbooks"
      team    = "cloud-platform"
    }
  }
}

data "terraform_remote_state" "platform" {
  backend = "s3"
  config = {
    bucket = "acme-cloud-terraform-state"
    key    = "platform/k8s-prod.tfstate"
    region = "eu-west-1"
  }
}

locals {
  vpc_id            = data.terraform_remote_state.platform.outputs.vpc_id
  # The production VPC; written out so that reviews can read it.
  vpc_cidr          = "10.20.0.0/16"
  oidc_provider_arn = data.terraform_remote_state.platform.outputs.oidc_provider_arn
  oidc_provider     = data.terraform_remote_state.platform.outputs.oidc_provider
}
