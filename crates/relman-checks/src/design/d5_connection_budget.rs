use relman_core::evidence::RepoEvidence;
use relman_core::k8s::{Container, EnvValue, K8sFacts, Scalar, Workload};
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// D-5: the database connections of every replica at full scale fit in
/// what the database allows the service.
pub struct ConnectionBudget;

static META: CheckMeta = CheckMeta {
    rule: "D-5",
    id: "connection-budget",
    severity: Severity::High,
    title: "Connection pools fit the database at full scale",
    what: "Pool size per replica × the most replicas the workload can run must not exceed `database.max_connections` of the descriptor, summed over every workload that holds a pool. The pool size is `database.pool_size` in the descriptor, else a container env var of the Kubernetes manifests or Helm chart whose name says it is a database pool: it holds POOL with SIZE or MAX (`DB_POOL_SIZE`, `DATABASE_POOL_SIZE`, `POOL_SIZE`, `PG_POOL_MAX`, `SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE`, `PGBOUNCER_DEFAULT_POOL_SIZE`) and no word naming another kind of pool (THREAD, WORKER, REDIS, HTTP, CACHE, KAFKA, GRPC...), or MAX with CONNS/CONNECTIONS next to a database word (`DB_MAX_CONNS`, `DATABASE_MAX_OPEN_CONNS`); MIN, IDLE, TIMEOUT and LIFETIME settings are not sizes. A `connection_limit=` or `pool_max_conns=` parameter in a literal URL counts too. The maximum replicas are the `maxReplicas` of a HorizontalPodAutoscaler (or `maxReplicaCount` of a KEDA ScaledObject, 100 when unset) targeting the workload, else its `replicas` (`parallelism` for a Job), 1 when unset. The descriptor's pool size applies to every workload that declares a pool env var or, when none does, to every long-running workload (Deployment, StatefulSet, ReplicaSet, Pod); pools of several containers of a pod add up. No `database` in the descriptor: not applicable; no `max_connections`: fail.",
    why: "A pool of 20 is harmless on a laptop; at 15 replicas it is 300 connections, and when the autoscaler scales out during a traffic peak the database refuses connections just when they are needed most.",
    fix: "Size the pool so that pool × maximum replicas stays within `max_connections` (lower the pool, cap the HPA's `maxReplicas`, or put PgBouncer in front), and record both in the descriptor's `database` block.",
};

/// Words that name a pool of something other than database connections.
const OTHER_POOLS: &[&str] = &[
    "THREAD",
    "THREADS",
    "WORKER",
    "WORKERS",
    "REDIS",
    "HTTP",
    "HTTPS",
    "CACHE",
    "MEMCACHE",
    "MEMCACHED",
    "KAFKA",
    "AMQP",
    "RABBIT",
    "RABBITMQ",
    "GRPC",
    "ELASTIC",
    "ELASTICSEARCH",
    "SMTP",
    "LDAP",
    "S3",
    "CONSUMER",
    "PRODUCER",
    "GOROUTINE",
    "CELERY",
    "GUNICORN",
    "PUMA",
    "BUFFER",
    "CONNECTOR",
];

/// Words of settings that are not the pool's maximum size.
const NOT_A_SIZE: &[&str] = &[
    "MIN", "MINIMUM", "IDLE", "TIMEOUT", "LIFETIME", "WAIT", "OVERFLOW", "TTL",
];

/// Words that say a setting is about a database.
const DATABASE: &[&str] = &[
    "DB",
    "DATABASE",
    "PG",
    "PGX",
    "POSTGRES",
    "POSTGRESQL",
    "MYSQL",
    "MARIADB",
    "SQL",
    "JDBC",
    "DATASOURCE",
    "HIKARI",
    "PGBOUNCER",
    "ORACLE",
    "MSSQL",
    "SQLALCHEMY",
];

/// Whether an env var's name says it is a database pool's maximum size.
pub fn is_pool_var(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(NOT_A_SIZE) || has(OTHER_POOLS) {
        return false;
    }
    let joined = words.concat();
    let pool = joined.contains("POOLSIZE")
        || joined.contains("POOLMAX")
        || joined.contains("MAXPOOL")
        || (words.contains(&"POOL") && (words.contains(&"SIZE") || words.contains(&"MAX")));
    let conns = (joined.contains("MAXCONN") || joined.contains("MAXOPENCONN")) && has(DATABASE);
    pool || conns
}

/// A pool size written in a connection URL (`?connection_limit=10`).
fn url_pool(value: &str) -> Option<(&'static str, u64)> {
    for key in ["connection_limit", "pool_max_conns"] {
        let Some(i) = value.find(&format!("{key}=")) else {
            continue;
        };
        let digits: String = value[i + key.len() + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse() {
            return Some((key, n));
        }
    }
    None
}

/// A number and where it came from, or why it is not known.
enum Known {
    /// The number, where it comes from for messages, and for evidence.
    Value(u64, String, Option<EvidenceRef>),
    Unknown(String),
}

/// The pool of one container: the largest pool setting it declares.
fn container_pool(c: &Container) -> Option<Known> {
    let mut best: Option<(u64, String, EvidenceRef)> = None;
    let mut unknown: Option<String> = None;
    for e in &c.env {
        let literal = match &e.value {
            EnvValue::Literal(Scalar::Known(v)) => Some(v.as_str()),
            _ => None,
        };
        if let Some((key, n)) = literal.and_then(url_pool) {
            if best.as_ref().is_none_or(|(b, ..)| n > *b) {
                best = Some((
                    n,
                    format!("{key} in {} at {}", e.name, e.at),
                    e.at.evidence(),
                ));
            }
            continue;
        }
        if !is_pool_var(&e.name) {
            continue;
        }
        match &e.value {
            EnvValue::Literal(Scalar::Known(v)) => match v.trim().parse::<u64>() {
                Ok(n) => {
                    if best.as_ref().is_none_or(|(b, ..)| n > *b) {
                        best = Some((n, format!("{} at {}", e.name, e.at), e.at.evidence()));
                    }
                }
                Err(_) => {
                    unknown.get_or_insert(format!("{} at {} is {v:?}, not a number", e.name, e.at));
                }
            },
            EnvValue::Literal(u @ Scalar::Unknown(_)) => {
                unknown.get_or_insert(format!(
                    "{} at {} is {}",
                    e.name,
                    e.at,
                    crate::security::s2_k8s_exposure::undecided(u)
                ));
            }
            EnvValue::From(src) => {
                unknown.get_or_insert(format!(
                    "{} at {} comes from {src}, which is not in the repo",
                    e.name, e.at
                ));
            }
            EnvValue::Field(f) => {
                unknown.get_or_insert(format!("{} at {} comes from {f}", e.name, e.at));
            }
        }
    }
    match (unknown, best) {
        (Some(why), _) => Some(Known::Unknown(why)),
        (None, Some((n, src, at))) => Some(Known::Value(n, src, Some(at))),
        (None, None) => None,
    }
}

/// The most replicas `w` can run, and where that number comes from.
fn max_replicas(k: &K8sFacts, w: &Workload) -> Known {
    if let Some(a) = k.autoscalers_of(w).next() {
        let what = format!(
            "{} {}",
            if a.kind == "HorizontalPodAutoscaler" {
                "HPA"
            } else {
                &a.kind
            },
            a.name
        );
        return match &a.max_replicas {
            Some(m) => match m.value.as_u64() {
                Some(n) => Known::Value(
                    n,
                    format!("{what} maxReplicas at {}", m.at),
                    Some(m.at.evidence()),
                ),
                None => Known::Unknown(format!(
                    "the maxReplicas of {what} at {} is {}",
                    m.at,
                    crate::security::s2_k8s_exposure::undecided(&m.value)
                )),
            },
            None if a.kind == "ScaledObject" => Known::Value(
                100,
                format!(
                    "{what} at {}, maxReplicaCount unset, which KEDA takes as 100",
                    a.at
                ),
                Some(a.at.evidence()),
            ),
            None => Known::Unknown(format!("{what} at {} gives no maxReplicas", a.at)),
        };
    }
    // An autoscaler that may target it, by a name a template decides.
    if let Some(a) = k.autoscalers.iter().find(|a| {
        a.target_kind.as_known() == Some(w.kind.as_str())
            && (a.target_name.is_unknown() || w.name.is_unknown())
            && a.target_name != w.name
    }) {
        return Known::Unknown(format!(
            "{} {} at {} targets {} {}, which may be this workload",
            a.kind, a.name, a.at, a.target_kind, a.target_name
        ));
    }
    if w.kind == "DaemonSet" {
        return Known::Unknown(format!(
            "a DaemonSet runs one pod per node, and the node count is not in the manifests ({})",
            w.at
        ));
    }
    let field = if w.kind == "Job" || w.kind == "CronJob" {
        "parallelism"
    } else {
        "replicas"
    };
    match &w.replicas {
        Some(r) => match r.value.as_u64() {
            Some(n) => Known::Value(n, format!("{field} at {}", r.at), Some(r.at.evidence())),
            None => Known::Unknown(format!(
                "{field} at {} is {}",
                r.at,
                crate::security::s2_k8s_exposure::undecided(&r.value)
            )),
        },
        None => Known::Value(
            1,
            format!("{field} unset at {}, so 1", w.at),
            Some(w.at.evidence()),
        ),
    }
}

/// One workload's share of the budget.
struct Term<'a> {
    w: &'a Workload,
    pool: Known,
    replicas: Known,
}

impl ServiceCheck for ConnectionBudget {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let origin = &cx.service.origin;
        let Some(db) = &cx.service.database else {
            out.not_applicable("the descriptor declares no database")
                .at(EvidenceRef::new("descriptor", origin.file.clone()));
            return;
        };
        let max_field = origin.field("database.max_connections");
        let Some(max) = db.max_connections else {
            out.fail(format!(
                "the descriptor declares a database but not how many connections it allows this service ({max_field} is missing)"
            ))
            .at(origin.at("descriptor", "database"))
            .fix("Set `database.max_connections` in the descriptor to the connections the database allows this service.");
            return;
        };
        let max_at = origin.at("descriptor", "database.max_connections");
        let repo = match &cx.evidence.repo {
            RepoEvidence::NotGiven => {
                let what = match db.pool_size {
                    Some(p) => format!(
                        "the pool is {p} per replica, but the number of replicas is not known"
                    ),
                    None => "neither the pool size nor the number of replicas is known".to_string(),
                };
                out.unverified(format!(
                    "{what}: the descriptor names no repo with Kubernetes manifests (max_connections {max}, {max_field})"
                ))
                .at(origin.at("descriptor", "repo"))
                .at(max_at)
                .fix("Set `repo` in the descriptor to a checkout holding the service's Kubernetes manifests or Helm chart.");
                return;
            }
            RepoEvidence::Unreadable { location, error } => {
                out.error(format!("cannot read the repo {location}: {error}"))
                    .at(origin.at("descriptor", "repo"));
                return;
            }
            RepoEvidence::Present(repo) => repo,
        };
        let k = &repo.k8s;
        for p in &k.problems {
            let f = if p.template {
                out.unverified(format!(
                    "{}: {}; a pool or replica count there is not read",
                    p.place(),
                    p.message
                ))
            } else {
                out.error(format!(
                    "{}: {}; a pool or replica count there is not read",
                    p.place(),
                    p.message
                ))
            };
            f.at(p.evidence());
        }
        // Containers that declare a pool, per workload.
        let mut terms: Vec<Term<'_>> = Vec::new();
        for w in &k.workloads {
            let pools: Vec<Known> = w
                .containers
                .iter()
                .filter(|c| !c.init)
                .filter_map(container_pool)
                .collect();
            if pools.is_empty() {
                continue;
            }
            let pool = match db.pool_size {
                Some(p) => Known::Value(
                    p,
                    origin.field("database.pool_size"),
                    Some(origin.at("descriptor", "database.pool_size")),
                ),
                None => sum_pools(pools),
            };
            terms.push(Term {
                w,
                pool,
                replicas: max_replicas(k, w),
            });
        }
        let from_descriptor = db.pool_size.is_some();
        if terms.is_empty() {
            if let Some(p) = db.pool_size {
                for w in k.workloads.iter().filter(|w| {
                    matches!(
                        w.kind.as_str(),
                        "Deployment" | "StatefulSet" | "ReplicaSet" | "Pod"
                    )
                }) {
                    terms.push(Term {
                        w,
                        pool: Known::Value(
                            p,
                            origin.field("database.pool_size"),
                            Some(origin.at("descriptor", "database.pool_size")),
                        ),
                        replicas: max_replicas(k, w),
                    });
                }
            }
        }
        if terms.is_empty() {
            let mut looked = if from_descriptor {
                format!(
                    "the descriptor gives database.pool_size, but {} declares no long-running workload to multiply it by",
                    repo.location
                )
            } else {
                let containers: usize = k.workloads.iter().map(|w| w.containers.len()).sum();
                format!(
                    "database.pool_size is not set ({}) and none of the {containers} containers in {} sets a database pool env var (DB_POOL_SIZE, DATABASE_POOL_SIZE, POOL_SIZE, *_POOL_MAX, DB_MAX_CONNS, SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE, PGBOUNCER_DEFAULT_POOL_SIZE...)",
                    origin.file,
                    counted_files(k, &repo.location)
                )
            };
            let hidden: Vec<String> = k
                .workloads
                .iter()
                .flat_map(|w| &w.containers)
                .flat_map(|c| {
                    c.env_from.iter().map(|s| format!("{s} at {}", s.at)).chain(
                        c.unknown_env
                            .iter()
                            .map(|u| format!("{} at {}", u.value, u.at)),
                    )
                })
                .collect();
            if !hidden.is_empty() && !from_descriptor {
                looked.push_str(&format!("; it may be set by {}", hidden.join(", ")));
            }
            out.unverified(format!(
                "the connections at full scale are not known: {looked} (max_connections {max}, {max_field})"
            ))
            .at(origin.at("descriptor", "database"))
            .at(EvidenceRef::new("repo", repo.location.clone()))
            .fix("Set `database.pool_size` in the descriptor, or the pool env var in the manifests, so that pool × replicas can be checked.");
            return;
        }

        let mut shown: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut total: u64 = 0;
        let mut evidence: Vec<EvidenceRef> = Vec::new();
        for t in &terms {
            let name = format!("{} {}", t.w.kind, t.w.name);
            match (&t.pool, &t.replicas) {
                (Known::Value(p, psrc, pat), Known::Value(r, rsrc, rat)) => {
                    let n = p.saturating_mul(*r);
                    total = total.saturating_add(n);
                    shown.push(format!(
                        "{name}: pool {p} ({psrc}) × {r} replica{} ({rsrc}) = {n}",
                        if *r == 1 { "" } else { "s" }
                    ));
                    for e in [pat, rat].into_iter().flatten() {
                        if !evidence.contains(e) {
                            evidence.push(e.clone());
                        }
                    }
                }
                (Known::Unknown(why), _) => {
                    unknown.push(format!("{name}: the pool size is not known: {why}"))
                }
                (_, Known::Unknown(why)) => {
                    unknown.push(format!("{name}: its maximum replicas are not known: {why}"))
                }
            }
        }
        evidence.push(max_at);
        if !unknown.is_empty() {
            let known = if shown.is_empty() {
                String::new()
            } else {
                format!(" (known so far: {})", shown.join("; "))
            };
            let f = out.unverified(format!(
                "the connections at full scale are not known: {}{known}; max_connections {max} ({max_field})",
                unknown.join("; ")
            ));
            for e in evidence {
                f.at(e);
            }
            return;
        }
        let sum = if terms.len() == 1 {
            // `Deployment api: pool 20 (…) × 15 replicas (…) = 300`
            shown.remove(0)
        } else {
            format!("{}; total {total}", shown.join("; "))
        };
        let f = if total > max {
            out.fail(format!("{sum} > max_connections {max} ({max_field})"))
        } else {
            out.pass(format!("{sum} ≤ max_connections {max} ({max_field})"))
        };
        for e in evidence {
            f.at(e);
        }
    }
}

/// Pools of several containers of one pod add up.
fn sum_pools(pools: Vec<Known>) -> Known {
    let mut total = 0u64;
    let mut srcs = Vec::new();
    let mut first_at = None;
    for p in pools {
        match p {
            Known::Value(n, src, at) => {
                total = total.saturating_add(n);
                srcs.push(src);
                first_at = first_at.or(at);
            }
            unknown => return unknown,
        }
    }
    Known::Value(total, srcs.join(" + "), first_at)
}

fn counted_files(k: &K8sFacts, location: &str) -> String {
    format!(
        "the {} workload{} of {location}",
        k.workloads.len(),
        if k.workloads.len() == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{RepoFacts, ServiceEvidence};
    use relman_core::fleet::Database;
    use relman_core::k8s::{Autoscaler, EnvSource, EnvSourceKind, EnvVar, Loc, Spanned};

    use super::*;
    use crate::testing::*;

    fn loc(file: &str, line: u32) -> Loc {
        Loc {
            file: format!("repos/a/{file}"),
            line,
            column: 7,
        }
    }

    fn known(s: &str) -> Scalar {
        Scalar::Known(s.into())
    }

    fn env(name: &str, value: EnvValue, line: u32) -> EnvVar {
        EnvVar {
            name: name.into(),
            value,
            at: loc("deploy/app.yaml", line),
        }
    }

    fn workload(name: &str, replicas: Option<&str>, env: Vec<EnvVar>) -> Workload {
        Workload {
            kind: "Deployment".into(),
            name: known(name),
            namespace: None,
            at: loc("deploy/app.yaml", 2),
            labels: Default::default(),
            replicas: replicas.map(|r| Spanned {
                value: known(r),
                at: loc("deploy/app.yaml", 6),
            }),
            host_network: None,
            containers: vec![Container {
                name: known("app"),
                init: false,
                at: loc("deploy/app.yaml", 10),
                ports: Vec::new(),
                env,
                env_from: Vec::new(),
                unknown_env: Vec::new(),
            }],
        }
    }

    fn hpa(target: &str, max: &str) -> Autoscaler {
        Autoscaler {
            kind: "HorizontalPodAutoscaler".into(),
            name: known(target),
            namespace: None,
            at: loc("deploy/hpa.yaml", 2),
            target_kind: known("Deployment"),
            target_name: known(target),
            min_replicas: None,
            max_replicas: Some(Spanned {
                value: known(max),
                at: loc("deploy/hpa.yaml", 9),
            }),
        }
    }

    fn with_db(max: Option<u64>, pool: Option<u64>) -> relman_core::fleet::Service {
        let mut s = service("payments-api");
        s.database = Some(Database {
            max_connections: max,
            pool_size: pool,
        });
        s
    }

    fn ev(workloads: Vec<Workload>, autoscalers: Vec<Autoscaler>) -> ServiceEvidence {
        ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                k8s: K8sFacts {
                    files_read: 2,
                    manifest_files: 2,
                    objects: workloads.len() + autoscalers.len(),
                    workloads,
                    autoscalers,
                    ..K8sFacts::default()
                },
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        }
    }

    #[test]
    fn pool_variable_names() {
        for yes in [
            "DB_POOL_SIZE",
            "DATABASE_POOL_SIZE",
            "POOL_SIZE",
            "PG_POOL_MAX",
            "DB_MAX_CONNS",
            "DATABASE_MAX_OPEN_CONNS",
            "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE",
            "SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE",
            "PGBOUNCER_DEFAULT_POOL_SIZE",
            "db.pool.max",
            "MAX_POOL_SIZE",
        ] {
            assert!(is_pool_var(yes), "{yes}");
        }
        for no in [
            "THREAD_POOL_SIZE",
            "REDIS_POOL_SIZE",
            "HTTP_MAX_CONNECTIONS",
            "MAX_CONNECTIONS",
            "DB_POOL_MIN",
            "DB_MAX_IDLE_CONNS",
            "DB_POOL_TIMEOUT",
            "DATABASE_URL",
            "WORKER_POOL_MAX",
        ] {
            assert!(!is_pool_var(no), "{no}");
        }
        assert_eq!(
            url_pool("postgres://h/db?sslmode=require&connection_limit=12"),
            Some(("connection_limit", 12))
        );
    }

    #[test]
    fn over_budget_fails_showing_the_arithmetic() {
        let w = workload(
            "payments-api",
            Some("3"),
            vec![env("DB_POOL_SIZE", EnvValue::Literal(known("20")), 18)],
        );
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(200), None),
            &ev(vec![w.clone()], vec![hpa("payments-api", "15")]),
        );
        assert_eq!(
            render(&out),
            "fail: Deployment payments-api: pool 20 (DB_POOL_SIZE at repos/a/deploy/app.yaml:18) × 15 replicas (HPA payments-api maxReplicas at repos/a/deploy/hpa.yaml:9) = 300 > max_connections 200 (services/payments-api.yaml: database.max_connections) [repos/a/deploy/app.yaml:18:7, repos/a/deploy/hpa.yaml:9:7, services/payments-api.yaml]"
        );
        // Without the HPA, replicas decide.
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(200), None),
            &ev(vec![w], Vec::new()),
        );
        assert_eq!(statuses(&out), [Status::Pass]);
        assert_eq!(
            out[0].message,
            "Deployment payments-api: pool 20 (DB_POOL_SIZE at repos/a/deploy/app.yaml:18) × 3 replicas (replicas at repos/a/deploy/app.yaml:6) = 60 ≤ max_connections 200 (services/payments-api.yaml: database.max_connections)"
        );
    }

    #[test]
    fn the_descriptor_pool_wins_and_replicas_default_to_one() {
        let w = workload("api", None, Vec::new());
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(10), Some(20)),
            &ev(vec![w], Vec::new()),
        );
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            out[0].message,
            "Deployment api: pool 20 (services/payments-api.yaml: database.pool_size) × 1 replica (replicas unset at repos/a/deploy/app.yaml:2, so 1) = 20 > max_connections 10 (services/payments-api.yaml: database.max_connections)"
        );
    }

    #[test]
    fn several_workloads_add_up() {
        let api = workload(
            "api",
            Some("4"),
            vec![env("DB_POOL_SIZE", EnvValue::Literal(known("10")), 18)],
        );
        let mut worker = workload(
            "worker",
            Some("2"),
            vec![env(
                "DATABASE_URL",
                EnvValue::Literal(known("postgres://db/x?connection_limit=5")),
                30,
            )],
        );
        worker.kind = "StatefulSet".into();
        let web = workload("web", Some("9"), Vec::new());
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(100), None),
            &ev(vec![api, worker, web], Vec::new()),
        );
        assert_eq!(statuses(&out), [Status::Pass]);
        assert_eq!(
            out[0].message,
            "Deployment api: pool 10 (DB_POOL_SIZE at repos/a/deploy/app.yaml:18) × 4 replicas (replicas at repos/a/deploy/app.yaml:6) = 40; StatefulSet worker: pool 5 (connection_limit in DATABASE_URL at repos/a/deploy/app.yaml:30) × 2 replicas (replicas at repos/a/deploy/app.yaml:6) = 10; total 50 ≤ max_connections 100 (services/payments-api.yaml: database.max_connections)"
        );
    }

    #[test]
    fn unknown_pools_and_replicas_are_unverified() {
        let secret = workload(
            "api",
            Some("2"),
            vec![env(
                "DB_POOL_SIZE",
                EnvValue::From(EnvSource {
                    kind: EnvSourceKind::Secret,
                    name: known("db"),
                    key: Some(known("pool")),
                    at: loc("deploy/app.yaml", 20),
                }),
                18,
            )],
        );
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(100), None),
            &ev(vec![secret], Vec::new()),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(
            out[0].message.contains(
                "DB_POOL_SIZE at repos/a/deploy/app.yaml:18 comes from Secret db key pool"
            ),
            "{}",
            out[0].message
        );

        let helm = workload(
            "api",
            Some("2"),
            vec![env("DB_POOL_SIZE", EnvValue::Literal(known("20")), 18)],
        );
        let open = hpa("api", "x");
        let mut open = open;
        open.max_replicas = Some(Spanned {
            value: Scalar::Unknown("{{ .Values.autoscaling.maxReplicas }}".into()),
            at: loc("deploy/hpa.yaml", 9),
        });
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(100), None),
            &ev(vec![helm], vec![open]),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(out[0].message.contains("{{ .Values.autoscaling.maxReplicas }}, which the chart's default values do not decide"), "{}", out[0].message);

        // No pool anywhere: unverified, naming where relman looked.
        let mut plain = workload(
            "api",
            Some("2"),
            vec![env("LOG_LEVEL", EnvValue::Literal(known("info")), 18)],
        );
        plain.containers[0].env_from.push(EnvSource {
            kind: EnvSourceKind::ConfigMap,
            name: known("settings"),
            key: None,
            at: loc("deploy/app.yaml", 25),
        });
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(100), None),
            &ev(vec![plain], Vec::new()),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(out[0].message.contains("database.pool_size is not set (services/payments-api.yaml) and none of the 1 containers in the 1 workload of repos/a sets a database pool env var"), "{}", out[0].message);
        assert!(
            out[0]
                .message
                .contains("it may be set by ConfigMap settings at repos/a/deploy/app.yaml:25"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn the_descriptor_decides_applicability() {
        let out = run_service(
            &ConnectionBudget,
            &service("a"),
            &ServiceEvidence::default(),
        );
        assert_eq!(
            render(&out),
            "not_applicable: the descriptor declares no database [services/a.yaml]"
        );
        let out = run_service(
            &ConnectionBudget,
            &with_db(None, Some(5)),
            &ServiceEvidence::default(),
        );
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0]
                .message
                .contains("database.max_connections is missing"),
            "{}",
            out[0].message
        );
        let out = run_service(
            &ConnectionBudget,
            &with_db(Some(50), Some(5)),
            &ServiceEvidence::default(),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert_eq!(
            out[0].message,
            "the pool is 5 per replica, but the number of replicas is not known: the descriptor names no repo with Kubernetes manifests (max_connections 50, services/payments-api.yaml: database.max_connections)"
        );
    }
}
