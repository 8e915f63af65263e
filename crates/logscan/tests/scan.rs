//! Reading files and streams end to end: gzip, damaged and binary input,
//! very long lines, bounded memory, merging, parallel scans.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use relman_logscan::{
    FlagKind, Format, IssueKind, MAX_DISTINCT, MAX_ISSUES, MAX_KEYS_PER_SET, Options, Scan,
    expand_globs, scan_path, scan_paths, scan_reader,
};

fn json_line(i: usize) -> String {
    format!(
        r#"{{"ts":"2026-10-03T10:12:{:02}Z","level":"info","msg":"request {i} served","service":"api"}}"#,
        i % 60
    )
}

fn lines(n: usize) -> String {
    (0..n).map(|i| json_line(i) + "\n").collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).expect("compress");
    enc.finish().expect("compress")
}

fn kinds(scan: &Scan) -> Vec<IssueKind> {
    scan.issues.iter().map(|i| i.kind).collect()
}

#[test]
fn plain_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.log");
    fs::write(&path, lines(100)).expect("write");
    let scan = scan_path(&path, &Options::default());
    assert_eq!(scan.lines, 100);
    assert_eq!(scan.formats.json, 100);
    assert_eq!(scan.bytes, fs::metadata(&path).expect("meta").len());
    assert_eq!(scan.service_ratio(), Some(1.0));
    assert!(scan.complete);
    assert!(scan.issues.is_empty());
    assert_eq!(scan.source, path.display().to_string());
}

#[test]
fn gzip_is_told_by_its_magic_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = lines(1000);
    // No .gz in the name: the content decides.
    let path = dir.path().join("app.log.1");
    fs::write(&path, gzip(data.as_bytes())).expect("write");
    let scan = scan_path(&path, &Options::default());
    assert_eq!(scan.lines, 1000);
    assert_eq!(scan.bytes, data.len() as u64);
    assert_eq!(scan.formats.json, 1000);
    assert!(scan.complete, "{:?}", scan.issues);
}

#[test]
fn gzip_with_several_members() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = gzip(lines(10).as_bytes());
    data.extend(gzip(b"2026-10-03T10:12:00Z INFO second member\n"));
    data.extend(gzip(lines(5).as_bytes()));
    let path = dir.path().join("rotated.gz");
    fs::write(&path, data).expect("write");
    let scan = scan_path(&path, &Options::default());
    assert_eq!(scan.lines, 16);
    assert_eq!(scan.formats.json, 15);
    assert_eq!(scan.formats.plain, 1);
    assert!(scan.complete);
}

#[test]
fn truncated_gzip_reports_the_last_good_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = lines(20_000);
    let gz = gzip(data.as_bytes());
    let path = dir.path().join("cut.gz");
    fs::write(&path, &gz[..gz.len() / 2]).expect("write");
    let scan = scan_path(&path, &Options::default());
    assert!(!scan.complete);
    assert_eq!(kinds(&scan), [IssueKind::Truncated]);
    let issue = &scan.issues[0];
    assert!(scan.lines > 0 && scan.lines < 20_000, "{}", scan.lines);
    assert_eq!(issue.line, scan.lines);
    assert!(
        issue
            .message
            .contains(&format!("after line {}", scan.lines)),
        "{}",
        issue.message
    );
    // What was read before the cut is kept.
    assert_eq!(scan.formats.json, scan.lines);
}

#[test]
fn gzip_on_standard_input() {
    let data = gzip(lines(50).as_bytes());
    let scan = scan_reader(&data[..], "-", &Options::default());
    assert_eq!(scan.lines, 50);
    assert_eq!(scan.source, "-");
}

#[test]
fn binary_file_stops_with_an_issue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..200_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        data.push((x >> 16) as u8);
    }
    let path = dir.path().join("core.dump");
    fs::write(&path, &data).expect("write");
    let scan = scan_path(&path, &Options::default());
    assert!(!scan.complete);
    assert_eq!(
        kinds(&scan).last(),
        Some(&IssueKind::Binary),
        "{:?}",
        scan.issues
    );
    assert!(scan.issues.len() <= 10, "{:?}", scan.issues);
    assert!(scan.bytes < data.len() as u64, "stopped early");
}

#[test]
fn a_few_nul_lines_are_skipped_not_fatal() {
    let text = format!("{}bad\0line\n{}", json_line(1) + "\n", json_line(2) + "\n");
    let scan = scan_reader(text.as_bytes(), "t", &Options::default());
    assert_eq!(scan.lines, 3);
    assert_eq!(scan.nul_lines, 1);
    assert_eq!(scan.formats.json, 2);
    assert_eq!(kinds(&scan), [IssueKind::NulBytes]);
    assert_eq!(scan.issues[0].line, 2);
    assert!(scan.complete);
}

#[test]
fn endless_binary_line_stops() {
    // A device-like input: NUL bytes and no newline at all.
    let zeros = std::io::repeat(0).take(64 * 1024 * 1024);
    let scan = scan_reader(BufReader::new(zeros), "/dev/zero", &Options::default());
    assert!(!scan.complete);
    assert!(kinds(&scan).contains(&IssueKind::Binary));
    assert!(scan.bytes <= 2 * 1024 * 1024, "{}", scan.bytes);
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut data = (json_line(1) + "\n").into_bytes();
    data.extend(b"2026-10-03T10:12:00Z ERROR caf\xe9 closed\n");
    data.extend((json_line(3) + "\n").as_bytes());
    let scan = scan_reader(&data[..], "t", &Options::default());
    assert_eq!(scan.lines, 3);
    assert_eq!(scan.invalid_utf8_lines, 1);
    assert_eq!(kinds(&scan), [IssueKind::InvalidUtf8]);
    assert_eq!(scan.issues[0].line, 2);
    assert_eq!(scan.formats.json, 2);
    assert_eq!(scan.formats.plain, 1, "read with replacement characters");
    assert_eq!(scan.levels.by_severity.error, 1);
}

#[test]
fn a_five_megabyte_line_is_skipped_without_holding_it() {
    let mut data = (json_line(1) + "\n").into_bytes();
    data.extend(std::iter::repeat_n(b'x', 5 * 1024 * 1024));
    data.push(b'\n');
    data.extend((json_line(3) + "\n").as_bytes());
    for capacity in [8 * 1024, 256 * 1024, 8 * 1024 * 1024] {
        let reader = BufReader::with_capacity(capacity, &data[..]);
        let scan = scan_reader(reader, "t", &Options::default());
        assert_eq!(scan.lines, 3, "capacity {capacity}");
        assert_eq!(scan.too_long_lines, 1);
        assert_eq!(scan.formats.json, 2, "the line after it is read");
        assert_eq!(kinds(&scan), [IssueKind::TooLong]);
        assert_eq!(scan.issues[0].line, 2);
        assert!(scan.issues[0].message.contains("longer than 1048576 bytes"));
        assert!(scan.complete);
    }
}

#[test]
fn line_limit_is_exact_and_ignores_crlf() {
    let opts = Options {
        max_line_bytes: 10,
        ..Options::default()
    };
    let scan = scan_reader(
        &b"0123456789\r\n0123456789a\nabc\n0123456789"[..],
        "t",
        &opts,
    );
    assert_eq!(scan.lines, 4);
    assert_eq!(scan.too_long_lines, 1);
    assert_eq!(scan.issues[0].line, 2);
    assert_eq!(scan.formats.plain, 3);
}

#[test]
fn unreadable_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = scan_path(&dir.path().join("nope.log"), &Options::default());
    assert_eq!(kinds(&missing), [IssueKind::Unreadable]);
    assert_eq!(missing.issues[0].line, 0);
    assert!(missing.issues[0].message.contains("nope.log"));
    assert!(!missing.complete);
    assert_eq!(missing.lines, 0);
    assert_eq!(missing.structured_ratio(), None);

    let directory = scan_path(dir.path(), &Options::default());
    assert_eq!(kinds(&directory), [IssueKind::Unreadable]);
    assert!(directory.issues[0].message.contains("is a directory"));
}

#[test]
fn empty_input() {
    let scan = scan_reader(&b""[..], "empty", &Options::default());
    assert_eq!(scan.lines, 0);
    assert!(scan.complete);
    assert_eq!(scan.flagged_ratio(), None);
    let scan = scan_reader(&b"\n\n  \n"[..], "blank", &Options::default());
    assert_eq!(scan.lines, 3);
    assert_eq!(scan.blank_lines, 3);
    assert_eq!(scan.analysed_lines(), 0);
}

#[test]
fn a_growing_file_is_read_to_its_size_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("growing.log");
    fs::write(&path, lines(1000)).expect("write");
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut f = fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .expect("open for append");
            let line = json_line(7) + "\n";
            let mut written = 0u64;
            while !stop.load(Ordering::Relaxed) && written < 200_000_000 {
                f.write_all(line.as_bytes()).expect("append");
                written += line.len() as u64;
            }
        })
    };
    let scan = scan_path(&path, &Options::default());
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
    assert!(scan.lines >= 1000);
    assert!(scan.complete);
}

/// Generates `limit` bytes of varied log lines, one line at a time,
/// storing none of them beyond the current one.
struct Generator {
    line: Vec<u8>,
    pos: usize,
    produced: u64,
    limit: u64,
    n: u64,
}

impl Generator {
    fn new(limit: u64) -> Self {
        Generator {
            line: Vec::new(),
            pos: 0,
            produced: 0,
            limit,
            n: 0,
        }
    }

    fn next_line(&mut self) {
        self.n += 1;
        let n = self.n;
        let x = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
        self.line.clear();
        let line = match n % 6 {
            // A different key set, level spelling and service on every line.
            0 => format!(
                r#"{{"ts":"2026-10-03T10:12:00Z","level":"lvl{x}","msg":"error","service":"svc-{x}","k{x}":1,"extra_{}":2}}"#,
                x % 1000
            ),
            1 => format!("level=info msg=\"m {n}\" svc=s{x} key{x}=v"),
            2 => format!("2026-10-03T10:12:00Z ERROR [p{x}] something went wrong"),
            3 => format!(r#"{{"level":"error","msg":"NullPointerException","app":"a{x}"}}"#),
            4 => format!(
                "{{{}}}",
                (0..100)
                    .map(|i| format!(r#""key{i}_{x}":{i}"#))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            _ => format!("{}", x),
        };
        self.line.extend_from_slice(line.as_bytes());
        self.line.push(b'\n');
        self.pos = 0;
    }
}

impl Read for Generator {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Generator {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos == self.line.len() {
            if self.produced >= self.limit {
                return Ok(&[]);
            }
            self.next_line();
        }
        Ok(&self.line[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
        self.produced += amt as u64;
    }
}

fn assert_bounded(scan: &Scan, opts: &Options) {
    assert!(scan.key_sets.sets.len() <= MAX_DISTINCT);
    assert!(
        scan.key_sets
            .sets
            .iter()
            .all(|s| s.keys.len() <= MAX_KEYS_PER_SET)
    );
    assert!(scan.levels.spellings.len() <= MAX_DISTINCT);
    assert!(scan.service.values.entries.len() <= MAX_DISTINCT);
    assert!(scan.service.prefixes.entries.len() <= MAX_DISTINCT);
    for f in relman_logscan::Field::ALL {
        assert!(scan.fields.get(f).keys.entries.len() <= MAX_DISTINCT);
    }
    for k in FlagKind::ALL {
        let ex = &scan.flags.get(k).examples;
        assert!(ex.len() <= opts.max_examples);
        assert!(
            ex.iter()
                .all(|e| e.excerpt.chars().count() <= 161 && e.message.chars().count() <= 161)
        );
    }
    assert!(scan.issues.len() <= MAX_ISSUES);
}

#[test]
fn memory_stays_bounded_on_a_50_megabyte_stream() {
    let opts = Options::default();
    let limit = 50 * 1024 * 1024;
    let scan = scan_reader(Generator::new(limit), "generated", &opts);
    assert!(scan.bytes >= limit);
    assert!(scan.lines > 100_000, "{}", scan.lines);
    assert_bounded(&scan, &opts);
    // The caps were reached: later values went to `other`.
    assert_eq!(scan.key_sets.sets.len(), MAX_DISTINCT);
    assert!(scan.key_sets.other > 0);
    assert!(scan.key_sets.sets.iter().any(|s| s.truncated));
    assert_eq!(scan.levels.spellings.len(), MAX_DISTINCT);
    assert!(scan.levels.other > 0);
    assert!(scan.service.values.other > 0);
    assert!(scan.service.prefixes.other > 0);
    assert!(scan.flags.get(FlagKind::OnlyException).count > 10_000);
    assert!(scan.flags.get(FlagKind::BareValue).count > 10_000);
    // Serialised, the scan stays small whatever the input's size.
    let json = serde_json::to_string(&scan).expect("serialises");
    assert!(json.len() < 256 * 1024, "{} bytes", json.len());
}

#[test]
fn many_issues_are_capped() {
    let mut data = Vec::new();
    for _ in 0..500 {
        data.extend(b"ok \xff line\nfine line\n");
    }
    let scan = scan_reader(&data[..], "t", &Options::default());
    assert_eq!(scan.invalid_utf8_lines, 500);
    assert_eq!(scan.issues.len(), MAX_ISSUES);
    assert_eq!(scan.issues_other, 500 - MAX_ISSUES as u64);
    assert!(scan.complete, "half the lines are text: not binary");
}

#[test]
fn merge_folds_files_of_one_service() {
    let opts = Options {
        max_examples: 2,
        ..Options::default()
    };
    let a = scan_reader(
        "{\"level\":\"error\",\"msg\":\"error\",\"service\":\"api\"}\nlevel=info msg=\"started\" service=api\n"
            .as_bytes(),
        "a.log",
        &opts,
    );
    let b = scan_reader(
        "{\"level\":\"error\",\"msg\":\"failed\",\"service\":\"api\"}\n{\"level\":\"error\",\"msg\":\"oops\",\"svc\":\"api\"}\nbad \u{0}\n"
            .as_bytes(),
        "b.log",
        &opts,
    );
    let mut all = a.clone();
    all.merge(b);
    assert_eq!(all.sources, 2);
    assert_eq!(all.source, "a.log");
    assert_eq!(all.lines, 5);
    assert_eq!(all.formats.json, 3);
    assert_eq!(all.formats.logfmt, 1);
    assert_eq!(all.service.field_lines, 4);
    assert_eq!(all.service.values.get("api"), Some(4));
    assert_eq!(all.levels.by_severity.error, 3);
    let vague = all.flags.get(FlagKind::VagueError);
    assert_eq!(vague.count, 3);
    assert_eq!(vague.examples.len(), 2);
    assert_eq!(vague.examples[0].source, "a.log");
    assert_eq!(vague.examples[1].source, "b.log");
    assert_eq!(all.issues.len(), 1);
    assert_eq!(all.issues[0].source, "b.log");
    let svc = &all.fields.get(relman_logscan::Field::Service).keys;
    assert_eq!(svc.get("service"), Some(3));
    assert_eq!(svc.get("svc"), Some(1));
    assert_eq!(
        all.key_consistency(relman_logscan::Field::Service),
        Some(0.75)
    );
    assert_eq!(all.dominant_format().map(|(f, _)| f), Some(Format::Json));
}

#[test]
fn scan_paths_keeps_the_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths: Vec<PathBuf> = Vec::new();
    for i in 0..6 {
        let p = dir.path().join(format!("f{i}.log"));
        fs::write(&p, lines(100 * (i + 1))).expect("write");
        paths.push(p);
    }
    paths.push(dir.path().join("missing.log"));
    let scans = scan_paths(&paths, &Options::default());
    assert_eq!(scans.len(), 7);
    for (i, s) in scans.iter().take(6).enumerate() {
        assert_eq!(s.lines, 100 * (i as u64 + 1));
    }
    assert_eq!(kinds(&scans[6]), [IssueKind::Unreadable]);

    let (found, problems) = expand_globs(dir.path(), &["*.log".to_string()]);
    assert_eq!(found.len(), 6);
    assert!(problems.is_empty());
}

#[test]
fn scans_serialise_with_stable_names() {
    let scan = scan_reader(
        "{\"level\":\"error\",\"msg\":\"ok\",\"service\":\"api\"}\n".as_bytes(),
        "t",
        &Options::default(),
    );
    let v: serde_json::Value = serde_json::to_value(&scan).expect("serialises");
    assert_eq!(v["formats"]["json"], 1);
    assert_eq!(v["flags"]["false-error"]["count"], 1);
    assert_eq!(v["fields"]["level"]["keys"]["entries"][0]["value"], "level");
    assert_eq!(v["levels"]["by_severity"]["error"], 1);
    assert_eq!(v["service"]["values"]["entries"][0]["value"], "api");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics(data in proptest::collection::vec(any::<u8>(), 0..2048), cap in 1usize..64, max in 1usize..200) {
        let opts = Options { max_line_bytes: max, max_examples: 2 };
        let scan = scan_reader(BufReader::with_capacity(cap, &data[..]), "p", &opts);
        prop_assert_eq!(scan.bytes as usize <= data.len(), true);
        prop_assert!(scan.analysed_lines() + scan.blank_lines <= scan.lines + scan.wrapped.docker);
        assert_bounded(&scan, &opts);
    }

    #[test]
    fn no_text_panics(text in "\\PC{0,300}", cap in 1usize..32) {
        let opts = Options { max_line_bytes: 100, max_examples: 1 };
        let scan = scan_reader(BufReader::with_capacity(cap, text.as_bytes()), "p", &opts);
        assert_bounded(&scan, &opts);
    }

    #[test]
    fn no_log_like_input_panics(
        text in "([{}\\[\\]\":,= a-zA-Z0-9_.\\\\\t-]|level|msg|\\\\u00e9|\\\\ud83d|error|\n|\r){0,120}",
        cap in 1usize..32,
    ) {
        let opts = Options { max_line_bytes: 64, max_examples: 1 };
        let scan = scan_reader(BufReader::with_capacity(cap, text.as_bytes()), "p", &opts);
        assert_bounded(&scan, &opts);
    }
}
