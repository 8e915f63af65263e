//! Every built-in rule, one per file, and the list the scanner runs.
//!
//! Order matters only on ties: when two rules of the same [`Class`] find
//! overlapping bytes, the one listed first is kept.
//!
//! [`Class`]: crate::rule::Class

use crate::file::FileInfo;
use crate::rule::Rule;

mod keyword;
mod url_password;

mod anthropic_api_key;
mod authorization_header;
mod aws_access_key_id;
mod aws_secret_access_key;
mod azure_storage_key;
mod connection_string_password;
mod database_url;
mod datadog_key;
mod digitalocean_token;
mod docker_config_auth;
mod github_fine_grained_token;
mod github_token;
mod gitlab_token;
mod google_api_key;
mod jwt;
mod kubernetes_secret;
mod login_call_password;
mod mailchimp_api_key;
mod netrc_password;
mod npm_token;
mod npmrc_auth;
mod openai_api_key;
mod password_assignment;
mod password_hash;
mod pgpass_password;
mod private_key;
mod putty_private_key;
mod pypi_token;
mod rails_master_key;
mod secret_assignment;
mod sendgrid_api_key;
mod slack_token;
mod slack_webhook;
mod stripe_secret_key;
mod twilio_api_key;
mod twilio_auth_token;
mod url_credentials;
mod vault_legacy_token;
mod vault_token;

/// Every built-in rule: provider formats, then known file formats, then
/// the keyword rules.
pub static RULES: &[&Rule] = &[
    &private_key::RULE,
    &putty_private_key::RULE,
    &aws_access_key_id::RULE,
    &aws_secret_access_key::RULE,
    &github_token::RULE,
    &github_fine_grained_token::RULE,
    &gitlab_token::RULE,
    &slack_token::RULE,
    &slack_webhook::RULE,
    &stripe_secret_key::RULE,
    &google_api_key::RULE,
    &azure_storage_key::RULE,
    &npm_token::RULE,
    &pypi_token::RULE,
    &twilio_api_key::RULE,
    &twilio_auth_token::RULE,
    &sendgrid_api_key::RULE,
    &datadog_key::RULE,
    &vault_token::RULE,
    &vault_legacy_token::RULE,
    &jwt::RULE,
    &mailchimp_api_key::RULE,
    &openai_api_key::RULE,
    &anthropic_api_key::RULE,
    &digitalocean_token::RULE,
    &npmrc_auth::RULE,
    &database_url::RULE,
    &url_credentials::RULE,
    &kubernetes_secret::RULE,
    &password_hash::RULE,
    &netrc_password::RULE,
    &pgpass_password::RULE,
    &docker_config_auth::RULE,
    &rails_master_key::RULE,
    &authorization_header::RULE,
    &connection_string_password::RULE,
    &password_assignment::RULE,
    &secret_assignment::RULE,
    &login_call_password::RULE,
];

/// Files the keyword rules read: source and configuration, not lockfiles
/// or public keys.
pub(crate) fn free_text(f: &FileInfo<'_>) -> bool {
    f.has_free_text()
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        for id in &ids {
            assert!(
                !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate rule id");
    }

    /// Baselines and reports key on rule ids: renaming one is a breaking
    /// change, and must show up here.
    #[test]
    fn ids_are_stable() {
        let ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "private-key",
                "putty-private-key",
                "aws-access-key-id",
                "aws-secret-access-key",
                "github-token",
                "github-fine-grained-token",
                "gitlab-token",
                "slack-token",
                "slack-webhook",
                "stripe-secret-key",
                "google-api-key",
                "azure-storage-key",
                "npm-token",
                "pypi-token",
                "twilio-api-key",
                "twilio-auth-token",
                "sendgrid-api-key",
                "datadog-key",
                "vault-token",
                "vault-legacy-token",
                "jwt",
                "mailchimp-api-key",
                "openai-api-key",
                "anthropic-api-key",
                "digitalocean-token",
                "npmrc-auth",
                "database-url",
                "url-credentials",
                "kubernetes-secret",
                "password-hash",
                "netrc-password",
                "pgpass-password",
                "docker-config-auth",
                "rails-master-key",
                "authorization-header",
                "connection-string-password",
                "password-assignment",
                "secret-assignment",
                "login-call-password",
            ]
        );
    }

    #[test]
    fn every_rule_has_examples_both_ways() {
        for rule in RULES {
            assert!(!rule.description.is_empty(), "{}", rule.id);
            assert!(!rule.examples.is_empty(), "{} has no examples", rule.id);
            assert!(
                !rule.counter_examples.is_empty(),
                "{} has no counter-examples",
                rule.id
            );
        }
    }

    #[test]
    fn examples_are_found_by_their_rule() {
        let scanner = crate::test_scanner();
        let mut failures = Vec::new();
        for rule in RULES {
            for (i, example) in rule.examples.iter().enumerate() {
                let found = scanner.scan(example.path, example.text.as_bytes());
                if !found.iter().any(|m| m.rule == rule.id) {
                    failures.push(format!(
                        "{} example {i} ({}): found {found:?}",
                        rule.id, example.path
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn counter_examples_are_found_by_no_rule() {
        let scanner = crate::test_scanner();
        let mut failures = Vec::new();
        for rule in RULES {
            for (i, example) in rule.counter_examples.iter().enumerate() {
                let found = scanner.scan(example.path, example.text.as_bytes());
                if !found.is_empty() {
                    failures.push(format!(
                        "{} counter-example {i} ({}): found {found:?}",
                        rule.id, example.path
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
