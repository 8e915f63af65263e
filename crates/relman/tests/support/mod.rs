//! Real components for tests: Prometheus, node_exporter and small servers,
//! started on loopback ports and stopped when dropped. A missing program is
//! a test failure that names the package to install, never a skip.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed on drop.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The path of a program, or a panic naming the Debian package that has it.
pub fn require(program: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "{program} is not installed; this test runs the real one.\n\
             Install it with: apt-get update && apt-get install -y {package}\n\
             (scripts/test does this for you)"
        )
    })
}

/// A free port on `ip`, found by binding and releasing it.
pub fn free_port(ip: &str) -> Option<u16> {
    TcpListener::bind((ip, 0))
        .ok()
        .and_then(|l| l.local_addr().ok())
        .map(|a| a.port())
}

/// Wait until `addr` accepts connections and `path` answers 200.
fn wait_ready(addr: SocketAddr, path: &str, child: &mut Child, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{name} exited early with {status}");
        }
        if let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            use std::io::{Read, Write};
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let req = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
            if s.write_all(req.as_bytes()).is_ok() {
                let mut buf = [0u8; 16];
                if s.read(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.0 200")
                    || buf.starts_with(b"HTTP/1.1 200")
                {
                    return;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{name} did not become ready on {addr}{path} within 30s");
}

/// Start Prometheus on a free loopback port, scraping `targets` (host:port).
pub fn prometheus(targets: &[SocketAddr], retention: &str) -> Running {
    let bin = require("prometheus", "prometheus");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port("127.0.0.1").expect("a free port");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let targets: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
    let config = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: targets\n    static_configs:\n      - targets: [{}]\n",
        targets.join(", ")
    );
    let config_path = dir.path().join("prometheus.yml");
    std::fs::write(&config_path, config).expect("write config");
    let mut child = Command::new(bin)
        .arg(format!("--config.file={}", config_path.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--storage.tsdb.retention.time={retention}"))
        .arg(format!("--web.listen-address={addr}"))
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(dir.path().join("prometheus.log")).expect("log file"),
        ))
        .spawn()
        .expect("start prometheus");
    wait_ready(addr, "/-/ready", &mut child, "prometheus");
    Running {
        child,
        addr,
        name: "prometheus",
        _dir: Some(dir),
    }
}

/// Start node_exporter on `ip:port`.
pub fn node_exporter(ip: &str, port: u16) -> Option<Running> {
    let bin = require("prometheus-node-exporter", "prometheus-node-exporter");
    // The port may be taken on this address: let the caller try another.
    let probe = TcpListener::bind((ip, port)).ok()?;
    drop(probe);
    let addr: SocketAddr = format!("{ip}:{port}").parse().ok()?;
    let mut child = Command::new(bin)
        .arg(format!("--web.listen-address={addr}"))
        .args([
            "--collector.disable-defaults",
            "--collector.cpu",
            "--collector.loadavg",
            "--collector.meminfo",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start node_exporter");
    wait_ready(addr, "/metrics", &mut child, "node_exporter");
    Some(Running {
        child,
        addr,
        name: "node_exporter",
        _dir: None,
    })
}

/// node_exporter on port 8067 of some loopback address (127.0.0.0/8 is all
/// loopback, so another address frees us from whatever holds 127.0.0.1:8067).
pub fn node_exporter_on_8067() -> Running {
    for last in 2..40 {
        if let Some(r) = node_exporter(&format!("127.0.0.{last}"), 8067) {
            return r;
        }
    }
    panic!("no loopback address had port 8067 free");
}

/// Write files under `root`.
pub fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}
