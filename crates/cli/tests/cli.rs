//! The `caseward` binary as an operator meets it: messages that name the file, line and key,
//! and nothing written on bad input.

mod common;

use common::caseward;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run a command that must stop by itself (a server that refuses to start), with a guard
/// against a regression that would serve forever; the guard is not a wait for an event.
fn exits(command: &mut Command) -> Output {
    let mut child = command
        .env("CASEWARD_ARGON2_MEMORY_KIB", "8192")
        .env("CASEWARD_ARGON2_ITERATIONS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the command kept running");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn config_validate_accepts_the_default_configuration() {
    let output = caseward(&["config", "validate"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("3 case types"), "{}", text(&output));
}

#[test]
fn config_validate_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config"),
        &config,
    );
    let file = config.join("case_types/child_protection.toml");
    let original = std::fs::read_to_string(&file).unwrap();
    let broken = original.replacen("option_list = \"sex\"", "option_list = \"sexes\"", 1);
    assert_ne!(broken, original);
    std::fs::write(&file, &broken).unwrap();
    let output = caseward(&["config", "validate", config.to_str().unwrap()], None);
    assert!(!output.status.success());
    let message = text(&output);
    let line = broken[..broken.find("option_list = \"sexes\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(message.contains("child_protection.toml:"), "{message}");
    assert!(
        message.contains(".option_list: unknown option list \"sexes\""),
        "{message}"
    );
    // The line reported is the field's table header, a few lines above the bad key.
    let reported: usize = message
        .split("child_protection.toml:")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        reported <= line && line - reported < 12,
        "reported {reported}, key at {line}: {message}"
    );
}

#[test]
fn init_user_add_and_their_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let output = caseward(&["--data", data, "init"], None);
    assert!(output.status.success(), "{}", text(&output));
    let again = caseward(&["--data", data, "init"], None);
    assert!(!again.status.success());
    assert!(text(&again).contains("already holds a Caseward instance"));

    let add = |username: &str, role: &str, password: &str| {
        caseward(
            &[
                "--data",
                data,
                "user",
                "add",
                "--username",
                username,
                "--display-name",
                "Amani Okello",
                "--role",
                role,
                "--password-stdin",
            ],
            Some(&format!("{password}\n")),
        )
    };
    let output = add("worker1", "case_worker", "a long enough password");
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("Added worker1"));
    let output = add("lead1", "team_lead", "a long enough password");
    assert!(output.status.success(), "a custom role: {}", text(&output));
    assert!(text(&output).contains("as team_lead"), "{}", text(&output));
    for (username, role, password, expected) in [
        (
            "worker1",
            "case_worker",
            "correct-horse-battery-7",
            "--username: \"worker1\" is already taken",
        ),
        (
            "worker2",
            "boss",
            "correct-horse-battery-7",
            "--role: unknown role \"boss\" (expected one of case_worker, supervisor, programme_manager, system_administrator, auditor, me_officer, team_lead)",
        ),
        (
            "Worker 2",
            "case_worker",
            "correct-horse-battery-7",
            "--username:",
        ),
        (
            "worker2",
            "case_worker",
            "tiny7",
            "password: a password needs at least 10 characters",
        ),
    ] {
        let output = add(username, role, password);
        assert!(!output.status.success(), "{username} {role}");
        assert!(text(&output).contains(expected), "{}", text(&output));
        assert!(
            !text(&output).contains(password),
            "the password is not echoed"
        );
    }
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let output = caseward(&["--data", missing.to_str().unwrap(), "migrate"], None);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("does not exist (run `caseward init` first)"),
        "{}",
        text(&output)
    );
}

#[test]
fn a_bad_settings_file_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("caseward.toml");
    std::fs::write(
        &settings,
        "listen = \"127.0.0.1:8080\"\nsession_idle_minutes = \"soon\"\n",
    )
    .unwrap();
    let output = caseward(
        &["--settings", settings.to_str().unwrap(), "config", "show"],
        None,
    );
    assert!(!output.status.success());
    let message = text(&output);
    assert!(message.contains("caseward.toml:2"), "{message}");
}

#[test]
fn config_show_redacts_the_database_password() {
    let output = caseward(
        &[
            "--database",
            "postgres://caseward:hunter2-secret@db/caseward",
            "--keyring",
            "/etc/caseward/keyring",
            "--attachments",
            "/srv/caseward/attachments",
            "config",
            "show",
        ],
        None,
    );
    assert!(output.status.success(), "{}", text(&output));
    let shown = text(&output);
    assert!(
        shown.contains("postgres://caseward:***@db/caseward"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2-secret"));
    assert!(
        shown.contains("attachments = \"/srv/caseward/attachments\""),
        "{shown}"
    );
}

#[test]
fn openapi_is_printed() {
    let output = caseward(&["openapi"], None);
    assert!(output.status.success());
    let spec: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
}

#[test]
fn second_factor_roles_must_exist_in_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert!(caseward(&["--data", data, "init"], None).status.success());
    // A misspelt role would silently leave its users without a second factor: refuse to start.
    let output = exits(
        Command::new(env!("CARGO_BIN_EXE_caseward"))
            .args(["--data", data, "serve", "--listen", "127.0.0.1:0"])
            .env("CASEWARD_MFA_REQUIRED_ROLES", "supervisor,team_leed"),
    );
    assert!(!output.status.success());
    assert!(
        text(&output).contains("mfa_required_roles: unknown role \"team_leed\""),
        "{}",
        text(&output)
    );

    let shown = |value: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_caseward"));
        command.args(["config", "show"]);
        match value {
            Some(value) => command.env("CASEWARD_MFA_REQUIRED_ROLES", value),
            None => command.env_remove("CASEWARD_MFA_REQUIRED_ROLES"),
        };
        text(&command.output().unwrap())
    };
    assert!(
        shown(Some("team_lead")).contains("mfa_required_roles = [\"team_lead\"]"),
        "{}",
        shown(Some("team_lead"))
    );
    assert!(shown(None).contains("# mfa_required_roles: not set"));
    assert!(
        shown(Some("Team Lead")).contains("mfa_required_roles: \"Team Lead\" is not a role id")
    );
}

#[test]
fn every_start_records_its_configuration_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("data");
    let data = data_path.to_str().unwrap();
    assert!(caseward(&["--data", data, "init"], None).status.success());
    let start = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_caseward"));
        command.args(["--data", data, "serve", "--listen", "127.0.0.1:0"]);
        let mut server = command
            .env_remove("CASEWARD_DATA")
            .env_remove("CASEWARD_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = std::io::BufRead::lines(std::io::BufReader::new(server.stdout.take().unwrap()));
        let listening = lines
            .map(Result::unwrap)
            .any(|line| line.starts_with("listening on "));
        server.kill().unwrap();
        server.wait().unwrap();
        assert!(listening, "the server started");
    };
    start();
    // The same configuration with one label changed, imported: version 2, another fingerprint.
    let config = dir.path().join("config");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config"),
        &config,
    );
    let instance = config.join("instance.toml");
    let original = std::fs::read_to_string(&instance).unwrap();
    std::fs::write(
        &instance,
        original.replacen("Case review", "Case review meeting", 1),
    )
    .unwrap();
    let imported = caseward(
        &["--data", data, "config", "import", config.to_str().unwrap()],
        None,
    );
    assert!(imported.status.success(), "{}", text(&imported));
    start();
    let reasons = sqlite_texts(
        &data_path.join("caseward.db"),
        "SELECT reason FROM audit_entries WHERE action = 'config.load' ORDER BY seq",
    );
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("configuration version 1, SHA-256 "),
        "{}",
        reasons[0]
    );
    assert!(
        reasons[1].starts_with("configuration version 2, SHA-256 "),
        "{}",
        reasons[1]
    );
    assert_ne!(
        reasons[0][30..],
        reasons[1][30..],
        "a changed configuration shows"
    );
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
}

#[test]
fn audit_verify_names_the_first_bad_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert!(caseward(&["--data", data, "init"], None).status.success());
    for username in ["worker1", "worker2", "worker3"] {
        let output = caseward(
            &[
                "--data",
                data,
                "user",
                "add",
                "--username",
                username,
                "--display-name",
                "Someone",
                "--role",
                "case_worker",
                "--password-stdin",
            ],
            Some("a long enough password\n"),
        );
        assert!(output.status.success(), "{}", text(&output));
    }
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("intact: 3 entries verified"),
        "{}",
        text(&output)
    );

    // A database owner rewrites entry 2 (the triggers are theirs to drop).
    let file = dir.path().join("data").join("caseward.db");
    sqlite_execute(
        &file,
        &[
            "DROP TRIGGER audit_entries_no_update",
            "UPDATE audit_entries SET client = 'web' WHERE seq = 2",
        ],
    );
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("broken at entry 2: entry 2: its content does not match its hash"),
        "{}",
        text(&output)
    );
    assert!(text(&output).contains("(1 earlier entries verified)"));
}

#[test]
fn the_keyring_is_made_with_the_instance_and_checked_at_every_start() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("data");
    let data = data_path.to_str().unwrap();
    let output = caseward(&["--data", data, "init"], None);
    assert!(output.status.success(), "{}", text(&output));
    let keyring = dir.path().join("data.keyring");
    assert!(text(&output).contains("data.keyring"), "{}", text(&output));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&keyring).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner reads the keyring");
    }
    let serve = |extra: &[&str]| {
        let mut args = vec!["--data", data];
        args.extend_from_slice(extra);
        args.extend(["serve", "--listen", "127.0.0.1:0"]);
        exits(Command::new(env!("CARGO_BIN_EXE_caseward")).args(&args))
    };

    // Missing: the server does not start, and says where the keyring was expected.
    let moved = dir.path().join("elsewhere.keyring");
    std::fs::rename(&keyring, &moved).unwrap();
    let output = serve(&[]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("there is no keyring at"),
        "{}",
        text(&output)
    );

    // Another instance's keyring: refused.
    let other = tempfile::tempdir().unwrap();
    let other_data = other.path().join("data");
    assert!(
        caseward(&["--data", other_data.to_str().unwrap(), "init"], None)
            .status
            .success()
    );
    let output = serve(&[
        "--keyring",
        other.path().join("data.keyring").to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("is not this instance's keyring"),
        "{}",
        text(&output)
    );

    // A damaged one: the line and key are named.
    let damaged = dir.path().join("damaged.keyring");
    let original = std::fs::read_to_string(&moved).unwrap();
    std::fs::write(&damaged, original.replacen("key = \"", "key = \"%%", 1)).unwrap();
    let output = serve(&["--keyring", damaged.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("master_key[0].key: not base64"),
        "{}",
        text(&output)
    );
    assert!(text(&output).contains("line "), "{}", text(&output));

    // A backup is a new file with the same keys; it never overwrites.
    let copy = dir.path().join("copy.keyring");
    let args = [
        "--data",
        data,
        "--keyring",
        moved.to_str().unwrap(),
        "keys",
        "backup",
    ];
    let output = caseward(&[&args[..], &[copy.to_str().unwrap()]].concat(), None);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), original);
    let again = caseward(&[&args[..], &[copy.to_str().unwrap()]].concat(), None);
    assert!(!again.status.success());
    // And a second init beside the same keyring is refused.
    std::fs::rename(&moved, &keyring).unwrap();
    let fresh = dir.path().join("data2");
    let output = caseward(
        &[
            "--data",
            fresh.to_str().unwrap(),
            "--keyring",
            keyring.to_str().unwrap(),
            "init",
        ],
        None,
    );
    assert!(!output.status.success());
    assert!(
        text(&output).contains("exists already"),
        "{}",
        text(&output)
    );
}

#[test]
fn exported_checkpoints_catch_a_removed_tail() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("data");
    let data = data_path.to_str().unwrap();
    assert!(caseward(&["--data", data, "init"], None).status.success());
    let add = |username: &str| {
        let output = caseward(
            &[
                "--data",
                data,
                "user",
                "add",
                "--username",
                username,
                "--display-name",
                "Someone",
                "--role",
                "case_worker",
                "--password-stdin",
            ],
            Some("a long enough password\n"),
        );
        assert!(output.status.success(), "{}", text(&output));
    };
    for username in ["worker1", "worker2", "worker3"] {
        add(username);
    }
    let output = caseward(&["--data", data, "audit", "checkpoint"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("checkpoint at entry 3"),
        "{}",
        text(&output)
    );
    let export = dir.path().join("checkpoints.txt");
    let output = caseward(
        &[
            "--data",
            data,
            "audit",
            "export-checkpoints",
            export.to_str().unwrap(),
        ],
        None,
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("Appended 1 checkpoints"),
        "{}",
        text(&output)
    );
    add("worker4");
    let output = caseward(
        &[
            "--data",
            data,
            "audit",
            "verify",
            "--against",
            export.to_str().unwrap(),
        ],
        None,
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("4 entries verified"),
        "{}",
        text(&output)
    );

    // A database owner removes entries 3 and 4, moves the head back and deletes the database's
    // own checkpoints: the chain alone looks whole, the exported checkpoint does not agree.
    let file = data_path.join("caseward.db");
    sqlite_execute(
        &file,
        &[
            "DROP TRIGGER audit_entries_no_delete",
            "DROP TRIGGER audit_checkpoints_no_delete",
            "DELETE FROM audit_entries WHERE seq > 2",
            "DELETE FROM audit_checkpoints",
            "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_entries WHERE seq = 2)",
        ],
    );
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(
        output.status.success(),
        "the chain alone: {}",
        text(&output)
    );
    let output = caseward(
        &[
            "--data",
            data,
            "audit",
            "verify",
            "--against",
            export.to_str().unwrap(),
        ],
        None,
    );
    assert!(!output.status.success());
    assert!(
        text(&output)
            .contains("the chain ends at entry 2, before the signed checkpoint at entry 3"),
        "{}",
        text(&output)
    );
    std::fs::write(&export, "3 yesterday ab 1 cd\n").unwrap();
    let output = caseward(
        &[
            "--data",
            data,
            "audit",
            "verify",
            "--against",
            export.to_str().unwrap(),
        ],
        None,
    );
    assert!(!output.status.success());
    assert!(
        text(&output).contains("checkpoints.txt:1: not a checkpoint line"),
        "{}",
        text(&output)
    );
}

#[test]
fn keys_rotate_adds_a_master_key_the_instance_then_requires() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("data");
    let data = data_path.to_str().unwrap();
    assert!(caseward(&["--data", data, "init"], None).status.success());
    let keyring = dir.path().join("data.keyring");
    let before = std::fs::read_to_string(&keyring).unwrap();
    let output = caseward(&["--data", data, "keys", "rotate"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("Added master key 2"),
        "{}",
        text(&output)
    );
    let after = std::fs::read_to_string(&keyring).unwrap();
    assert_eq!(
        after.matches("[[master_key]]").count(),
        2,
        "the older key is kept"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&keyring).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The database now knows master key 2: the keyring from before the rotation is refused.
    let old = dir.path().join("old.keyring");
    std::fs::write(&old, before).unwrap();
    let output = caseward(
        &[
            "--data",
            data,
            "--keyring",
            old.to_str().unwrap(),
            "audit",
            "verify",
        ],
        None,
    );
    assert!(!output.status.success());
    assert!(
        text(&output).contains("lacks key master:2"),
        "{}",
        text(&output)
    );
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
    let output = caseward(&["--data", data, "keys", "rotate"], None);
    assert!(
        text(&output).contains("Added master key 3"),
        "{}",
        text(&output)
    );
}

#[test]
fn a_rotation_killed_midway_resumes_and_every_case_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 200);
    let data = data_path.to_str().unwrap();

    // One data key per transaction, each synced: killed as soon as the first is reported,
    // the process is far from done (199 more synced transactions to go).
    let mut rotation = Command::new(env!("CARGO_BIN_EXE_caseward"))
        .args(["--data", data, "keys", "rotate", "--batch", "1"])
        .env_remove("CASEWARD_DATA")
        .env_remove("CASEWARD_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines =
        std::io::BufRead::lines(std::io::BufReader::new(rotation.stdout.take().unwrap()));
    let first = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|line| line.starts_with("Rewrapped"))
        .expect("a progress line before the end");
    assert_eq!(first, "Rewrapped 1 data keys.");
    rotation.kill().unwrap();
    let status = rotation.wait().unwrap();
    assert!(!status.success(), "killed, not finished");

    // Midway: the keyring file already holds key 2, both keys wrap data keys, every case opens.
    let output = caseward(&["--data", data, "keys", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
    let report = text(&output);
    assert!(
        report.contains("200 cases open with this keyring"),
        "{report}"
    );
    assert!(
        report.contains("master key 1: ") && report.contains("master key 2: "),
        "{report}"
    );
    // Run again: it resumes with the same key rather than adding another.
    let output = caseward(&["--data", data, "keys", "rotate", "--batch", "50"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("Resuming the rotation"),
        "{}",
        text(&output)
    );
    assert!(
        text(&output).contains("wrapped by master key 2"),
        "{}",
        text(&output)
    );
    let output = caseward(&["--data", data, "keys", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(
            "200 cases open with this keyring. Data keys by master key: master key 2: 200."
        ),
        "{}",
        text(&output)
    );
    // A case whose content was moved from another one does not open, and is named.
    let file = data_path.join("caseward.db");
    let ids = sqlite_ids(&file, "SELECT id FROM cases ORDER BY id LIMIT 2");
    sqlite_ids(
        &file,
        &format!(
            "UPDATE case_contents SET content = (SELECT content FROM case_contents WHERE case_id = x'{}') WHERE case_id = x'{}' RETURNING case_id",
            ids[0].replace('-', ""),
            ids[1].replace('-', "")
        ),
    );
    let output = caseward(&["--data", data, "keys", "verify"], None);
    assert!(!output.status.success());
    let report = text(&output);
    assert!(report.contains("199 cases open"), "{report}");
    assert!(report.contains("does not open: "), "{report}");
    assert!(report.contains("1 cases do not open"), "{report}");
}

#[test]
fn reindex_brings_cases_up_to_date_and_seals_old_texts() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 20);
    let data = data_path.to_str().unwrap();
    // As an older version left them: no report dimensions, no search tokens, reasons in clear.
    let file = data_path.join("caseward.db");
    sqlite_ids(&file, "DELETE FROM case_dimensions RETURNING case_id");
    sqlite_ids(&file, "DELETE FROM case_search_tokens RETURNING case_id");
    let legacy = sqlite_ids(
        &file,
        "UPDATE case_assignments SET reason = 'LEGACY-REASON' WHERE id IN (SELECT id FROM case_assignments LIMIT 3) RETURNING id",
    );
    assert_eq!(legacy.len(), 3);
    let count = |sql: &str| sqlite_texts(&file, sql)[0].parse::<u32>().unwrap();
    assert_eq!(
        count("SELECT CAST(COUNT(*) AS TEXT) FROM case_dimensions"),
        0
    );

    let output = caseward(&["--data", data, "case", "reindex"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("Reindexed 20 cases; sealed 3 texts"),
        "{}",
        text(&output)
    );
    assert!(count("SELECT CAST(COUNT(*) AS TEXT) FROM case_dimensions") > 20);
    assert!(count("SELECT CAST(COUNT(*) AS TEXT) FROM case_search_tokens") > 20);
    assert_eq!(
        count("SELECT CAST(COUNT(*) AS TEXT) FROM case_assignments WHERE reason NOT LIKE 'cw1:%'"),
        0,
        "every reason sealed"
    );
    assert_eq!(
        count("SELECT CAST(COUNT(*) AS TEXT) FROM audit_entries WHERE action = 'case.reindex'"),
        1,
        "the run is recorded"
    );
    // Again: nothing left to seal; the cases still open, the trail still verifies.
    let output = caseward(&["--data", data, "case", "reindex"], None);
    assert!(
        text(&output).contains("sealed 0 texts"),
        "{}",
        text(&output)
    );
    let output = caseward(&["--data", data, "keys", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
}

/// A new instance in `dir/data` with one case worker and `cases` synthetic cases.
fn seeded_instance(dir: &Path, cases: u32) -> std::path::PathBuf {
    let data_path = dir.join("data");
    let data = data_path.to_str().unwrap();
    assert!(caseward(&["--data", data, "init"], None).status.success());
    let output = caseward(
        &[
            "--data",
            data,
            "user",
            "add",
            "--username",
            "worker1",
            "--display-name",
            "Worker",
            "--role",
            "case_worker",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(output.status.success(), "{}", text(&output));
    let cases = cases.to_string();
    let output = caseward(&["--data", data, "dev", "seed", "--cases", &cases], None);
    assert!(output.status.success(), "{}", text(&output));
    data_path
}

fn copy_folder(from: &Path, to: &Path) {
    copy_dir(from, to);
}

/// Run SQL against an instance's SQLite file and return the first column of each row, read
/// by `read`. The connection is closed (and its WAL checkpoint done) before returning, so the
/// folder can be copied as a backup at once.
fn sqlite_rows<T>(file: &Path, sql: &str, read: fn(&sqlx::sqlite::SqliteRow) -> T) -> Vec<T> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::Connection;
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
                    .await
                    .unwrap();
            let rows = sqlx::query(sql)
                .fetch_all(&mut connection)
                .await
                .unwrap()
                .iter()
                .map(read)
                .collect();
            connection.close().await.unwrap();
            rows
        })
}

/// Run statements against an instance's SQLite file as a database owner could, one after
/// the other, each connection closed before the next command reads the file.
fn sqlite_execute(file: &Path, statements: &[&str]) {
    for sql in statements {
        sqlite_rows(file, sql, |_| ());
    }
}

/// The first column of each row, as text.
fn sqlite_texts(file: &Path, sql: &str) -> Vec<String> {
    sqlite_rows(file, sql, |row| sqlx::Row::get::<String, _>(row, 0))
}

/// The first column of each row, a UUID.
fn sqlite_ids(file: &Path, sql: &str) -> Vec<String> {
    sqlite_rows(file, sql, |row| {
        sqlx::Row::get::<uuid::Uuid, _>(row, 0).to_string()
    })
}

#[test]
fn a_purged_case_stays_purged_when_an_older_backup_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 6);
    let data = data_path.to_str().unwrap();
    let file = data_path.join("caseward.db");
    let before = sqlite_ids(&file, "SELECT id FROM cases ORDER BY id");
    assert!(before.len() >= 2, "{before:?}");
    let backup = dir.path().join("backup");
    copy_folder(&data_path, &backup);

    for (id, reason, expected) in [
        ("not-a-case", "r", "ID: not a case id"),
        (before[0].as_str(), "   ", "--reason: give a reason"),
        (
            "0190a1b2-0000-7000-8000-000000000000",
            "r",
            "ID: no such case",
        ),
    ] {
        let output = caseward(
            &["--data", data, "case", "purge", id, "--reason", reason],
            None,
        );
        assert!(!output.status.success());
        assert!(text(&output).contains(expected), "{}", text(&output));
    }
    let output = caseward(
        &[
            "--data",
            data,
            "case",
            "purge",
            &before[0],
            "--reason",
            "retention period ended",
        ],
        None,
    );
    assert!(output.status.success(), "{}", text(&output));
    let journal = dir.path().join("data.keyring.shreds");
    assert!(
        std::fs::read_to_string(&journal)
            .unwrap()
            .starts_with(&before[0])
    );
    let output = caseward(
        &[
            "--data", data, "case", "purge", &before[0], "--reason", "again",
        ],
        None,
    );
    assert!(
        text(&output).contains("was purged already"),
        "{}",
        text(&output)
    );
    let after = sqlite_ids(&file, "SELECT id FROM cases ORDER BY id");
    assert_eq!(after.len(), before.len() - 1);

    // An older backup comes back, with the purged case in it; the journal purges it again.
    std::fs::remove_dir_all(&data_path).unwrap();
    copy_folder(&backup, &data_path);
    assert_eq!(
        sqlite_ids(&file, "SELECT id FROM cases ORDER BY id"),
        before
    );
    let output = caseward(&["--data", data, "case", "apply-shreds"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("1 restored cases purged again"),
        "{}",
        text(&output)
    );
    assert_eq!(sqlite_ids(&file, "SELECT id FROM cases ORDER BY id"), after);
    assert_eq!(
        sqlite_ids(&file, "SELECT case_id FROM case_purges"),
        [before[0].clone()]
    );
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
}

#[test]
fn dev_seed_writes_batches_and_reports_its_rate_against_the_raw_one() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 0);
    let data = data_path.to_str().unwrap();
    let output = caseward(
        &[
            "--data", data, "dev", "seed", "--cases", "250", "--batch", "40", "--seed", "7",
        ],
        None,
    );
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    let made: usize = said
        .split("Created ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(made > 200, "{said}");
    assert!(said.contains("; batches of 40."), "{said}");
    assert!(
        said.contains("Raw batched inserts (1000 rows of 1,500 bytes, batches of 40)"),
        "{said}"
    );
    assert!(said.contains("% of it in cases"), "{said}");
    assert!(said.contains("% in bytes."), "{said}");
    // Every case went in with its audit entry, and the trail still verifies.
    let created = sqlite_ids(
        &data_path.join("caseward.db"),
        "SELECT case_id FROM audit_entries WHERE action = 'case.create'",
    );
    assert_eq!(created.len(), made);
    // With their history: moves, notes and care plans, each audited.
    let count = |sql: &str| {
        sqlite_rows(&data_path.join("caseward.db"), sql, |row| {
            sqlx::Row::get::<i64, _>(row, 0)
        })[0]
    };
    assert!(
        count("SELECT COUNT(*) FROM case_transitions") > 100,
        "{said}"
    );
    assert!(count("SELECT COUNT(*) FROM case_notes") > 100, "{said}");
    assert!(count("SELECT COUNT(*) FROM care_plans") > 10, "{said}");
    assert_eq!(
        count("SELECT COUNT(*) FROM case_transitions"),
        count("SELECT COUNT(*) FROM audit_entries WHERE action = 'case.transition'")
    );
    let output = caseward(&["--data", data, "audit", "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
}

#[test]
fn dev_seed_makes_its_staff_in_teams_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 0);
    let data = data_path.to_str().unwrap();
    let seed = |extra: &[&str], input: Option<&str>| {
        let mut args = vec![
            "--data", data, "dev", "seed", "--cases", "60", "--batch", "25",
        ];
        args.extend_from_slice(extra);
        caseward(&args, input)
    };
    // New users need a password, and a strong enough one; nothing is made without it.
    let output = seed(&["--workers", "12"], None);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("--password-stdin"),
        "{}",
        text(&output)
    );
    let output = seed(&["--workers", "12", "--password-stdin"], Some("short\n"));
    assert!(!output.status.success());
    assert!(
        text(&output).contains("--password-stdin:"),
        "{}",
        text(&output)
    );
    let file = data_path.join("caseward.db");
    let users = || {
        sqlite_rows(
            &file,
            "SELECT username FROM users ORDER BY username",
            |row| sqlx::Row::get::<String, _>(row, 0),
        )
    };
    assert_eq!(users(), vec!["worker1"]);

    let output = seed(
        &["--workers", "12", "--password-stdin"],
        Some("a long enough password for the staff\n"),
    );
    assert!(output.status.success(), "{}", text(&output));
    let names = users();
    for name in [
        "worker1",
        "worker12",
        "supervisor1",
        "supervisor2",
        "manager1",
    ] {
        assert!(names.contains(&name.to_string()), "{name} in {names:?}");
    }
    assert_eq!(names.len(), 15, "{names:?}");
    // Two teams of the workers not in a team already (worker1 is in none: it joins the first).
    let teams = sqlite_rows(
        &file,
        "SELECT COUNT(*) FROM team_members GROUP BY team_id ORDER BY 1",
        |row| sqlx::Row::get::<i64, _>(row, 0),
    );
    assert_eq!(teams, vec![2, 10]);
    // The new staff can log in with the password.
    let hashes = sqlite_rows(
        &file,
        "SELECT COUNT(DISTINCT password_hash) FROM users WHERE username <> 'worker1'",
        |row| sqlx::Row::get::<i64, _>(row, 0),
    );
    assert_eq!(hashes, vec![1]);
    // Cases went to all of them, and a second run keeps the users and teams it finds.
    let holders = sqlite_rows(
        &file,
        "SELECT COUNT(DISTINCT assigned_to) FROM cases",
        |row| sqlx::Row::get::<i64, _>(row, 0),
    );
    assert!(holders[0] >= 12, "{holders:?}");
    let output = seed(
        &["--workers", "12", "--password-stdin"],
        Some("a long enough password for the staff\n"),
    );
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(users().len(), 15);
}

#[test]
fn dev_baseline_measures_single_row_durable_inserts() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 0);
    let data = data_path.to_str().unwrap();
    let output = caseward(&["--data", data, "dev", "baseline", "--rows", "40"], None);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("Raw inserts (40 rows of 1,500 bytes, 1 a transaction): "),
        "{said}"
    );
    // No rows are left behind, and a bad count is refused before anything is written.
    let left = sqlite_rows(
        &data_path.join("caseward.db"),
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'caseward_insert_baseline'",
        |row| sqlx::Row::get::<i64, _>(row, 0),
    );
    assert_eq!(left, vec![0]);
    let output = caseward(&["--data", data, "dev", "baseline", "--batch", "0"], None);
    assert!(!output.status.success());
    assert!(text(&output).contains("--batch"), "{}", text(&output));
}

#[test]
fn case_tallies_finds_wrong_report_tallies_and_repairs_them() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = seeded_instance(dir.path(), 40);
    let data = data_path.to_str().unwrap();
    let output = caseward(&["--data", data, "case", "tallies"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("agree with the cases"),
        "{}",
        text(&output)
    );

    // A hand edit around the triggers: one tally doubled.
    sqlite_execute(
        &data_path.join("caseward.db"),
        &["UPDATE report_tallies SET cases = 2 * cases
           WHERE field_id = '' AND (case_type, stage, opened_month) = (
               SELECT case_type, stage, opened_month FROM report_tallies
               WHERE field_id = '' AND cases > 0 LIMIT 1)"],
    );
    let output = caseward(&["--data", data, "case", "tallies"], None);
    assert!(!output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("2 report tallies differ from the cases"),
        "{}",
        text(&output)
    );
    let output = caseward(&["--data", data, "case", "tallies", "--repair"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("2 report tallies differed"),
        "{}",
        text(&output)
    );
    let output = caseward(&["--data", data, "case", "tallies"], None);
    assert!(output.status.success(), "{}", text(&output));
}
