//! `caseward config export` and `config import`: the configuration as files. A round trip
//! through a fresh instance gives back the same files; a dry run prints the changes and
//! changes nothing; a bad folder is refused whole, its problems named by file, line and key.

mod common;

use common::caseward;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn ok(args: &[&str]) -> String {
    let output = caseward(args, None);
    assert!(output.status.success(), "{args:?}: {}", text(&output));
    text(&output)
}

/// Every file below `dir` by its relative path, with its text.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn instance(dir: &Path, name: &str) -> String {
    let data = dir.join(name);
    let data = data.to_str().unwrap().to_string();
    ok(&["--data", &data, "init"]);
    data
}

#[test]
fn export_import_export_gives_back_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let first = instance(dir.path(), "first");
    let out1 = dir.path().join("out1");
    ok(&["--data", &first, "config", "export", out1.to_str().unwrap()]);
    // The export is the shipped configuration, file for file.
    let shipped = tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config"));
    assert_eq!(tree(&out1), shipped);
    // Changed, imported into a fresh instance, exported again: identical.
    let gbv = out1.join("case_types/gbv.toml");
    let changed = std::fs::read_to_string(&gbv).unwrap().replacen(
        "review_frequency_days = 30",
        "review_frequency_days = 21",
        1,
    );
    std::fs::write(&gbv, changed).unwrap();
    let second = instance(dir.path(), "second");
    let printed = ok(&[
        "--data",
        &second,
        "config",
        "import",
        out1.to_str().unwrap(),
    ]);
    assert!(
        printed.contains("case type `gbv`: review_frequency_days: 30 → 21"),
        "{printed}"
    );
    assert!(printed.contains("as configuration version 2"), "{printed}");
    let out2 = dir.path().join("out2");
    ok(&[
        "--data",
        &second,
        "config",
        "export",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(tree(&out2), tree(&out1));
    // An earlier version is still there to export; an export never writes into a full folder.
    let out3 = dir.path().join("out3");
    ok(&[
        "--data",
        &second,
        "config",
        "export",
        "--version",
        "1",
        out3.to_str().unwrap(),
    ]);
    assert_eq!(tree(&out3), shipped);
    let refused = caseward(
        &[
            "--data",
            &second,
            "config",
            "export",
            out2.to_str().unwrap(),
        ],
        None,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("the folder is not empty"),
        "{}",
        text(&refused)
    );
}

#[test]
fn a_dry_run_and_a_bad_folder_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = instance(dir.path(), "data");
    let folder = dir.path().join("config");
    ok(&[
        "--data",
        &data,
        "config",
        "export",
        folder.to_str().unwrap(),
    ]);
    let instance_toml = folder.join("instance.toml");
    let original = std::fs::read_to_string(&instance_toml).unwrap();
    std::fs::write(
        &instance_toml,
        original.replacen("Case review", "Case review meeting", 1),
    )
    .unwrap();
    let dry = ok(&[
        "--data",
        &data,
        "config",
        "import",
        "--dry-run",
        folder.to_str().unwrap(),
    ]);
    assert!(
        dry.contains("stage `case_review`: label.en: \"Case review\" → \"Case review meeting\""),
        "{dry}"
    );
    assert!(dry.contains("Dry run: nothing was imported."), "{dry}");
    // A duplicate option list, then a malformed line: each named, nothing imported.
    let common = folder.join("option_lists/common.toml");
    let lists = std::fs::read_to_string(&common).unwrap();
    std::fs::write(
        &common,
        format!("{lists}\n[[option_list]]\nid = \"sex\"\nlabel = {{ en = \"Sex\" }}\n"),
    )
    .unwrap();
    let refused = caseward(
        &[
            "--data",
            &data,
            "config",
            "import",
            folder.to_str().unwrap(),
        ],
        None,
    );
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(said.contains("nothing was imported"), "{said}");
    assert!(said.contains("option_lists/common.toml:"), "{said}");
    assert!(said.contains(".id: "), "{said}");
    std::fs::write(&common, lists).unwrap();
    std::fs::write(
        &instance_toml,
        original.replacen("[instance]", "[instance]\nlanguages = [", 1),
    )
    .unwrap();
    let refused = caseward(
        &[
            "--data",
            &data,
            "config",
            "import",
            folder.to_str().unwrap(),
        ],
        None,
    );
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(said.contains("nothing was imported"), "{said}");
    assert!(
        said.contains("/instance.toml:11: (file): invalid array"),
        "{said}"
    );
    assert!(!said.contains("[instance]: removed"), "{said}");
    // Nothing changed: the newest version is still the first.
    let out = dir.path().join("out");
    ok(&["--data", &data, "config", "export", out.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(out.join("instance.toml"))
            .unwrap()
            .contains("\"Case review\""),
    );
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn an_xlsform_workbook_becomes_a_form_and_a_broken_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = instance(dir.path(), "data");
    let write = |name: &str, question: &str| {
        let survey = rows(&[
            &[
                "type",
                "name",
                "label::English (en)",
                "label::Français (fr)",
            ],
            &["begin group", "visit", "Visit", "Visite"],
            &["text", question, "Who was met", "Personne rencontrée"],
            &["audio", "recording", "Recording", "Enregistrement"],
            &["end group", "", "", ""],
        ]);
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            caseward_server::xlsx_writer::workbook(&[("survey", survey)]),
        )
        .unwrap();
        path.to_str().unwrap().to_string()
    };
    let good = write("visit.xlsx", "met");
    let args = |file: &str, dry: bool| {
        let mut args = vec![
            "--data",
            &data,
            "config",
            "xlsform",
            "--case-type",
            "home_visit",
            "--classification",
            "restricted",
            "--code",
            "HOME",
        ];
        args.push(if dry { "--dry-run" } else { "--" });
        args.push(file);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let call = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        caseward(&refs, None)
    };
    let dry = call(args(&good, true));
    let said = text(&dry);
    assert!(dry.status.success(), "{said}");
    assert!(
        said.contains("survey row 4, column type: \"audio\" has no Caseward field type"),
        "{said}"
    );
    assert!(said.contains("case type `home_visit`: added"), "{said}");
    assert!(
        said.contains("some texts have no ar translation: the en text is used"),
        "{said}"
    );
    assert!(said.contains("Dry run: nothing was imported."), "{said}");
    let refused = call(args(&good, false));
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("1 construct of ")
            && text(&refused).contains("--accept-left-out imports the rest"),
        "{}",
        text(&refused)
    );
    let mut accepting = args(&good, false);
    accepting.insert(accepting.len() - 2, "--accept-left-out".into());
    let done = call(accepting);
    assert!(done.status.success(), "{}", text(&done));
    assert!(
        text(&done).contains("as configuration version 2"),
        "{}",
        text(&done)
    );
    let broken = write("broken.xlsx", "Met");
    let refused = call(args(&broken, false));
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(
        said.contains("broken.xlsx: survey row 3, column name: \"Met\" is not a Caseward id"),
        "{said}"
    );
    assert!(said.contains("nothing was imported"), "{said}");
}
