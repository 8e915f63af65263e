//! The OpenMetrics parser conformance suite (shared/testdata/openmetrics):
//! every good case parses, every bad case is rejected.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use relman_exposition::{Format, parse_bytes, write};

const SUITE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/openmetrics"
);

/// Reads a small file of the suite (each is a few kilobytes).
fn read(path: &Path) -> Vec<u8> {
    let file =
        std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut bytes = Vec::new();
    file.take(1 << 20)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    bytes
}

struct Case {
    name: String,
    should_parse: bool,
    metrics: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(SUITE);
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "the OpenMetrics conformance suite is missing at {} ({e}): \
             it lives in shared/testdata/openmetrics beside the repository",
            dir.display()
        )
    });
    let mut folders: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.join("test.json").is_file())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let json: serde_json::Value = serde_json::from_slice(&read(&folder.join("test.json")))
                .unwrap_or_else(|e| panic!("{}: invalid test.json: {e}", folder.display()));
            let should_parse = json["shouldParse"]
                .as_bool()
                .unwrap_or_else(|| panic!("{}: test.json has no shouldParse", folder.display()));
            let file = json["file"].as_str().unwrap_or("metrics");
            Case {
                name: folder
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                should_parse,
                metrics: read(&folder.join(file)),
            }
        })
        .collect()
}

#[test]
fn every_case_of_the_openmetrics_suite() {
    let cases = cases();
    let mut wrong = Vec::new();
    let (mut good, mut bad) = (0, 0);
    for case in &cases {
        let result = parse_bytes(&case.metrics, Format::OpenMetrics);
        match (case.should_parse, result) {
            (true, Ok(_)) => good += 1,
            (false, Err(_)) => bad += 1,
            (true, Err(e)) => wrong.push(format!("{} should parse but failed: {e}", case.name)),
            (false, Ok(_)) => wrong.push(format!("{} should be rejected but parsed", case.name)),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases went wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    assert_eq!(
        (good, bad),
        (44, 167),
        "the suite should hold 44 good and 167 bad cases"
    );
}

#[test]
fn good_cases_survive_a_write_and_parse_round_trip() {
    for case in cases().iter().filter(|c| c.should_parse) {
        let exp = parse_bytes(&case.metrics, Format::OpenMetrics).expect("a good case parses");
        let written = write(&exp, Format::OpenMetrics);
        let again = relman_exposition::parse(&written, Format::OpenMetrics).unwrap_or_else(|e| {
            panic!("{}: written form does not parse: {e}\n{written}", case.name)
        });
        if let Some(diff) = common::difference(&exp, &again) {
            panic!("{}: {diff}\n{written}", case.name);
        }
    }
}
