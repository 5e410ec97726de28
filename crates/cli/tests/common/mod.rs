//! Shared by the CLI's test files: running the binary as an operator would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run `caseward` with `args` (cheap password hashing, no instance from the environment),
/// writing `stdin` to it if given; its output once it exits.
pub fn caseward(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caseward"))
        .args(args)
        .env_remove("CASEWARD_DATA")
        .env_remove("CASEWARD_DATABASE_URL")
        .env("CASEWARD_ARGON2_MEMORY_KIB", "8192")
        .env("CASEWARD_ARGON2_ITERATIONS", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}
