//! The blaming-language lint behind C-4: a pure function from Markdown text
//! to the places where it blames people instead of describing the system.
//!
//! What it flags: the phrases of [`PHRASES`] (and those a fleet adds in
//! relman.yaml, `postmortems.blaming_phrases`), matched case-insensitively
//! on word boundaries, and a person named as the root cause (a `Root
//! cause:` line, or the first line under a "Root cause" heading, that
//! starts with an `@handle`, or with a first name followed by what people
//! do: "Dave forgot…", "Dave's change…").
//!
//! What it leaves alone, to keep false positives rare: fenced code blocks,
//! inline code, HTML comments, links, text in double quotes (a postmortem
//! may quote what it will not say: `we avoid "human error"`), phrases
//! negated just before ("this was not human error", "nobody is to blame"),
//! `git blame`, and capitalised words that are sentence openers, days,
//! months or well-known technologies ("Kafka caused the outage" describes
//! a system). Write other component names as code (`` `ingest` ``) if they
//! could pass for first names.
//!
//! Lines and columns are 1-based; columns count characters.

use std::sync::LazyLock;

use regex::Regex;
use relman_core::fleet::BlamingPhrase;

/// A built-in blaming phrase.
#[derive(Debug)]
pub struct Phrase {
    /// How it is named in findings; `<person>` is a name, an `@handle`,
    /// "he"/"she" or a role standing for one person ("the on-call").
    pub phrase: &'static str,
    /// A regular expression matched case-insensitively; `{person}` stands
    /// for a person as above.
    pub pattern: &'static str,
    /// A blameless rewording, as an example of what to write instead.
    pub suggestion: &'static str,
    /// Words that make a match harmless when they come just before it.
    pub not_after: &'static [&'static str],
    /// Text that makes a match harmless when it comes just after it.
    pub not_before: &'static [&'static str],
}

/// The built-in phrases, most specific first: where two overlap, the one
/// that starts first (and then the longer) is reported.
pub static PHRASES: &[Phrase] = &[
    Phrase {
        phrase: "human error",
        pattern: r"\b(?:human|operator)[\s-]+(?:error|mistake)s?\b",
        suggestion: "the process allowed a manual step to go unchecked",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> forgot to",
        pattern: r"{person}\s+(?:forgot|forgets|neglected|omitted)\b(?:\s+to\b)?",
        suggestion: "the renewal was not automated and no alert fired",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> should have checked/known",
        pattern: r"{person}\s+should(?:\s+have|'ve|’ve)\s+(?:checked|verified|tested|looked|asked|waited|double-checked|known|noticed|realised|realized|seen|caught)\b",
        suggestion: "the procedure did not require this check, and nothing enforced it",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "should have known",
        pattern: r"\bshould(?:\s+have|'ve|’ve)\s+(?:known|noticed|realised|realized|seen|spotted|caught|been\s+(?:more\s+)?careful)\b",
        suggestion: "the signal was not visible where the decision was made",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> caused the outage",
        pattern: r"{person}\s+(?:caused|triggered|broke|took\s+down|brought\s+down)\s+(?:(?:the|this|an?|our)\s+)?(?:outage|incident|failure|downtime|problem|issue|production|prod|site|service)\b",
        suggestion: "a configuration change reached production without a canary",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "caused by <person>",
        pattern: r"\bcaused\s+by\s+(?:@[A-Za-z0-9][\w.-]*|(?:him|her)\b|the\s+(?:on-?call\s+engineer|engineer|operator|developer|on-?call|admin(?:istrator)?|intern|new\s+hire)\b)",
        suggestion: "caused by a configuration change that no check covered",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> failed to check",
        pattern: r"{person}\s+(?:failed|neglected)\s+to\s+(?:check|verify|test|follow|review|monitor|update|renew|run|validate|confirm)\b",
        suggestion: "no step or gate in the procedure required the check",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> did not follow",
        pattern: r"{person}\s+(?:did\s+not|didn't|didn’t)\s+(?:follow|check|read|test|notice|verify|update|renew)\b",
        suggestion: "the runbook step was easy to skip and nothing enforced it",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "failed to notice",
        pattern: r"\bfailed\s+to\s+(?:notice|spot|see|realise|realize|read|catch|pay\s+attention)\b",
        suggestion: "the alert went to a channel nobody watched",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> made a mistake",
        pattern: r"{person}\s+(?:made\s+(?:a|an|the|this)\s+(?:mistake|error|blunder)|messed\s+up|screwed\s+up|slipped\s+up|dropped\s+the\s+ball|fat[- ]fingered)",
        suggestion: "a manual step had no validation to catch the slip",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "<person> ignored the alert",
        pattern: r"{person}\s+(?:ignored|dismissed|silenced|snoozed)\b",
        suggestion: "the alert did not stand out among the others and had no clear action",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "the fault of",
        pattern: r"\b(?:the\s+)?fault\s+of\b|\bat\s+fault\b|\b\w+(?:'s|’s)\s+fault\b",
        suggestion: "the review process let the change through",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "careless",
        pattern: r"\bcareless(?:ly|ness)?\b",
        suggestion: "nothing guarded the step against a slip",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "negligence",
        pattern: r"\bnegligen(?:ce|t|tly)\b",
        suggestion: "the safeguards that would have caught this were missing",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "incompetence",
        pattern: r"\bincompeten(?:ce|t|tly)\b|\bslopp(?:y|iness|ily)\b",
        suggestion: "the tooling and training did not cover this case",
        not_after: &[],
        not_before: &[],
    },
    Phrase {
        phrase: "blame",
        pattern: r"\bblam(?:e|ed|es|ing|eworthy)\b",
        suggestion: "the decisions made sense with what was known at the time",
        not_after: &["git", "svn", "hg"],
        not_before: &["-free", "-aware"],
    },
];

/// A person, as blaming sentences name one.
const PERSON: &str = r"(?P<person>@[A-Za-z0-9][\w.-]*|(?-i:\b\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)*(?:\s+\p{Lu}\p{Ll}+)?)|\b(?:he|she)\b|\bthe\s+(?:on-?call\s+engineer|engineer|operator|developer|on-?call|admin(?:istrator)?|intern|new\s+hire|sre|dba)\b)";

/// The label and rewording of a person named as the root cause.
pub const ROOT_CAUSE_PHRASE: &str = "a person named as the root cause";
pub const ROOT_CAUSE_SUGGESTION: &str = "certificate renewal depended on one person's calendar";

/// The rewording offered for a fleet's own phrase that gives none.
pub const GENERIC_SUGGESTION: &str = "the process let this through, and nothing caught it";

/// Capitalised words that are not first names: sentence openers, days and
/// months.
const NOT_NAMES: &str = "\
     A About After Afterwards All Also Although An And Another Any As At Because Before Both \
     But By Each Either Every Everyone Everybody For From He Her Here His How However If In \
     It Its Later Many Meanwhile Most My Neither No Nobody None Nor Not Nothing Now Of On \
     Once One Only Or Our Overall She So Some Someone Since Still That The Their Then There \
     These They This Those Though Thus To Today Tonight Two Three Unfortunately Until We What \
     When Where Whether Which While Who Why With Without Yesterday You Your Human Root Cause \
     Summary Impact Timeline Resolution Team Teams Customers Users Support Ops Engineering \
     Everything Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February \
     March April May June July August September October November December";

/// Technologies and vendors a postmortem names as causes.
const TECHNOLOGIES: &str = "\
     Airflow Akamai Amazon Android Ansible Apache Argo Aurora Azure Bigtable Calico Cassandra \
     Celery Ceph Chrome Cilium Cloudflare Cloudfront Consul Containerd Coredns Datadog Debian \
     Docker Dynamo Elasticsearch Envoy Etcd Fastly Firefox Flink Flux Github Gitlab Go Google \
     Grafana Hadoop Haproxy Helm Istio Java Jenkins Kafka Karpenter Keycloak Kibana \
     Kubernetes Lambda Linkerd Linux Loki Mattermost Memcached Mongo Nginx Node Okta \
     Opensearch Oracle Pagerduty Postgres Prometheus Puppet Python Rabbit Redis Redshift \
     Route Ruby Rust Safari Sentry Sidekiq Slack Spark Spinnaker Stripe Terraform Thanos \
     Traefik Twilio Ubuntu Vault Varnish Windows Zookeeper";

/// Endings of nouns, which a capitalised opener is far more often than a
/// name ("Caching made…", "Maintenance skipped…").
const NOUN_ENDINGS: &[&str] = &[
    "ing", "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism", "ogy", "ure",
];

/// What people do, after a name at the start of a root cause.
const HUMAN_VERBS: &str = "\
     forgot neglected ignored overlooked missed mistyped misread misconfigured typed clicked \
     pushed merged approved skipped assumed deployed deleted changed edited applied made did \
     didn't didn’t should accidentally mistakenly wrongly";

/// What a person's possessive is followed by when it blames them.
const POSSESSED: &str = "\
     change deploy deployment commit push merge script command typo mistake error fault \
     oversight";

/// Words that negate what follows them in the same clause.
const NEGATORS: &[&str] = &[
    "no", "not", "never", "without", "nobody", "none", "nor", "nothing", "neither", "avoid",
    "avoids", "avoided", "avoiding",
];

/// One place where a text blames people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// 1-based, within the linted text.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// The words as written.
    pub text: String,
    /// The phrase of the table (or of relman.yaml) that matched.
    pub phrase: String,
    /// A blameless rewording.
    pub suggestion: String,
}

struct Rule {
    regex: Regex,
    phrase: String,
    suggestion: String,
    not_after: Vec<String>,
    not_before: Vec<String>,
}

/// A phrase's pattern, case-insensitive; only its first `{person}` is
/// captured (and checked to be a person).
fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    let unnamed = PERSON.replacen("(?P<person>", "(?:", 1);
    let mut parts = pattern.split("{person}");
    let mut out = format!("(?i){}", parts.next().unwrap_or_default());
    for (i, part) in parts.enumerate() {
        out.push_str(if i == 0 { PERSON } else { &unnamed });
        out.push_str(part);
    }
    Regex::new(&out)
}

static BUILTIN: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    PHRASES
        .iter()
        .map(|p| Rule {
            regex: compile(p.pattern).expect("the built-in phrases compile (a test checks them)"),
            phrase: p.phrase.to_string(),
            suggestion: p.suggestion.to_string(),
            not_after: p.not_after.iter().map(|s| (*s).to_string()).collect(),
            not_before: p.not_before.iter().map(|s| (*s).to_string()).collect(),
        })
        .collect()
});

static ROOT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\broot[\s-]+causes?\b[*_]*\s*(?::|\bwas\b|\bis\b|—|–|-)[*_\s]*")
        .expect("constant pattern")
});

static ROOT_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s{0,3}#{1,6}\s+.*\broot[\s-]+causes?\b").expect("constant pattern")
});

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}#{1,6}\s").expect("constant pattern"));

static NAME_AT_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:@[A-Za-z0-9][\w.-]*|(?P<name>\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)*)(?:\s+\p{Lu}\p{Ll}+)?)")
        .expect("constant pattern")
});

/// A fleet's phrase as a pattern: its words in order, any blanks between.
fn phrase_pattern(phrase: &str) -> String {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(r"\s+");
        }
        if *w == "{person}" {
            out.push_str("{person}");
            continue;
        }
        let escaped = regex::escape(w).replace("\\{person\\}", "{person}");
        if i == 0 && w.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            out.push_str(r"\b");
        }
        out.push_str(&escaped);
        if i == words.len() - 1 && w.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            out.push_str(r"\b");
        }
    }
    out
}

/// The lint with a fleet's phrases added to the built-in ones.
pub struct Linter {
    extra: Vec<Rule>,
    problems: Vec<String>,
}

impl Linter {
    pub fn new(extra: &[BlamingPhrase]) -> Linter {
        let mut rules = Vec::new();
        let mut problems = Vec::new();
        for p in extra {
            match compile(&phrase_pattern(&p.phrase)) {
                Ok(regex) => rules.push(Rule {
                    regex,
                    phrase: p.phrase.clone(),
                    suggestion: p
                        .suggestion
                        .clone()
                        .unwrap_or_else(|| GENERIC_SUGGESTION.to_string()),
                    not_after: Vec::new(),
                    not_before: Vec::new(),
                }),
                Err(e) => problems.push(format!(
                    "the blaming phrase \"{}\" cannot be used: {e}",
                    p.phrase
                )),
            }
        }
        Linter {
            extra: rules,
            problems,
        }
    }

    /// Phrases of relman.yaml that could not be turned into a matcher.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Every place `text` (Markdown) blames people, in order.
    pub fn lint(&self, text: &str) -> Vec<Hit> {
        let lines: Vec<&str> = text.lines().collect();
        let masked = mask(&lines);
        let mut raw: Vec<Raw> = Vec::new();
        for (i, line) in masked.iter().enumerate() {
            // A fleet's phrases first: on the same words, its rewording wins.
            for rule in self.extra.iter().chain(BUILTIN.iter()) {
                find(rule, i, line, &mut raw);
            }
        }
        root_causes(&masked, &mut raw);

        // Where phrases overlap, the one starting first (then the longest).
        raw.sort_by(|a, b| (a.line, a.start, b.end).cmp(&(b.line, b.start, a.end)));
        let mut out: Vec<Hit> = Vec::new();
        let mut last: Option<(usize, usize)> = None;
        for r in raw {
            if let Some((line, end)) = last {
                if line == r.line && r.start < end {
                    continue;
                }
            }
            last = Some((r.line, r.end));
            let original = lines.get(r.line).copied().unwrap_or_default();
            let column = masked[r.line][..r.start].chars().count();
            let len = masked[r.line][r.start..r.end].chars().count();
            out.push(Hit {
                line: u32::try_from(r.line + 1).unwrap_or(u32::MAX),
                column: u32::try_from(column + 1).unwrap_or(u32::MAX),
                text: original.chars().skip(column).take(len).collect(),
                phrase: r.phrase,
                suggestion: r.suggestion,
            });
        }
        out
    }
}

/// [`Linter::lint`] with a fleet's phrases.
pub fn lint(text: &str, extra: &[BlamingPhrase]) -> Vec<Hit> {
    Linter::new(extra).lint(text)
}

/// A match before overlaps are resolved: 0-based line, byte range in the
/// masked line.
struct Raw {
    line: usize,
    start: usize,
    end: usize,
    phrase: String,
    suggestion: String,
}

fn find(rule: &Rule, line_no: usize, line: &str, out: &mut Vec<Raw>) {
    let mut at = 0;
    while at <= line.len() {
        let Some(caps) = rule.regex.captures_at(line, at) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        let person_ok = caps.name("person").is_none_or(|p| is_person(p.as_str()));
        if person_ok {
            let before = &line[..m.start()];
            let after = line[m.end()..].to_lowercase();
            let harmless = negated(before)
                || follows(before, &rule.not_after)
                || rule
                    .not_before
                    .iter()
                    .any(|x| after.starts_with(x.as_str()));
            if !harmless && m.end() > m.start() {
                out.push(Raw {
                    line: line_no,
                    start: m.start(),
                    end: m.end(),
                    phrase: rule.phrase.clone(),
                    suggestion: rule.suggestion.clone(),
                });
            }
        }
        // A rejected "person" may hide a real one just after it
        // ("Monday Dave forgot…").
        at = if person_ok && m.end() > m.start() {
            m.end()
        } else {
            next_char(line, m.start())
        };
    }
}

fn next_char(s: &str, i: usize) -> usize {
    s[i..]
        .chars()
        .next()
        .map_or(s.len() + 1, |c| i + c.len_utf8())
}

/// A person match is a person unless it is a capitalised word that is not
/// a first name.
fn is_person(p: &str) -> bool {
    let lower = p.to_lowercase();
    let roles = lower.split_whitespace().next() == Some("the");
    if p.starts_with('@') || lower == "he" || lower == "she" || roles {
        return true;
    }
    looks_like_name(p.split_whitespace().next().unwrap_or_default())
}

fn looks_like_name(word: &str) -> bool {
    let n = word.chars().count();
    let lower = word.to_lowercase();
    (2..=15).contains(&n)
        && !NOT_NAMES.split_whitespace().any(|w| w == word)
        && !TECHNOLOGIES.split_whitespace().any(|w| w == word)
        && !NOUN_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// The words of the clause before a match.
fn clause_words(before: &str) -> Vec<String> {
    let clause = before
        .rsplit(['.', '!', '?', ';', ':', ','])
        .next()
        .unwrap_or_default();
    clause
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// "not human error", "nobody is to blame", "we don't blame".
fn negated(before: &str) -> bool {
    let words = clause_words(before);
    words
        .iter()
        .rev()
        .take(4)
        .any(|w| NEGATORS.contains(&w.as_str()) || w.ends_with("n't") || w.ends_with("n’t"))
}

fn follows(before: &str, words: &[String]) -> bool {
    clause_words(before)
        .last()
        .is_some_and(|w| words.iter().any(|x| x == w))
}

/// A person named at the start of a root cause.
fn root_causes(masked: &[String], out: &mut Vec<Raw>) {
    let mut check = |line: usize, from: usize| {
        let text = &masked[line][from..];
        let skipped = text.len()
            - text
                .trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '_')
                .len();
        if let Some(len) = person_at_start(&text[skipped..]) {
            out.push(Raw {
                line,
                start: from + skipped,
                end: from + skipped + len,
                phrase: ROOT_CAUSE_PHRASE.to_string(),
                suggestion: ROOT_CAUSE_SUGGESTION.to_string(),
            });
        }
    };
    for (i, line) in masked.iter().enumerate() {
        if ROOT_HEADING.is_match(line) {
            // "## Root cause: Dave forgot…"
            if let Some(m) = ROOT_LABEL.find(line) {
                check(i, m.end());
            }
            // The section's first line, unless it has its own label.
            let next = masked[i + 1..]
                .iter()
                .position(|l| !l.trim().is_empty())
                .map(|k| i + 1 + k);
            if let Some(j) = next {
                if !HEADING.is_match(&masked[j]) && !ROOT_LABEL.is_match(&masked[j]) {
                    let body = masked[j].trim_start_matches(|c: char| {
                        c.is_whitespace() || c == '-' || c == '*' || c == '+' || c == '>'
                    });
                    check(j, masked[j].len() - body.len());
                }
            }
            continue;
        }
        if let Some(m) = ROOT_LABEL.find(line) {
            check(i, m.end());
        }
    }
}

/// The byte length of a person's name (or handle) that starts `text`
/// and is followed by what people do.
fn person_at_start(text: &str) -> Option<usize> {
    let caps = NAME_AT_START.captures(text)?;
    let m = caps.get(0)?;
    let Some(name) = caps.name("name") else {
        return Some(m.end()); // an @handle
    };
    if !looks_like_name(name.as_str()) {
        return None;
    }
    let after = text[m.end()..].trim_start();
    if let Some(rest) = after
        .strip_prefix("'s")
        .or_else(|| after.strip_prefix("’s"))
    {
        let noun = rest.split_whitespace().next().unwrap_or_default();
        let noun = noun.trim_end_matches(|c: char| !c.is_alphanumeric());
        let noun = noun.to_lowercase();
        return POSSESSED
            .split_whitespace()
            .any(|w| w == noun)
            .then_some(m.end());
    }
    let verb = after
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':'))
        .next()
        .unwrap_or_default()
        .to_lowercase();
    HUMAN_VERBS
        .split_whitespace()
        .any(|w| w == verb)
        .then_some(m.end())
}

/// The lines with what the lint must not read blanked out, character for
/// character, so positions stay those of the text: fenced code blocks,
/// inline code, HTML comments, links and double-quoted text.
fn mask(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut fence: Option<(char, usize)> = None;
    let mut in_comment = false;
    for line in lines {
        // Fences inside list items are indented: any indent opens one.
        let trimmed = line.trim_start();
        let fence_open = ['`', '~'].into_iter().find_map(|c| {
            let n = trimmed.chars().take_while(|x| *x == c).count();
            (n >= 3).then_some((c, n))
        });
        if let Some((c, n)) = fence {
            if fence_open.is_some_and(|(oc, on)| oc == c && on >= n) {
                fence = None;
            }
            out.push(blank(line));
            continue;
        }
        if let Some(f) = fence_open {
            fence = Some(f);
            out.push(blank(line));
            continue;
        }
        out.push(mask_inline(line, &mut in_comment));
    }
    out
}

fn blank(line: &str) -> String {
    " ".repeat(line.chars().count())
}

fn mask_inline(line: &str, in_comment: &mut bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut keep = vec![true; chars.len()];
    let starts = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    let mut i = 0;
    while i < chars.len() {
        if *in_comment {
            if starts(i, "-->") {
                keep[i..i + 3].fill(false);
                i += 3;
                *in_comment = false;
            } else {
                keep[i] = false;
                i += 1;
            }
            continue;
        }
        if starts(i, "<!--") {
            *in_comment = true;
            keep[i..i + 4].fill(false);
            i += 4;
            continue;
        }
        let c = chars[i];
        // Inline code: a run of backticks closed by a run as long.
        if c == '`' {
            let n = chars[i..].iter().take_while(|x| **x == '`').count();
            let close = (i + n..chars.len()).find(|&j| {
                chars[j..].iter().take_while(|x| **x == '`').count() == n
                    && (j == 0 || chars[j - 1] != '`')
            });
            match close {
                Some(j) => {
                    keep[i..j + n].fill(false);
                    i = j + n;
                }
                None => i += n,
            }
            continue;
        }
        // Quoted text, closed on the same line.
        let closing = match c {
            '"' => Some('"'),
            '“' => Some('”'),
            _ => None,
        };
        if let Some(q) = closing {
            if let Some(j) = (i + 1..chars.len()).find(|&j| chars[j] == q) {
                keep[i..=j].fill(false);
                i = j + 1;
                continue;
            }
        }
        // Links: the target of [text](target), and bare URLs.
        if starts(i, "](") {
            if let Some(j) = (i + 2..chars.len()).find(|&j| chars[j] == ')') {
                keep[i + 2..j].fill(false);
                i = j + 1;
                continue;
            }
        }
        if starts(i, "http://") || starts(i, "https://") {
            let j = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || matches!(chars[j], ')' | '>' | ']'))
                .unwrap_or(chars.len());
            keep[i..j].fill(false);
            i = j;
            continue;
        }
        i += 1;
    }
    chars
        .iter()
        .zip(keep)
        .map(|(c, k)| if k { *c } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(text: &str) -> Vec<String> {
        lint(text, &[])
            .iter()
            .map(|h| format!("{}:{} {:?} [{}]", h.line, h.column, h.text, h.phrase))
            .collect()
    }

    #[test]
    fn the_built_in_phrases_compile() {
        for p in PHRASES {
            assert!(compile(p.pattern).is_ok(), "{}", p.phrase);
        }
        assert_eq!(BUILTIN.len(), PHRASES.len());
    }

    #[test]
    fn each_phrase_is_found_with_its_position() {
        assert_eq!(
            hits("It was human error."),
            ["1:8 \"human error\" [human error]"]
        );
        assert_eq!(
            hits("Overall fine.\nThen Dave forgot to renew it."),
            ["2:6 \"Dave forgot to\" [<person> forgot to]"]
        );
        assert_eq!(
            hits("@jsmith forgot to renew"),
            ["1:1 \"@jsmith forgot to\" [<person> forgot to]"]
        );
        assert_eq!(
            hits("He should have checked the date."),
            ["1:1 \"He should have checked\" [<person> should have checked/known]"]
        );
        assert_eq!(
            hits("We should have known."),
            ["1:4 \"should have known\" [should have known]"]
        );
        assert_eq!(
            hits("Priya Patel caused the outage"),
            ["1:1 \"Priya Patel caused the outage\" [<person> caused the outage]"]
        );
        assert_eq!(
            hits("The outage was caused by the on-call engineer"),
            ["1:16 \"caused by the on-call engineer\" [caused by <person>]"]
        );
        assert_eq!(
            hits("It was the fault of the DBA; Sam's fault really"),
            [
                "1:8 \"the fault of\" [the fault of]",
                "1:30 \"Sam's fault\" [the fault of]"
            ]
        );
        assert_eq!(
            hits("Careless. Carelessness! NEGLIGENCE"),
            [
                "1:1 \"Careless\" [careless]",
                "1:11 \"Carelessness\" [careless]",
                "1:25 \"NEGLIGENCE\" [negligence]"
            ]
        );
        assert_eq!(
            hits("The on-call failed to notice the page"),
            ["1:13 \"failed to notice\" [failed to notice]"]
        );
        assert_eq!(
            hits("the operator failed to check the flag"),
            ["1:1 \"the operator failed to check\" [<person> failed to check]"]
        );
        assert_eq!(hits("We will blame the vendor."), ["1:9 \"blame\" [blame]"]);
        // Columns count characters, not bytes.
        assert_eq!(
            hits("Zoë — naïve — José forgot to"),
            ["1:15 \"José forgot to\" [<person> forgot to]"]
        );
    }

    #[test]
    fn code_quotes_links_negations_and_systems_are_left_alone() {
        let text = "Run `git blame src/x.rs` to see it.\n\
            ```\nhuman error\nDave forgot to\n```\n\
            We avoid \"human error\" and “the fault of” in postmortems.\n\
            This was not human error, and nobody is to blame; no one is to blame.\n\
            We don't blame people. It is blameless.\n\
            Found with git blame.\n\
            See https://github.com/acme/x/blame/main/a.rs and [the log](https://x/blame).\n\
            <!-- Dave forgot to -->\n\
            Kafka caused the outage. Monitoring failed to check the queue.\n\
            The team forgot to renew it.\n\
            Caching made a mistake worse.\n\
            The user error rate rose to 5%. We avoid the blame game.\n\
            - Steps:\n      ```\n      Dave forgot to\n      ```\n";
        assert_eq!(hits(text), Vec::<String>::new());
    }

    #[test]
    fn a_rejected_capitalised_word_does_not_hide_a_name_after_it() {
        assert_eq!(
            hits("On Monday Dave forgot to renew it."),
            ["1:11 \"Dave forgot to\" [<person> forgot to]"]
        );
    }

    #[test]
    fn a_person_named_as_the_root_cause() {
        assert_eq!(
            hits("Root cause: @dave pushed a bad config."),
            ["1:13 \"@dave\" [a person named as the root cause]"]
        );
        assert_eq!(
            hits("## Root cause\n\nMaria's change to the pool size.\n"),
            ["3:1 \"Maria\" [a person named as the root cause]"]
        );
        assert_eq!(
            hits("**Root cause:** Tomasz deployed on Friday.\n"),
            ["1:17 \"Tomasz\" [a person named as the root cause]"]
        );
        // Systems, and sentences that start a root cause, are not people.
        let systems = "Root cause: Kafka ran out of disk.\n\
            The root cause was the renewal being manual.\n\
            ## Root cause\nA configuration change reached production untested.\n\
            ## Root causes\n- Misconfiguration of the pool.\n\
            Root cause: Redis failed over.\n";
        assert_eq!(hits(systems), Vec::<String>::new());
    }

    #[test]
    fn hits_carry_a_blameless_rewording() {
        let found = lint("Human error: Dave forgot to renew the certificate.", &[]);
        let pairs: Vec<(&str, &str)> = found
            .iter()
            .map(|h| (h.text.as_str(), h.suggestion.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                (
                    "Human error",
                    "the process allowed a manual step to go unchecked"
                ),
                (
                    "Dave forgot to",
                    "the renewal was not automated and no alert fired"
                ),
            ]
        );
    }

    #[test]
    fn overlapping_phrases_are_reported_once() {
        assert_eq!(
            hits("He should have known better."),
            ["1:1 \"He should have known\" [<person> should have checked/known]"]
        );
    }

    #[test]
    fn a_fleet_adds_phrases_with_its_own_rewording() {
        let extra = [
            BlamingPhrase {
                phrase: "dropped the ball".into(),
                suggestion: None,
            },
            BlamingPhrase {
                phrase: "{person} broke prod".into(),
                suggestion: Some("a change reached production untested".into()),
            },
            BlamingPhrase {
                phrase: "root-caused to (someone)".into(),
                suggestion: None,
            },
            BlamingPhrase {
                phrase: "{person} and {person} argued".into(),
                suggestion: None,
            },
        ];
        let found: Vec<String> = lint(
            "The deploy DROPPED  THE BALL. Sam broke prod. It was root-caused to (someone).\nballs dropped the balls; Ana and @bo argued",
            &extra,
        )
        .iter()
        .map(|h| format!("{}:{} {} => {}", h.line, h.column, h.text, h.suggestion))
        .collect();
        assert_eq!(
            found,
            [
                format!("1:12 DROPPED  THE BALL => {GENERIC_SUGGESTION}"),
                "1:31 Sam broke prod => a change reached production untested".to_string(),
                format!("1:54 root-caused to (someone) => {GENERIC_SUGGESTION}"),
                format!("2:26 Ana and @bo argued => {GENERIC_SUGGESTION}"),
            ]
        );
    }

    #[test]
    fn blameless_samples_are_clean_and_blaming_ones_are_not() {
        let clean = include_str!("testdata/blameless-db-failover.md");
        assert_eq!(hits(clean), Vec::<String>::new());
        let clean = include_str!("testdata/blameless-queue-backlog.md");
        assert_eq!(hits(clean), Vec::<String>::new());
        let blaming = include_str!("testdata/blaming-bad-deploy.md");
        assert_eq!(
            hits(blaming),
            [
                "9:1 \"@jsmith\" [a person named as the root cause]",
                "9:35 \"human error\" [human error]",
                "11:1 \"Jordan forgot to\" [<person> forgot to]",
                "12:26 \"should have known\" [should have known]",
                "13:5 \"careless\" [careless]",
                "16:43 \"failed to notice\" [failed to notice]",
                "19:1 \"Jordan caused the outage\" [<person> caused the outage]",
                "19:34 \"negligence\" [negligence]",
                "21:1 \"The fault of\" [the fault of]",
            ]
        );
    }
}
