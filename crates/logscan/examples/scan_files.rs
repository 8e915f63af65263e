//! Scans the log files named on the command line (several in parallel)
//! and writes each file's scan as one line of JSON, and the time taken and
//! throughput to standard error.
//!
//! `cargo run --release -p relman-logscan --example scan_files -- app.log old.log.gz`

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use relman_logscan::{Options, scan_paths};

fn main() -> std::io::Result<()> {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let start = Instant::now();
    let scans = scan_paths(&paths, &Options::default());
    let elapsed = start.elapsed();
    let bytes: u64 = scans.iter().map(|s| s.bytes).sum();
    let mut out = std::io::stdout().lock();
    for scan in &scans {
        serde_json::to_writer(&mut out, scan)?;
        writeln!(out)?;
    }
    writeln!(
        std::io::stderr(),
        "{} files, {bytes} bytes in {:.3} s: {:.0} MB/s",
        scans.len(),
        elapsed.as_secs_f64(),
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    )
}
