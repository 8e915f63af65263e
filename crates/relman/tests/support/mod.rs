//! Real components for tests: Prometheus, node_exporter and small servers,
//! started on loopback ports and stopped when dropped. A missing program is
//! a test failure that names the package to install, never a skip.

#![allow(dead_code)]
// The harness reads small files it made itself.
#![allow(clippy::disallowed_methods)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed on drop.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
    pub name: &'static str,
    /// Where the program's own log goes, when the harness keeps it.
    pub log: Option<PathBuf>,
    /// A PostgreSQL data directory, stopped with pg_ctl (the child may be
    /// `runuser`, whose death would not stop the server).
    pg_data: Option<(PathBuf, PathBuf)>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some((bin, data)) = &self.pg_data {
            let _ = pg_command(&bin.join("pg_ctl"))
                .args(["stop", "-m", "immediate", "-D"])
                .arg(data)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
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
    let log = dir.path().join("prometheus.log");
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
        .stderr(Stdio::from(std::fs::File::create(&log).expect("log file")))
        .spawn()
        .expect("start prometheus");
    wait_ready(addr, "/-/ready", &mut child, "prometheus");
    Running {
        child,
        addr,
        name: "prometheus",
        log: Some(log),
        pg_data: None,
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
        log: None,
        pg_data: None,
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

/// The PostgreSQL server binaries (`/usr/lib/postgresql/VERSION/bin`).
fn postgres_bin() -> PathBuf {
    let found = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .filter(|b| b.join("postgres").is_file() && b.join("initdb").is_file())
                .max()
        });
    found.unwrap_or_else(|| {
        panic!(
            "the PostgreSQL server is not installed; this test runs the real one.\n\
             Install it with: apt-get update && apt-get install -y postgresql\n\
             (scripts/test does this for you)"
        )
    })
}

fn is_root() -> bool {
    // SAFETY-free: read the effective uid from /proc.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// Run a PostgreSQL program; as the `postgres` user when we are root
/// (PostgreSQL refuses to run as root).
fn pg_command(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Start PostgreSQL with `log_destination = 'jsonlog'` on a free loopback
/// port, run a few statements (one failing) so it logs, and return it with
/// the path of its JSON log.
pub fn postgres_jsonlog() -> Running {
    let bin = postgres_bin();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let logs = dir.path().join("log");
    let sockets = dir.path().join("sock");
    std::fs::create_dir_all(&logs).expect("log dir");
    std::fs::create_dir_all(&sockets).expect("socket dir");
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown")
            .success();
        assert!(ok, "chown of the PostgreSQL test directory failed");
    }
    let init = pg_command(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "--no-sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("initdb runs");
    assert!(
        init.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = free_port("127.0.0.1").expect("a free port");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let mut child = pg_command(&bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .arg("-p")
        .arg(port.to_string())
        .args(["-c", "listen_addresses=127.0.0.1"])
        .arg("-c")
        .arg(format!("unix_socket_directories={}", sockets.display()))
        .args([
            "-c",
            "logging_collector=on",
            "-c",
            "log_destination=jsonlog",
        ])
        .arg("-c")
        .arg(format!("log_directory={}", logs.display()))
        .args([
            "-c",
            "log_filename=postgresql.log",
            "-c",
            "log_connections=on",
            "-c",
            "log_disconnections=on",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start postgres");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("postgres exited early with {status}");
        }
        assert!(
            Instant::now() < deadline,
            "postgres did not listen on {addr} within 30s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let psql = bin.join("psql");
    let psql = if psql.is_file() {
        psql
    } else {
        require("psql", "postgresql-client")
    };
    for sql in [
        "select 1",
        "select 1/0",
        "create table t(x int)",
        "insert into t values (1)",
    ] {
        let _ = Command::new(&psql)
            .args(["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-p"])
            .arg(port.to_string())
            .args(["-c", sql])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let log = logs.join("postgresql.json");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(
            Instant::now() < deadline,
            "postgres wrote no JSON log at {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Running {
        child,
        addr,
        name: "postgres",
        log: Some(log),
        pg_data: Some((bin, data)),
        _dir: Some(dir),
    }
}
