//! CSV inputs: records/deployments.csv (cost/*.csv is read by `cost.rs`).

use std::path::Path;

use relman_core::fleet::Deployment;
use relman_core::time;
use relman_core::yaml::Pos;

use crate::diag::Diagnostic;
use crate::files;

fn problem(file: &str, line: u32, col: u32, field: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        pos: Some(Pos { line, col }),
        field: field.to_string(),
        message,
    }
}

/// Open a CSV file and map the columns it must have to their indexes.
fn open(
    root: &Path,
    path: &Path,
    required: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<(csv::Reader<std::fs::File>, Vec<usize>, Option<usize>)> {
    let file = files::display(root, path);
    let mut reader = match csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
    {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic {
                file,
                pos: None,
                field: String::new(),
                message: format!("cannot read: {e}"),
            });
            return None;
        }
    };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(problem(&file, 1, 1, "", format!("invalid CSV header: {e}")));
            return None;
        }
    };
    let mut idx = Vec::new();
    let mut missing = Vec::new();
    for col in required {
        match headers.iter().position(|h| h.eq_ignore_ascii_case(col)) {
            Some(i) => idx.push(i),
            None => missing.push(*col),
        }
    }
    if !missing.is_empty() {
        diags.push(problem(
            &file,
            1,
            1,
            "",
            format!(
                "missing column{} {}; expected the columns {}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                required.join(",")
            ),
        ));
        return None;
    }
    let customers = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("customers"));
    Some((reader, idx, customers))
}

/// Iterate a CSV's records with their line numbers, reporting broken rows.
fn rows(
    file: &str,
    reader: &mut csv::Reader<std::fs::File>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(u32, csv::StringRecord)> {
    let mut out = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as u32);
                out.push((line, r));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as u32);
                diags.push(problem(file, line, 1, "", format!("invalid CSV row: {e}")));
            }
        }
    }
    out
}

pub(crate) fn deployments(
    root: &Path,
    now: Option<chrono::NaiveDate>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Deployment> {
    let path = root.join("records/deployments.csv");
    if !path.is_file() {
        return Vec::new();
    }
    let cols = ["service", "environment", "deployer", "at"];
    let Some((mut reader, idx, _)) = open(root, &path, &cols, diags) else {
        return Vec::new();
    };
    let file = files::display(root, &path);
    let mut out = Vec::new();
    for (line, r) in rows(&file, &mut reader, diags) {
        let get = |i: usize| r.get(idx[i]).unwrap_or_default().to_string();
        let at_text = get(3);
        let Some(at) = time::parse_timestamp(&at_text) else {
            diags.push(problem(
                &file,
                line,
                idx[3] as u32 + 1,
                "at",
                format!("invalid timestamp \"{at_text}\", expected ISO 8601 such as 2026-10-03T10:12:00Z"),
            ));
            continue;
        };
        if let Some(d) = crate::deployments::future(&file, line, idx[3] as u32 + 1, at, now) {
            diags.push(d);
            continue;
        }
        let mut empty = false;
        for (i, name) in cols.iter().enumerate().take(3) {
            if get(i).is_empty() {
                diags.push(problem(
                    &file,
                    line,
                    idx[i] as u32 + 1,
                    name,
                    "must not be empty".into(),
                ));
                empty = true;
            }
        }
        if empty {
            continue;
        }
        out.push(Deployment {
            service: get(0),
            environment: get(1),
            deployer: get(2),
            at,
            file: file.clone(),
            line,
        });
    }
    out
}
