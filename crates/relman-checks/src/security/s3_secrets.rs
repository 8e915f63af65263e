use relman_core::evidence::RepoEvidence;
use relman_core::secrets::SecretFound;
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-3: no secrets are committed to the service's repo.
pub struct SecretsInRepo;

static META: CheckMeta = CheckMeta {
    rule: "S-3",
    id: "secrets-in-repo",
    severity: Severity::Critical,
    title: "No secrets are committed to the repo",
    what: "Scans every file of the repo (honouring .gitignore, including dotfiles such as `.env` and `.npmrc`, skipping `.git` and binary files) for provider credentials (AWS, GitHub, GitLab, Slack, Stripe, Google, Azure, npm, PyPI, Twilio, SendGrid, Datadog, Vault), JWTs, private keys, passwords in database and HTTP URLs, the data of Kubernetes Secrets, and keyword-plus-value assignments whose value looks random. Documentation example keys, placeholders, variable references (`${VAR}`, `os.environ[...]`, `secretKeyRef`, Vault paths), lockfile hashes, digests and public keys are not secrets. A line marked `relman:allow` (or `gitleaks:allow`, `pragma: allowlist secret`) is skipped, and secrets listed in the repo's baseline (`.relman-baseline.yaml`, or `secrets_baseline`) with a reason and an unexpired date do not fail. Secrets are shown redacted, with a hash.",
    why: "A secret in a repository is readable by everyone who can clone it, today and in every copy and fork forever; secret managers give rotation, audit and revocation.",
    fix: "Remove the secret from the repo, rotate it (it is compromised: history keeps it), and read it at runtime from a secret manager (Vault, AWS Secrets Manager, a Kubernetes Secret created by External Secrets). For a fake secret in a test, add `relman:allow` on its line or a baseline entry with a reason and an expiry.",
};

fn at(s: &SecretFound) -> EvidenceRef {
    EvidenceRef::new("repo", s.file.clone()).at(s.line, s.column)
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

impl ServiceCheck for SecretsInRepo {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let facts = match &cx.evidence.repo {
            RepoEvidence::NotGiven => {
                out.unverified(format!(
                    "no repo is named ({}), so it cannot be scanned for secrets",
                    cx.service.origin.field("repo")
                ))
                .at(cx.service.origin.at("descriptor", "repo"))
                .fix("set `repo` to a checkout of the service's repository");
                return;
            }
            RepoEvidence::Unreadable { location, error } => {
                out.error(format!("the repo {location} cannot be read: {error}"))
                    .at(EvidenceRef::new("repo", location.clone()));
                return;
            }
            RepoEvidence::Present(f) => f,
        };
        let s = &facts.secrets;
        if let Some(e) = &s.error {
            out.error(format!("the secret scan did not finish: {e}"))
                .at(EvidenceRef::new("repo", facts.location.clone()));
            return;
        }
        // A baseline that cannot be read could hide nothing or everything.
        for p in &s.baseline_problems {
            out.error(format!("the secrets baseline is invalid: {p}"))
                .at(EvidenceRef::new(
                    "repo",
                    s.baseline.clone().unwrap_or_default(),
                ))
                .fix("fix the baseline entry: each needs rule, path, hash, reason and expires");
        }
        let mut failed = 0;
        for f in &s.found {
            match &f.baselined {
                Some(b) if b.expires >= cx.now => {
                    out.pass(format!(
                        "{} {} ({}) at {}:{} is accepted by the baseline until {} ({}): {}",
                        f.description,
                        f.redacted,
                        f.hash,
                        f.file,
                        f.line,
                        b.expires,
                        b.at,
                        b.reason
                    ))
                    .at(at(f));
                }
                Some(b) => {
                    failed += 1;
                    out.fail(format!(
                        "{} {} ({}) committed at {}:{}; its baseline entry ({}) expired on {}",
                        f.description, f.redacted, f.hash, f.file, f.line, b.at, b.expires
                    ))
                    .at(at(f));
                }
                None => {
                    failed += 1;
                    out.fail(format!(
                        "{} {} ({}) committed at {}:{}",
                        f.description, f.redacted, f.hash, f.file, f.line
                    ))
                    .at(at(f));
                }
            }
        }
        for stale in &s.stale_baseline {
            out.warn(format!("stale baseline entry: {stale}"))
                .fix("remove the entry from the baseline");
        }
        if failed > 0 {
            return;
        }
        if s.files_scanned == 0 {
            out.unverified(format!(
                "the repo {} has no readable text files to scan",
                facts.location
            ))
            .at(EvidenceRef::new("repo", facts.location.clone()));
            return;
        }
        let other = if s.found.is_empty() { "" } else { "other " };
        let mut msg = format!(
            "no {other}secrets in {} files ({}) of {}",
            s.files_scanned,
            human_bytes(s.bytes_scanned),
            facts.location
        );
        if !s.skipped.is_empty() {
            let names: Vec<String> = s
                .skipped
                .iter()
                .take(3)
                .map(|(p, why)| format!("{p}: {why}"))
                .collect();
            msg.push_str(&format!(
                "; {} files not read ({}{})",
                s.skipped.len(),
                names.join("; "),
                if s.skipped.len() > 3 { "; …" } else { "" }
            ));
        }
        out.pass(msg)
            .at(EvidenceRef::new("repo", facts.location.clone()));
    }
}

#[cfg(test)]
mod tests {
    use relman_core::evidence::{RepoFacts, ServiceEvidence};
    use relman_core::secrets::{BaselineCover, SecretFacts};

    use super::*;
    use crate::testing::*;

    fn found(baselined: Option<BaselineCover>) -> SecretFound {
        SecretFound {
            kind: "slack-webhook".into(),
            description: "Slack webhook URL".into(),
            file: "repos/a/config/exporter.yaml".into(),
            path: "config/exporter.yaml".into(),
            line: 12,
            column: 17,
            redacted: "http…XY".into(),
            hash: "sha256:0011223344556677".into(),
            baselined,
        }
    }

    fn run(secrets: SecretFacts) -> String {
        let ev = ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                secrets,
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        };
        render(&run_service(&SecretsInRepo, &service("a"), &ev))
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            render(&run_service(
                &SecretsInRepo,
                &service("a"),
                &ServiceEvidence::default()
            )),
            "unverified: no repo is named (services/a.yaml: repo), so it cannot be scanned for secrets [services/a.yaml]"
        );
        assert_eq!(
            run(SecretFacts::default()),
            "unverified: the repo repos/a has no readable text files to scan [repos/a]"
        );
        assert_eq!(
            run(SecretFacts {
                files_scanned: 3,
                bytes_scanned: 2048,
                skipped: vec![("repos/a/big.sql".into(), "larger than 8 MiB".into())],
                ..SecretFacts::default()
            }),
            "pass: no secrets in 3 files (2.0 KiB) of repos/a; 1 files not read (repos/a/big.sql: larger than 8 MiB) [repos/a]"
        );
        assert_eq!(
            run(SecretFacts {
                files_scanned: 3,
                found: vec![found(None)],
                ..SecretFacts::default()
            }),
            "fail: Slack webhook URL http…XY (sha256:0011223344556677) committed at repos/a/config/exporter.yaml:12 [repos/a/config/exporter.yaml:12:17]"
        );
        let cover = |d: &str| BaselineCover {
            reason: "fake webhook for tests".into(),
            expires: date(d),
            at: "repos/a/.relman-baseline.yaml:4".into(),
        };
        assert_eq!(
            run(SecretFacts {
                files_scanned: 3,
                found: vec![found(Some(cover("2027-01-01")))],
                ..SecretFacts::default()
            }),
            "pass: Slack webhook URL http…XY (sha256:0011223344556677) at repos/a/config/exporter.yaml:12 is accepted by the baseline until 2027-01-01 (repos/a/.relman-baseline.yaml:4): fake webhook for tests [repos/a/config/exporter.yaml:12:17]\npass: no other secrets in 3 files (0 bytes) of repos/a [repos/a]"
        );
        assert_eq!(
            run(SecretFacts {
                files_scanned: 3,
                found: vec![found(Some(cover("2026-11-01")))],
                stale_baseline: vec![
                    "b.yaml:9: github-token in x (sha256:1) no longer matches a secret".into()
                ],
                ..SecretFacts::default()
            }),
            "fail: Slack webhook URL http…XY (sha256:0011223344556677) committed at repos/a/config/exporter.yaml:12; its baseline entry (repos/a/.relman-baseline.yaml:4) expired on 2026-11-01 [repos/a/config/exporter.yaml:12:17]\nwarn: stale baseline entry: b.yaml:9: github-token in x (sha256:1) no longer matches a secret []"
        );
    }
}
