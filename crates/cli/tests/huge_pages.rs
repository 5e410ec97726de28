//! A served instance runs without transparent huge pages (`src/huge_pages.rs`): with them, a
//! deadline sweep at a million cases took the server past 180 MiB resident.

#![cfg(target_os = "linux")]

mod common;

use std::io::BufRead;
use std::process::{Command, Stdio};

/// The `THP_enabled` line of a process's status: 1 while the kernel may give it huge pages.
fn huge_pages_enabled(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("THP_enabled:"))
        .map(|value| value.trim().to_string())
        .expect("a kernel that reports THP_enabled (Linux 5.0 and later)")
}

#[test]
fn a_served_instance_has_no_transparent_huge_pages() {
    // The setting is inherited: this test process allows them whatever its parent did, so
    // that the server's own call is what turns them off.
    rustix::thread::disable_transparent_huge_pages(false).unwrap();
    assert_eq!(huge_pages_enabled(std::process::id()), "1");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let init = common::caseward(&["--data", data, "init"], None);
    assert!(init.status.success(), "{init:?}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_caseward"))
        .args(["--data", data, "serve", "--listen", "127.0.0.1:0"])
        .env("CASEWARD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let listening = lines.any(|line| line.unwrap().starts_with("listening on "));
    let enabled = huge_pages_enabled(server.id());
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(listening, "the server started");
    assert_eq!(enabled, "0", "the server's THP_enabled");
}
