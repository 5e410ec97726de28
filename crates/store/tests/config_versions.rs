//! Configuration versions on both databases: added in order only, after the newest one they
//! were judged against; their files, author and changes read back as written; the audit
//! entries commit with them; case counts by type and stage.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::CaseFields;
use caseward_domain::config::SourceFile;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{ConfigSource, NewConfigVersion, Store, StoreError};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

on_both!(
    versions_follow_each_other_and_read_back,
    case_usage_counts_cases_by_type_and_stage,
);

fn files(text: &str) -> Vec<SourceFile> {
    vec![
        SourceFile {
            name: "instance.toml".into(),
            text: "[instance]\ndefault_language = \"en\"\n".into(),
        },
        SourceFile {
            name: "case_types/gbv.toml".into(),
            text: text.into(),
        },
    ]
}

fn version(number: u32, previous: Option<u32>, text: &str) -> NewConfigVersion {
    NewConfigVersion {
        version: number,
        previous,
        source: if previous.is_none() {
            ConfigSource::Initial
        } else {
            ConfigSource::Edit
        },
        restored_from: None,
        author: None,
        fingerprint: format!("fp{number}"),
        files: files(text),
        changes: vec![format!("change {number}")],
        audit: Vec::new(),
        now: Utc.with_ymd_and_hms(2026, 3, number, 9, 0, 0).unwrap(),
    }
}

async fn versions_follow_each_other_and_read_back(_db: &TestDatabase, store: Arc<dyn Store>) {
    assert_eq!(store.newest_config_version().await.unwrap(), None);
    assert!(store.config_version(None).await.unwrap().is_none());
    store
        .add_config_version(version(1, None, "# first"))
        .await
        .unwrap();
    // A change judged against no version, or an older one, is refused: another came first.
    for stale in [None, Some(0)] {
        assert!(matches!(
            store.add_config_version(version(2, stale, "# stale")).await,
            Err(StoreError::Conflict { .. })
        ));
    }
    let author = worker(&store).await;
    let mut second = version(2, Some(1), "# second — ünïcode");
    second.author = Some(author.id);
    second.audit = vec![AuditEvent::new(
        Some(author.id),
        AuditAction::ConfigurationChange,
    )];
    let summary = store.add_config_version(second).await.unwrap();
    assert_eq!(summary.version, 2);
    assert_eq!(summary.author.as_ref().map(|a| a.id), Some(author.id));
    assert_eq!(summary.source, ConfigSource::Edit);
    assert_eq!(summary.changes, vec!["change 2".to_string()]);
    assert_eq!(store.newest_config_version().await.unwrap(), Some(2));
    let newest = store.config_version(None).await.unwrap().unwrap();
    assert_eq!(newest.summary, summary);
    assert_eq!(newest.files[1].name, "case_types/gbv.toml");
    assert_eq!(newest.files[1].text, "# second — ünïcode");
    let first = store.config_version(Some(1)).await.unwrap().unwrap();
    assert_eq!(first.files[1].text, "# first");
    assert_eq!(first.summary.author, None);
    assert!(store.config_version(Some(9)).await.unwrap().is_none());
    let list: Vec<u32> = store
        .config_versions()
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(list, vec![2, 1]);
    let audit = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.event.action == AuditAction::ConfigurationChange)
            .count(),
        1
    );
}

async fn case_usage_counts_cases_by_type_and_stage(_db: &TestDatabase, store: Arc<dyn Store>) {
    assert!(store.case_usage().await.unwrap().is_empty());
    let worker = worker(&store).await;
    for _ in 0..3 {
        store
            .create_case(new_case(&worker, CaseFields::new()))
            .await
            .unwrap();
    }
    assert_eq!(
        store.case_usage().await.unwrap(),
        vec![("child_protection".into(), "identification".into(), 3)]
    );
    // The ids of a type, in id order, by a cursor.
    let first = store
        .case_ids_of_type("child_protection", None, 2)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert!(first[0] < first[1]);
    let rest = store
        .case_ids_of_type("child_protection", Some(first[1]), 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0] > first[1]);
    assert!(
        store
            .case_ids_of_type("gbv", None, 2)
            .await
            .unwrap()
            .is_empty()
    );
}
