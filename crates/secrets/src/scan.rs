//! The scanner: one pass of a literal prefilter over the file, then each
//! rule whose keyword occurred runs its regex on the keyword's line (or a
//! block from it), then the matches are filtered, overlaps resolved, and
//! positions and redactions computed.
//!
//! Keywords are matched ignoring ASCII case. Case-insensitive multi-literal
//! search is slow (no SIMD prefilter applies), so the file is first copied
//! in lower case, and a SIMD searcher (Teddy) looks for the lower-case
//! keywords in the copy, leftmost-first. It only has to find lines: on
//! each line it hits, a second automaton lists every keyword of the line
//! (overlaps included), and the search resumes on the next line.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, packed};
use memchr::memmem;
use regex::bytes::{CaptureLocations, Regex, RegexBuilder};

use crate::file::FileInfo;
use crate::filter;
use crate::redact::{hash, redact};
use crate::rule::{Candidate, Rule, Scope};
use crate::{Match, entropy};

/// Line markers that silence findings on their line.
const ALLOW_MARKERS: &[&[u8]] = &[
    b"relman:allow",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
];
/// The marker that also silences the line below it.
const ALLOW_NEXT: &[u8] = b"relman:allow";

/// Finds secrets in file contents. Build it once ([`Scanner::builtin`])
/// and share it: scanning takes `&self` and is safe from many threads.
pub struct Scanner {
    rules: Vec<&'static Rule>,
    regexes: Vec<Regex>,
    /// Finds the next line holding a keyword (lower-cased text).
    lines: LineFinder,
    /// Lists every keyword of a line (lower-cased text), overlaps included.
    prefilter: AhoCorasick,
    /// For each prefilter pattern, the rules it wakes.
    triggers: Vec<Vec<Trigger>>,
    /// Rules without keywords: they read whole files (of their kind).
    whole_file: Vec<usize>,
    /// The longest keyword, in bytes.
    longest_keyword: usize,
}

/// Finds lines holding a keyword, in the lower-cased text. It searches for
/// *anchors*: the keywords that contain no other keyword (any line with
/// `password` also holds `pass`), in groups of at most 64 so each group
/// gets the SIMD searcher.
struct LineFinder {
    groups: Vec<Group>,
}

enum Group {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

/// Patterns per SIMD searcher: beyond this Teddy slows down sharply.
const GROUP_SIZE: usize = 64;
/// Anchors this long or shorter are searched in their own group(s).
const SHORT: usize = 4;

impl LineFinder {
    fn new(patterns: &[Vec<u8>]) -> Result<LineFinder, aho_corasick::BuildError> {
        let mut anchors: Vec<&Vec<u8>> = patterns
            .iter()
            .filter(|p| {
                !patterns
                    .iter()
                    .any(|q| q.len() < p.len() && memmem::find(p, q).is_some())
            })
            .collect();
        anchors.sort_by_key(|p| (p.len(), p.to_vec()));
        anchors.dedup();
        // Short anchors apart: they fire most, and a group searches with
        // fingerprints as long as its shortest pattern.
        let split = anchors.partition_point(|p| p.len() <= SHORT);
        let (short, long) = anchors.split_at(split);
        let mut groups = Vec::new();
        for chunk in short.chunks(GROUP_SIZE).chain(long.chunks(GROUP_SIZE)) {
            let packed = packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(chunk)
                .build();
            groups.push(match packed {
                Some(s) => Group::Packed(s),
                None => Group::Automaton(
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostFirst)
                        .build(chunk)?,
                ),
            });
        }
        Ok(LineFinder { groups })
    }

    /// The first anchor in `hay[from..]`: `(start, end)`. `next` keeps
    /// each group's last answer (one slot per group), still good while it
    /// lies at or after `from`, so each group reads the text once.
    fn find(&self, hay: &[u8], from: usize, next: &mut [Slot]) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (group, slot) in self.groups.iter().zip(next.iter_mut()) {
            let stale = match *slot {
                Slot::Unsearched => true,
                Slot::At(s, _) => s < from,
                Slot::Exhausted => false,
            };
            if stale {
                *slot = group
                    .find(hay, from)
                    .map_or(Slot::Exhausted, |(s, e)| Slot::At(s, e));
            }
            if let Slot::At(s, e) = *slot
                && best.is_none_or(|b| s < b.0)
            {
                best = Some((s, e));
            }
        }
        best
    }
}

/// A group's last answer in [`LineFinder::find`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    Unsearched,
    At(usize, usize),
    Exhausted,
}

impl Group {
    fn find(&self, hay: &[u8], from: usize) -> Option<(usize, usize)> {
        match self {
            Group::Packed(s) => s
                .find_in(hay, aho_corasick::Span::from(from..hay.len()))
                .map(|m| (m.start(), m.end())),
            Group::Automaton(a) => a
                .find(aho_corasick::Input::new(hay).span(from..hay.len()))
                .map(|m| (m.start(), m.end())),
        }
    }
}

struct Trigger {
    rule: usize,
    keyword: &'static [u8],
    case_sensitive: bool,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner")
            .field(
                "rules",
                &self.rules.iter().map(|r| r.id).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A rule that cannot be built: its regex does not compile, or it has
/// neither keywords nor a file filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.rule, self.message)
    }
}

impl std::error::Error for RuleError {}

/// A match before positions are computed: the secret's byte range, and
/// the offset the finding points at.
#[derive(Debug, Clone, Copy)]
struct Raw {
    rule: usize,
    secret: (usize, usize),
    at: usize,
}

/// Per-thread working memory, reused from file to file.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The file in lower case, for the keyword search.
    lower: Vec<u8>,
    /// The line finder's next match per group.
    next: Vec<Slot>,
    enabled: Vec<bool>,
    last_line: Vec<usize>,
    locs: Vec<Option<CaptureLocations>>,
    raw: Vec<Raw>,
    ranges: Vec<Range<usize>>,
    /// Per rule: the end of the text a block rule or an expansion read.
    done_until: Vec<usize>,
    /// Per block rule: where its `until` literal was last found.
    until: Vec<Until>,
}

/// The last search for a block rule's `until` literal: from `from`, found
/// at `at` (or nowhere to the end). Keeps the searches linear in the file.
#[derive(Default)]
struct Until {
    from: usize,
    at: Option<Option<usize>>,
}

impl Until {
    /// The first `until` at or after `from`.
    fn find(&mut self, buf: &[u8], from: usize, until: &[u8]) -> Option<usize> {
        if let Some(at) = self.at
            && self.from <= from
            && at.is_none_or(|p| p >= from)
        {
            return at;
        }
        let at = memmem::find(&buf[from..], until).map(|i| from + i);
        self.from = from;
        self.at = Some(at);
        at
    }
}

impl Scanner {
    /// A scanner with every built-in rule ([`crate::rules()`]).
    pub fn builtin() -> Scanner {
        Scanner::new(crate::rules::RULES).expect("the built-in rules compile (tested)")
    }

    /// A scanner with these rules, in this order (earlier rules win ties).
    pub fn new(rules: &[&'static Rule]) -> Result<Scanner, RuleError> {
        let mut regexes = Vec::with_capacity(rules.len());
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut triggers: Vec<Vec<Trigger>> = Vec::new();
        let mut whole_file = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let re = RegexBuilder::new(rule.regex)
                .unicode(false)
                .size_limit(1 << 24)
                .build()
                .map_err(|e| RuleError {
                    rule: rule.id,
                    message: e.to_string(),
                })?;
            regexes.push(re);
            if rule.keywords.is_empty() {
                if rule.applies.is_none() {
                    return Err(RuleError {
                        rule: rule.id,
                        message: "a rule without keywords must name the files it reads".into(),
                    });
                }
                whole_file.push(i);
            }
            for kw in rule.keywords {
                let lower = kw.to_ascii_lowercase().into_bytes();
                let pid = match patterns.iter().position(|p| *p == lower) {
                    Some(pid) => pid,
                    None => {
                        patterns.push(lower);
                        triggers.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                triggers[pid].push(Trigger {
                    rule: i,
                    keyword: kw.as_bytes(),
                    case_sensitive: rule.case_sensitive,
                });
            }
        }
        let err = |e: aho_corasick::BuildError| RuleError {
            rule: "(prefilter)",
            message: e.to_string(),
        };
        let lines = LineFinder::new(&patterns).map_err(err)?;
        let prefilter = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(err)?;
        let longest_keyword = patterns.iter().map(Vec::len).max().unwrap_or(0);
        Ok(Scanner {
            rules: rules.to_vec(),
            regexes,
            lines,
            prefilter,
            triggers,
            whole_file,
            longest_keyword,
        })
    }

    /// The rules this scanner runs.
    pub fn rules(&self) -> &[&'static Rule] {
        &self.rules
    }

    /// Every secret in `bytes`, read as the file at `path` (the path tells
    /// lockfiles, public keys, program source and named credential files
    /// apart), in line then column order. Contents need not be UTF-8.
    pub fn scan(&self, path: &str, bytes: &[u8]) -> Vec<Match> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.scan_into(&mut scratch, path, bytes, &mut out);
        out
    }

    pub(crate) fn scan_into(
        &self,
        scratch: &mut Scratch,
        path: &str,
        buf: &[u8],
        out: &mut Vec<Match>,
    ) {
        let file = FileInfo::new(path);
        let n = self.rules.len();
        scratch.enabled.clear();
        scratch.enabled.extend(
            self.rules
                .iter()
                .map(|r| r.applies.is_none_or(|f| f(&file))),
        );
        scratch.last_line.clear();
        scratch.last_line.resize(n, usize::MAX);
        scratch.done_until.clear();
        scratch.done_until.resize(n, 0);
        scratch.until.clear();
        scratch.until.resize_with(n, Until::default);
        scratch.locs.resize_with(n, || None);
        scratch.raw.clear();

        for &ri in &self.whole_file {
            if scratch.enabled[ri] {
                self.run(ri, &file, buf, 0..buf.len(), scratch);
            }
        }

        let mut lower = std::mem::take(&mut scratch.lower);
        lower.clear();
        lower.extend_from_slice(buf);
        lower.make_ascii_lowercase();
        let mut next = std::mem::take(&mut scratch.next);
        next.clear();
        next.resize(self.lines.groups.len(), Slot::Unsearched);
        let mut from = 0;
        while from < buf.len() {
            let Some((s, e)) = self.lines.find(&lower, from, &mut next) else {
                break;
            };
            let ls = memchr::memrchr(b'\n', &buf[..s]).map_or(0, |i| i + 1);
            let le = memchr::memchr(b'\n', &buf[e..]).map_or(buf.len(), |i| e + i);
            // No anchor lies between the line's start and `s`, so no
            // keyword starts more than a keyword's length before it.
            let keywords_from = ls.max(s.saturating_sub(self.longest_keyword));
            for m in self
                .prefilter
                .find_overlapping_iter(&lower[keywords_from..le])
            {
                let (s, e) = (keywords_from + m.start(), keywords_from + m.end());
                for t in &self.triggers[m.pattern().as_usize()] {
                    if !scratch.enabled[t.rule]
                        || scratch.last_line[t.rule] == ls
                        || (t.case_sensitive && &buf[s..e] != t.keyword)
                    {
                        continue;
                    }
                    scratch.last_line[t.rule] = ls;
                    if ls < scratch.done_until[t.rule] {
                        // Inside text this rule already read to its end.
                        continue;
                    }
                    let rule = self.rules[t.rule];
                    let window = match rule.scope {
                        Scope::Line => ls..le,
                        Scope::Block { max, until } => {
                            let Some(stop) = scratch.until[t.rule].find(buf, ls, until) else {
                                continue;
                            };
                            if stop.saturating_sub(ls) > max {
                                continue;
                            }
                            let line_end =
                                memchr::memchr(b'\n', &buf[stop..]).map_or(buf.len(), |i| stop + i);
                            ls..line_end
                        }
                    };
                    if rule
                        .requires
                        .is_some_and(|r| memmem::find(&buf[window.clone()], r).is_none())
                    {
                        continue;
                    }
                    let end = self.run(t.rule, &file, buf, window.clone(), scratch);
                    if matches!(rule.scope, Scope::Block { .. }) || rule.expand.is_some() {
                        // A block's regex found every match up to its end,
                        // and an expansion read its text: keywords there
                        // can only find the same again.
                        scratch.done_until[t.rule] = end.max(window.end);
                    }
                }
            }
            from = le + 1;
        }
        scratch.next = next;
        scratch.lower = lower;
        if scratch.raw.is_empty() {
            return;
        }
        self.finish(buf, scratch, out);
    }

    /// Runs rule `ri` over `buf[window]`, keeping what passes its filters;
    /// returns the end of the text read (past the window for expansions).
    fn run(
        &self,
        ri: usize,
        file: &FileInfo<'_>,
        buf: &[u8],
        window: Range<usize>,
        scratch: &mut Scratch,
    ) -> usize {
        let rule = self.rules[ri];
        let re = &self.regexes[ri];
        let hay = &buf[window.clone()];
        let Scratch {
            locs, raw, ranges, ..
        } = scratch;
        let locs = locs[ri].get_or_insert_with(|| re.capture_locations());
        let mut read_to = window.end;
        let mut from = 0;
        while from <= hay.len() {
            let Some(mut m) = re.find_at(hay, from) else {
                break;
            };
            if rule.screen.is_some_and(|screen| !screen(m.as_bytes())) {
                from = if m.end() > m.start() {
                    m.end()
                } else {
                    m.end() + 1
                };
                continue;
            }
            // The groups, from where the match starts (the same match).
            match re.captures_read_at(locs, hay, m.start()) {
                Some(c) => m = c,
                None => break,
            }
            from = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            let Some((gs, ge)) = rule.secret_group.iter().find_map(|&g| locs.get(g)) else {
                continue;
            };
            let (gs, ge, quoted) = unquote(hay, gs, ge);
            let (gs, ge) = trim(hay, gs, ge);
            let secret = &hay[gs..ge];
            // The rule's own check first: for the keyword rules it looks at
            // the key's name, which rules most matches out cheaply.
            if let Some(check) = rule.check {
                let candidate = Candidate {
                    file,
                    hay,
                    locs,
                    secret,
                    quoted,
                };
                if !check(&candidate) {
                    continue;
                }
            }
            if filter::not_a_secret(secret)
                || rule
                    .min_entropy
                    .is_some_and(|min| entropy::shannon(secret) < min)
            {
                continue;
            }
            if let Some(expand) = rule.expand {
                ranges.clear();
                let abs = window.start + m.start()..window.start + m.end();
                read_to = read_to.max(expand(buf, abs, ranges));
                for r in ranges.iter() {
                    let (s, e, _) = unquote(buf, r.start, r.end);
                    let (s, e) = trim(buf, s, e);
                    if !filter::not_a_secret(&buf[s..e]) {
                        raw.push(Raw {
                            rule: ri,
                            secret: (s, e),
                            at: s,
                        });
                    }
                }
                continue;
            }
            let at = match rule.scope {
                Scope::Block { .. } => window.start + m.start(),
                Scope::Line => window.start + gs,
            };
            raw.push(Raw {
                rule: ri,
                secret: (window.start + gs, window.start + ge),
                at,
            });
        }
        read_to
    }

    /// Resolves overlaps, drops allowed lines, and turns the raw matches
    /// into [`Match`]es in line order.
    fn finish(&self, buf: &[u8], scratch: &mut Scratch, out: &mut Vec<Match>) {
        let raw = &mut scratch.raw;
        // Most specific class first, then rule order, then position.
        raw.sort_by_key(|r| {
            (
                std::cmp::Reverse(self.rules[r.rule].class),
                r.rule,
                r.secret.0,
            )
        });
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        raw.retain(|r| {
            let (s, e) = r.secret;
            let overlaps = taken
                .range(..e.max(s + 1))
                .next_back()
                .is_some_and(|(&ts, &te)| te > s || ts == s);
            if !overlaps {
                taken.insert(s, e);
            }
            !overlaps
        });
        raw.sort_by_key(|r| (r.at, r.rule));

        let mut pos = 0;
        let mut line_no: u32 = 1;
        let base = out.len();
        for r in raw.iter() {
            line_no = line_no.saturating_add(
                u32::try_from(memchr::memchr_iter(b'\n', &buf[pos..r.at]).count())
                    .unwrap_or(u32::MAX),
            );
            pos = r.at;
            let ls = memchr::memrchr(b'\n', &buf[..r.at]).map_or(0, |i| i + 1);
            let le = memchr::memchr(b'\n', &buf[r.at..]).map_or(buf.len(), |i| r.at + i);
            if allowed(buf, ls, le) {
                continue;
            }
            let secret = &buf[r.secret.0..r.secret.1];
            let rule = self.rules[r.rule];
            out.push(Match {
                rule: rule.id,
                description: rule.description,
                line: line_no,
                column: u32::try_from(r.at - ls + 1).unwrap_or(u32::MAX),
                redacted: redact(secret),
                hash: hash(secret),
            });
        }
        out[base..].sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));
    }
}

/// Whether the line `buf[ls..le]` carries an allow marker, or the line
/// above it `relman:allow`.
fn allowed(buf: &[u8], ls: usize, le: usize) -> bool {
    let line = &buf[ls..le];
    if ALLOW_MARKERS
        .iter()
        .any(|m| memmem::find(line, m).is_some())
    {
        return true;
    }
    if ls == 0 {
        return false;
    }
    let prev_end = ls - 1;
    let prev_start = memchr::memrchr(b'\n', &buf[..prev_end]).map_or(0, |i| i + 1);
    memmem::find(&buf[prev_start..prev_end], ALLOW_NEXT).is_some()
}

/// Drops one pair of matching quotes around `hay[s..e]`.
fn unquote(hay: &[u8], s: usize, e: usize) -> (usize, usize, bool) {
    if e >= s + 2 {
        let (a, b) = (hay[s], hay[e - 1]);
        if a == b && matches!(a, b'"' | b'\'' | b'`') {
            return (s + 1, e - 1, true);
        }
    }
    (s, e, false)
}

/// Drops ASCII whitespace around `hay[s..e]`.
fn trim(hay: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && hay[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && hay[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    (s, e)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::Strategy;

    use super::*;

    fn scan(path: &str, text: &str) -> Vec<Match> {
        crate::test_scanner().scan(path, text.as_bytes())
    }

    fn rules_found(path: &str, text: &str) -> Vec<&'static str> {
        scan(path, text).iter().map(|m| m.rule).collect()
    }

    // A made-up token of a provider's shape, assembled so this file holds
    // no token-shaped literal.
    fn github_token() -> String {
        format!("ghp_{}", "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d")
    }

    #[test]
    fn positions_are_one_based_and_columns_count_bytes() {
        let text = format!("# é\nx = 1\n  token: {}\n", github_token());
        let found = scan("ci.yaml", &text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (3, 10));
        let text = format!("é: {}", github_token());
        assert_eq!(scan("x.txt", &text)[0].column, 5);
    }

    #[test]
    fn documentation_examples_are_not_secrets() {
        for text in [
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "api_key: your_api_key_here",
            "password: <password>",
            "token: sample-token-Zq9xT4mW2pL7Hq7Zk2Lm",
            "DB_PASSWORD=changeme",
            "secret_key = 'dummy-secret-key-k2Jx9qLm7Zq9xT4mW2'",
            "password = \"xxxxxxxx\"",
        ] {
            assert_eq!(rules_found("app.env", text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for text in [
            "password: ${DB_PASSWORD}",
            "password=$DB_PASSWORD",
            "password: {{ .Values.db.password }}",
            "token: \"{{ vault_token }}\"",
            "password = %(db_password)s",
            "password: <%= ENV['DB_PASSWORD'] %>",
            "api_key: '#{api_key}'",
            "url: postgres://app:${DB_PASSWORD}@db/app",
            "password: '%s'",
        ] {
            assert_eq!(rules_found("app.yaml", text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn references_are_not_secrets() {
        for (path, text) in [
            ("app.py", "password = os.environ['DB_PASSWORD']"),
            ("app.py", "token = os.getenv('API_TOKEN')"),
            ("app.js", "const apiKey = process.env.API_KEY;"),
            ("app.rb", "password = ENV['DB_PASSWORD']"),
            (
                "deploy.yaml",
                "        valueFrom:\n          secretKeyRef:\n            name: db\n            key: password",
            ),
            ("values.yaml", "password: vault:secret/data/db#password"),
            (
                "task.json",
                "\"secret\": \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf\"",
            ),
            ("app.env", "DB_PASSWORD=DB_PASSWORD_FROM_VAULT"),
        ] {
            assert_eq!(
                rules_found(path, text),
                Vec::<&str>::new(),
                "{path}: {text}"
            );
        }
    }

    #[test]
    fn lockfile_hashes_and_digests_are_not_secrets() {
        for (path, text) in [
            (
                "package-lock.json",
                "      \"integrity\": \"sha512-6/mh1E2u2YgEsCHdY0Yx5oW+61gZU+1vXaoiHHrpKeuRNNgFvS+/jrwHiQhB5apAf5oB7UB7E19ol2R2LKH8hQ==\",",
            ),
            (
                "Cargo.lock",
                "checksum = \"b3bd2d7e5f4e2ac3c6a2d1b5c8a9e0f7d6c5b4a3928170f6e5d4c3b2a1908f7e\"",
            ),
            (
                "poetry.lock",
                "    {file = \"x.whl\", hash = \"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"},",
            ),
            (
                "yarn.lock",
                "  integrity sha1-6vEBJWpXv7jTVBY4NrZkP8xbJ0o= token Zq9xT4mW2pL7Hq7Zk2Lm9Xw4",
            ),
            (
                "go.sum",
                "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=",
            ),
            (
                "image.yaml",
                "digest: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            ),
            (
                "deps.txt",
                "commit_sha = 5b0e8a7e1c2f4d3b9a6c8e7f1d2c3b4a5e6f7d8c",
            ),
        ] {
            assert_eq!(rules_found(path, text), Vec::<&str>::new(), "{path}");
        }
    }

    #[test]
    fn public_keys_and_certificates_are_not_secrets() {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ada@host";
        assert!(scan("id_ed25519.pub", key).is_empty());
        assert!(scan("keys.yaml", &format!("deploy_key: {key}")).is_empty());
        assert!(scan("authorized_keys", &format!("{key}\n{key}")).is_empty());
        let cert = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n";
        assert!(scan("ca.pem", cert).is_empty());
        let public = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n";
        assert!(scan("key.pem", public).is_empty());
    }

    #[test]
    fn allow_comments_silence_a_line() {
        let token = github_token();
        for text in [
            format!("token: {token} # relman:allow"),
            format!("token: {token} # gitleaks:allow"),
            format!("token: {token}  # pragma: allowlist secret"),
            format!("# relman:allow\ntoken: {token}"),
        ] {
            assert_eq!(rules_found("ci.yaml", &text), Vec::<&str>::new(), "{text}");
        }
        // Only the line below, and only relman's own marker.
        let text = format!("# relman:allow\n\ntoken: {token}");
        assert_eq!(rules_found("ci.yaml", &text), ["github-token"]);
        let text = format!("# gitleaks:allow\ntoken: {token}");
        assert_eq!(rules_found("ci.yaml", &text), ["github-token"]);
    }

    #[test]
    fn the_specific_rule_wins_an_overlap() {
        let text = format!("GITHUB_TOKEN={}", github_token());
        assert_eq!(rules_found("app.env", &text), ["github-token"]);
        let text = format!(
            "password = pypi-AgEIcHlwaS5vcmc{}",
            "NNAL5wIScGebcy8F5n3-YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalH"
        );
        assert_eq!(rules_found(".pypirc", &text), ["pypi-token"]);
        // Two secrets on one line are both reported.
        let text = format!(
            "a={} b={}",
            github_token(),
            format_args!(
                "xoxb-{}",
                "852808414852-5388853933633-HFwUbbYrEqmSM9wCZ7Uw9xfo"
            )
        );
        assert_eq!(
            rules_found("app.env", &text),
            ["github-token", "slack-token"]
        );
    }

    #[test]
    fn findings_never_hold_the_secret() {
        let token = github_token();
        let text = format!(
            "token: {token}\npassword: Zq9!xT4mW2pL\nurl: postgres://app:Qm7xP2k9Lw@db/app\n" // relman:allow
        );
        let found = scan("app.yaml", &text);
        assert_eq!(found.len(), 3, "{found:?}");
        let shown = format!("{found:?} {:?}", crate::test_scanner());
        for secret in [token.as_str(), "Zq9!xT4mW2pL", "Qm7xP2k9Lw"] {
            assert!(!shown.contains(secret), "{shown}");
            // Not even half of it.
            assert!(!shown.contains(&secret[..secret.len() / 2]), "{shown}");
        }
        assert_eq!(found[0].redacted, "ghp_…8d");
        assert_eq!(found[1].redacted, "Zq9…");
    }

    #[test]
    fn the_same_secret_has_the_same_hash_everywhere() {
        let token = github_token();
        let a = scan("a.env", &format!("GITHUB_TOKEN={token}"));
        let b = scan("b/c.yaml", &format!("x:\n  token: \"{token}\""));
        assert_eq!(a[0].hash, b[0].hash);
        assert_eq!(a[0].hash, crate::redact::hash(token.as_bytes()));
        let other = scan(
            "a.env",
            &format!("GITHUB_TOKEN={}", token.replace('u', "v")),
        );
        assert_ne!(a[0].hash, other[0].hash);
    }

    #[test]
    fn non_utf8_text_is_scanned() {
        let mut text = b"caf\xe9 \xff\xfe\n".to_vec();
        text.extend_from_slice(github_token().as_bytes());
        text.extend_from_slice(b"\n\xc3\x28 password = \"Zq9\xe9xT4mW\"\n");
        let found = crate::test_scanner().scan("latin1.txt", &text);
        let at: Vec<_> = found.iter().map(|m| (m.rule, m.line)).collect();
        assert_eq!(at, [("github-token", 2), ("password-assignment", 3)]);
        assert_eq!(found[1].redacted, "Zq…");
    }

    #[test]
    fn crlf_line_endings() {
        let text = format!(
            "a: 1\r\ntoken: {}\r\npassword: Zq9!xT4mW2pL\r\n",
            github_token()
        );
        let found = scan("app.yaml", &text);
        let at: Vec<_> = found.iter().map(|m| (m.rule, m.line, m.column)).collect();
        assert_eq!(at, [("github-token", 2, 8), ("password-assignment", 3, 11)]);
        assert_eq!(found[1].hash, crate::redact::hash(b"Zq9!xT4mW2pL"));
    }

    #[test]
    fn empty_and_binary_looking_input_does_not_panic() {
        let scanner = crate::test_scanner();
        assert!(scanner.scan("", b"").is_empty());
        assert!(scanner.scan("x", b"\n\n\n").is_empty());
        let noise: Vec<u8> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let _ = scanner.scan("noise.bin", &noise);
        let _ = scanner.scan("x", b"password=");
        let _ = scanner.scan("x", b"-----BEGIN RSA PRIVATE KEY-----");
        let _ = scanner.scan("k.yaml", b"kind: Secret\ndata:\n  a: |\n");
    }

    proptest::proptest! {
        /// Any bytes, including keyword-rich ones: no panic, positions on
        /// real lines, and a redaction that never shows more than a
        /// quarter of anything.
        #[test]
        fn any_input_is_scanned_safely(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[ -~]{0,12}").expect("valid").prop_map(String::into_bytes),
                    proptest::sample::select(vec![
                        &b"password = \""[..], b"token: ", b"\n", b"-----BEGIN RSA PRIVATE KEY-----\n",
                        b"-----END RSA PRIVATE KEY-----", b"kind: Secret\ndata:\n  a: ", b"postgres://u:",
                        b"@h/", b"ghp_", b"\xff\xfe", b"\r\n", b"  ", b"AKIA", b"${", b"}", b"<Pass>", b"</Pass>",
                    ]).prop_map(<[u8]>::to_vec),
                ],
                0..60,
            ),
            path in proptest::sample::select(vec!["a.py", "values.yaml", ".env", "Cargo.lock", "x.pub", ".pgpass"]),
        ) {
            let text = parts.concat();
            let lines = text.split(|&b| b == b'\n').count() as u32;
            for m in crate::test_scanner().scan(path, &text) {
                proptest::prop_assert!(m.line >= 1 && m.line <= lines);
                proptest::prop_assert!(m.column >= 1);
                proptest::prop_assert!(m.redacted.chars().count() <= 7);
                proptest::prop_assert!(m.hash.starts_with("sha256:") && m.hash.len() == 23);
            }
        }
    }

    /// Keywords repeated thousands of times in one file: each block rule
    /// and each Secret document is read once, not once per keyword (which
    /// would take minutes here).
    #[test]
    fn repeated_keywords_are_read_once() {
        let scanner = crate::test_scanner();
        let begin = "-----BEGIN RSA PRIVATE KEY-----\n".repeat(20_000);
        assert!(scanner.scan("keys.pem", begin.as_bytes()).is_empty());
        let body = "MIIEogIBAAKCAQEAt1x8Rz0ZK2lW9mH4bQy6cJf3vN8aPq0sTd5uVw7XyZ1A2B3C\n";
        let text = format!(
            "{begin}-----BEGIN RSA PRIVATE KEY-----\n{body}{body}-----END RSA PRIVATE KEY-----\n"
        );
        let found = scanner.scan("keys.pem", text.as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].rule, found[0].line), ("private-key", 20_001));
        let putty = "PuTTY-User-Key-File-2: ssh-rsa\n".repeat(20_000);
        assert!(scanner.scan("k.ppk", putty.as_bytes()).is_empty());
        let kinds = format!(
            "data:\n  a: {}\n{}",
            "SW9BTHRMaW54TjFFa2lhN1pwVGo=",
            "kind: Secret\n".repeat(20_000)
        );
        assert_eq!(scanner.scan("s.yaml", kinds.as_bytes()).len(), 1);
    }

    #[test]
    fn a_bad_rule_is_an_error_naming_it() {
        static BAD: Rule = Rule {
            id: "bad",
            description: "bad",
            keywords: &["x"],
            regex: "(",
            ..Rule::BASE
        };
        let err = Scanner::new(&[&BAD]).expect_err("unbalanced group");
        assert_eq!(err.rule, "bad");
        static NO_KEYWORDS: Rule = Rule {
            id: "everywhere",
            description: "x",
            regex: "x",
            ..Rule::BASE
        };
        assert_eq!(
            Scanner::new(&[&NO_KEYWORDS]).expect_err("no keywords").rule,
            "everywhere"
        );
    }
}
