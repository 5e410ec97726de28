//! Case content at rest, on both databases: sealed with the case's own data key, nothing of it
//! in the database's files or rows, and a ciphertext moved to another case does not open.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::config::Intensity;
use caseward_domain::user::Role;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CaseUpdate, DimensionCount, DimensionValue, NewCase, NewUser, Store, StoreError, User,
};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

on_both!(
    case_content_is_not_in_the_database,
    content_moved_to_another_case_does_not_open,
    without_the_keyring_case_content_is_out_of_reach,
    a_rotation_rewraps_every_key_and_resumes_after_a_stop,
    a_purged_case_is_gone_but_for_its_tombstone,
    a_case_is_found_by_its_words_without_them_being_stored,
    report_dimensions_are_stored_apart_replaced_and_purged,
    edits_keep_the_words_and_dimensions_that_stay_and_change_the_rest,
    reindexing_seals_texts_an_older_version_left_in_clear,
    a_note_is_sealed_and_goes_with_a_purge,
    content_kept_in_the_cases_table_moves_out_with_migration_24,
);

/// A sealed content of about 3 kB (a case's usual size; ciphertext does not compress) is
/// kept in its row on PostgreSQL, not moved out to the TOAST table where each read looked it
/// up again (migration 30). SQLite has no such table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_a_cases_sealed_content_in_its_row() {
    use sqlx::Connection;
    let db = TestDatabase::new(Backend::Postgres).await;
    let store = db.open().await;
    let worker = worker(&store).await;
    let long = FieldValue::Text("a circumstance described at length. ".repeat(80));
    let case = new_case(&worker, CaseFields::from([("circumstances".into(), long)]));
    let id = case.id;
    store.create_case(case).await.unwrap();
    let caseward_store::StoreLocation::Postgres(url) = &db.location else {
        unreachable!("a PostgreSQL database")
    };
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let (stored, toasted): (i32, i64) = sqlx::query_as(
        "SELECT (SELECT octet_length(content) FROM case_contents WHERE case_id = $1),
                pg_relation_size(reltoastrelid)
         FROM pg_class WHERE relname = 'case_contents'",
    )
    .bind(id)
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert!(
        stored > 2500,
        "the content is over the 2 kB TOAST threshold: {stored}"
    );
    assert_eq!(toasted, 0, "the content went out to the TOAST table");
    assert!(store.case_by_id(id).await.unwrap().is_some());
}

/// A case whose every value is a unique canary.
async fn planted(store: &Arc<dyn Store>, worker: &User) -> (uuid::Uuid, Vec<String>) {
    let canaries: Vec<String> = (0..3)
        .map(|_| format!("CANARY{}", uuid::Uuid::now_v7().simple()))
        .collect();
    let fields = CaseFields::from([
        ("child_name".into(), FieldValue::Text(canaries[0].clone())),
        ("address".into(), FieldValue::Text(canaries[1].clone())),
        (
            "family".into(),
            FieldValue::Group(vec![
                [("name".to_string(), FieldValue::Text(canaries[2].clone()))].into(),
            ]),
        ),
    ]);
    let id = uuid::Uuid::now_v7();
    let created = store
        .create_case(NewCase {
            id,
            case_type: "child_protection".into(),
            case_type_code: "CP".into(),
            stage: "identification".into(),
            intensity: Intensity::Medium,
            assigned_to: worker.id,
            created_by: worker.id,
            config_version: 1,
            fields: fields.clone(),
            caseload_override_reason: None,
            search_tokens: Vec::new(),
            dimensions: vec![dimension("sex", "female")],
            audit: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(created.fields, fields, "read back in the same transaction");
    (id, canaries)
}

async fn case_content_is_not_in_the_database(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let (id, canaries) = planted(&store, &worker).await;
    let read = store.case_by_id(id).await.unwrap().unwrap();
    assert!(matches!(&read.fields["child_name"], FieldValue::Text(t) if *t == canaries[0]));
    let raw = db.raw_contents().await;
    assert!(raw.len() > 1000, "the scan saw the database");
    assert!(
        raw.contains("CP-2026-00001"),
        "the scan sees what is stored in clear"
    );
    let pg_dump_installed = std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_ok();
    if matches!(db.location, caseward_store::StoreLocation::Postgres(_)) && pg_dump_installed {
        assert!(
            raw.contains("COPY public.cases"),
            "the scan holds a pg_dump"
        );
    }
    for canary in &canaries {
        assert!(
            !raw.contains(canary.as_str()),
            "a case value is stored in clear"
        );
    }
}

async fn content_moved_to_another_case_does_not_open(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let (a, _) = planted(&store, &worker).await;
    let (b, _) = planted(&store, &worker).await;
    db.tamper(&format!(
        "UPDATE case_contents SET content = (SELECT content FROM case_contents WHERE case_id = {a}) WHERE case_id = {b}",
        a = literal(db, a),
        b = literal(db, b)
    ))
    .await;
    assert!(store.case_by_id(a).await.unwrap().is_some());
    assert!(matches!(
        store.case_by_id(b).await,
        Err(StoreError::Undecryptable(_))
    ));
    // With its own data key swapped in too, it still does not open: the key is bound to its case.
    db.tamper(&format!(
        "UPDATE case_keys SET wrapped = (SELECT wrapped FROM case_keys WHERE case_id = {a}) WHERE case_id = {b}",
        a = literal(db, a),
        b = literal(db, b)
    ))
    .await;
    assert!(matches!(
        store.case_by_id(b).await,
        Err(StoreError::Undecryptable(_))
    ));
    // Without its data key a case is gone for good (what purging will do).
    db.tamper(&format!(
        "DELETE FROM case_keys WHERE case_id = {}",
        literal(db, a)
    ))
    .await;
    assert!(matches!(
        store.case_by_id(a).await,
        Err(StoreError::Undecryptable(_))
    ));
}

async fn without_the_keyring_case_content_is_out_of_reach(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    let (id, _) = planted(&store, &worker).await;
    let keyless = db.open_without_keyring().await;
    assert!(matches!(
        keyless.case_by_id(id).await,
        Err(StoreError::NoKeyring)
    ));
    let mut fields = CaseFields::new();
    fields.insert("child_name".into(), FieldValue::Text("x".into()));
    let refused = keyless
        .create_case(NewCase {
            id: uuid::Uuid::now_v7(),
            case_type: "child_protection".into(),
            case_type_code: "CP".into(),
            stage: "identification".into(),
            intensity: Intensity::Low,
            assigned_to: worker.id,
            created_by: worker.id,
            config_version: 1,
            fields,
            caseload_override_reason: None,
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: Vec::new(),
            now: Utc::now(),
        })
        .await;
    assert!(matches!(refused, Err(StoreError::NoKeyring)));
    // Lists need no key: they carry no content.
    assert_eq!(
        keyless
            .list_cases(&caseward_store::CaseFilter {
                page: 1,
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .total,
        1
    );
}

/// A UUID as an SQL literal for the backend.
/// An instance from before migration 0024 kept each case's sealed content in `cases`: the
/// migration moves it to `case_contents`, and every case still opens.
async fn content_kept_in_the_cases_table_moves_out_with_migration_24(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    let (a, canaries) = planted(&store, &worker).await;
    let (b, _) = planted(&store, &worker).await;
    let before = store.case_by_id(a).await.unwrap().unwrap();
    drop(store);
    let blob = match db.location {
        caseward_store::StoreLocation::Postgres(_) => "BYTEA",
        _ => "BLOB",
    };
    db.tamper(&format!(
        "ALTER TABLE cases ADD COLUMN content {blob};
         UPDATE cases SET content = (SELECT content FROM case_contents WHERE case_id = cases.id);
         DROP TABLE case_contents;
         DELETE FROM schema_migrations WHERE number = 24;"
    ))
    .await;
    let store = db.open().await;
    assert!(store.applied_migrations().await.unwrap().contains(&24));
    let after = store.case_by_id(a).await.unwrap().unwrap();
    assert_eq!(after.fields, before.fields);
    assert_eq!(after.summary.version, before.summary.version);
    assert!(store.case_by_id(b).await.unwrap().is_some());
    let raw = db.raw_contents().await;
    for canary in &canaries {
        assert!(!raw.contains(canary.as_str()), "a value is stored in clear");
    }
}

fn literal(db: &TestDatabase, id: uuid::Uuid) -> String {
    match db.location {
        caseward_store::StoreLocation::Postgres(_) => format!("'{id}'::uuid"),
        _ => format!("X'{}'", id.simple()),
    }
}

async fn a_rotation_rewraps_every_key_and_resumes_after_a_stop(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    use caseward_store::OpenOptions;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keyring");
    std::fs::write(&file, db.keyring().to_toml().as_bytes()).unwrap();
    let open = |keyring: caseward_crypto::Keyring, from_file: bool| {
        let file = file.clone();
        async move {
            caseward_store::open(
                &db.location,
                &OpenOptions {
                    keyring: Some(Arc::new(keyring)),
                    keyring_file: from_file.then_some(file),
                    ..OpenOptions::default()
                },
            )
            .await
            .unwrap()
        }
    };
    let read_file =
        || caseward_crypto::Keyring::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
    // The "server": opened from the keyring file, before the rotation.
    let server = open(read_file(), true).await;
    let worker = worker(&store).await;
    let mut cases = Vec::new();
    for _ in 0..5 {
        cases.push(planted(&server, &worker).await.0);
    }
    // The rotation adds master key 2 to the file, then rewraps; it stops after one batch.
    let mut rotated = read_file();
    rotated.add_master_key(&mut rand::rngs::OsRng);
    std::fs::write(&file, rotated.to_toml().as_bytes()).unwrap();
    let rotation = open(read_file(), false).await;
    assert_eq!(rotation.rewrap_case_keys(2).await.unwrap(), 2);
    assert_eq!(
        rotation.case_keys_by_master().await.unwrap(),
        [(1, 3), (2, 2)]
    );
    for id in &cases {
        assert!(
            server.case_by_id(*id).await.unwrap().is_some(),
            "readable midway"
        );
    }
    // Started again, it finishes; every case still reads, and new ones use the new key.
    let rotation = open(read_file(), false).await;
    assert_eq!(rotation.rewrap_case_keys(100).await.unwrap(), 3);
    assert_eq!(rotation.rewrap_case_keys(100).await.unwrap(), 0);
    for id in &cases {
        assert!(server.case_by_id(*id).await.unwrap().is_some());
        assert!(rotation.case_by_id(*id).await.unwrap().is_some());
    }
    planted(&server, &worker).await;
    assert_eq!(rotation.case_keys_by_master().await.unwrap(), [(2, 6)]);
}

async fn a_purged_case_is_gone_but_for_its_tombstone(db: &TestDatabase, store: Arc<dyn Store>) {
    use caseward_domain::audit::{AuditAction, AuditEvent};
    let worker = worker(&store).await;
    let (id, _) = planted(&store, &worker).await;
    let (kept, _) = planted(&store, &worker).await;
    let now = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
    let event = AuditEvent {
        case_id: Some(id),
        reason: Some("retention period ended".into()),
        client: "cli".into(),
        ..AuditEvent::new(None, AuditAction::CasePurge)
    };
    assert!(
        store
            .purge_case(id, "retention period ended", &[event], now)
            .await
            .unwrap()
    );
    assert!(store.case_by_id(id).await.unwrap().is_none());
    assert!(store.case_by_id(kept).await.unwrap().is_some());
    let (number, when) = store.case_purged(id).await.unwrap().unwrap();
    assert_eq!((number.as_str(), when), ("CP-2026-00001", now));
    assert!(
        !store.purge_case(id, "again", &[], now).await.unwrap(),
        "once"
    );
    let trail = store.case_audit(id, 10).await.unwrap();
    assert_eq!(trail[0].event.action, AuditAction::CasePurge);
    let listed = store
        .list_cases(&caseward_store::CaseFilter {
            page: 1,
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(
        store
            .dimension_counts("child_protection", "sex")
            .await
            .unwrap(),
        [count("female", 1)],
        "the purged case's dimensions go with it"
    );
    let raw = db.raw_contents().await;
    assert!(
        raw.contains("retention period ended"),
        "the tombstone keeps its reason"
    );
}

async fn a_case_is_found_by_its_words_without_them_being_stored(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    use caseward_crypto::blind_index::IndexKey;
    use caseward_store::SearchToken;
    let key = IndexKey::of(&db.keyring());
    let worker = worker(&store).await;
    let other = store
        .create_user(NewUser {
            id: uuid::Uuid::now_v7(),
            username: "worker2".into(),
            display_name: "Other".into(),
            role: Role::CASE_WORKER,
            agency: None,
            password_hash: "x".into(),
            audit: Vec::new(),
            now: Utc::now(),
        })
        .await
        .unwrap();
    let mut tokens: Vec<SearchToken> = key
        .tokens("Amina Kéïta")
        .into_iter()
        .map(|token| SearchToken {
            token,
            restricted: true,
        })
        .collect();
    tokens.extend(
        key.tokens("Riverside")
            .into_iter()
            .map(|token| SearchToken {
                token,
                restricted: false,
            }),
    );
    store
        .create_case(NewCase {
            search_tokens: tokens,
            now: Utc::now(),
            ..new_case(
                &worker,
                CaseFields::from([("child_name".into(), FieldValue::Text("Amina Kéïta".into()))]),
            )
        })
        .await
        .unwrap();
    assert_eq!(
        found(&store, &key, "keita", Some(worker.id)).await,
        1,
        "diacritics and case folded"
    );
    assert_eq!(
        found(&store, &key, "KEITA amina", Some(worker.id)).await,
        1,
        "every word must match"
    );
    assert_eq!(
        found(&store, &key, "amina zawadi", Some(worker.id)).await,
        0
    );
    assert_eq!(
        found(&store, &key, "keit", Some(worker.id)).await,
        0,
        "whole words only"
    );
    // A restricted field's words match for the assigned worker only; a standard one's for
    // anyone who reaches the case (here: no reach limit at all).
    assert_eq!(found(&store, &key, "keita", None).await, 0);
    assert_eq!(found(&store, &key, "riverside", None).await, 1);
    assert_eq!(found(&store, &key, "keita", Some(other.id)).await, 0);
    let raw = db.raw_contents().await.to_lowercase();
    for word in ["amina", "keita", "kéïta", "riverside"] {
        assert!(!raw.contains(word), "{word} is stored in clear");
    }
}

/// How many cases a search for `words` finds for `viewer` (`None`: no reach limit).
async fn found(
    store: &Arc<dyn Store>,
    key: &caseward_crypto::blind_index::IndexKey,
    words: &str,
    viewer: Option<uuid::Uuid>,
) -> u64 {
    let filter = caseward_store::CaseFilter {
        reachable_by: viewer.map(|user| caseward_store::Reach {
            user,
            include_team_cases: false,
        }),
        name_tokens: key.tokens(words),
        page: 1,
        per_page: 10,
        ..Default::default()
    };
    store.list_cases(&filter).await.unwrap().total
}

fn dimension(field: &str, value: &str) -> DimensionValue {
    DimensionValue {
        field: field.into(),
        value: value.into(),
    }
}

fn count(value: &str, cases: i64) -> DimensionCount {
    DimensionCount {
        value: value.into(),
        cases,
    }
}

async fn report_dimensions_are_stored_apart_replaced_and_purged(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    let (a, canaries) = planted(&store, &worker).await;
    let (b, _) = planted(&store, &worker).await;
    let sex = || store.dimension_counts("child_protection", "sex");
    assert_eq!(sex().await.unwrap(), [count("female", 2)]);
    assert_eq!(
        store.dimension_counts("gbv", "sex").await.unwrap(),
        [],
        "counted per case type"
    );
    // A write replaces the case's dimension values with the new ones, in its transaction.
    let case = store.case_by_id(b).await.unwrap().unwrap();
    store
        .update_case(CaseUpdate {
            id: b,
            expected_version: case.summary.version,
            fields: case.fields,
            config_version: 1,
            search_tokens: Vec::new(),
            dimensions: vec![
                dimension("sex", "male"),
                dimension("age", "12-17"),
                dimension("concerns", "neglect"),
                dimension("concerns", "violence"),
            ],
            audit: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(sex().await.unwrap(), [count("female", 1), count("male", 1)]);
    assert_eq!(
        store
            .dimension_counts("child_protection", "concerns")
            .await
            .unwrap(),
        [count("neglect", 1), count("violence", 1)],
        "a multiple choice counts under each option"
    );
    // A refused write (stale version) leaves them as they were.
    let refused = store
        .update_case(CaseUpdate {
            id: a,
            expected_version: 99,
            fields: CaseFields::new(),
            config_version: 1,
            search_tokens: Vec::new(),
            dimensions: vec![dimension("sex", "male")],
            audit: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap(),
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(sex().await.unwrap(), [count("female", 1), count("male", 1)]);
    // The dimensions are what the raw files hold in clear; the case values are not.
    let raw = db.raw_contents().await;
    assert!(raw.contains("12-17") && raw.contains("violence"));
    for canary in &canaries {
        assert!(!raw.contains(canary.as_str()));
    }
}

/// Edits written together bring each case's search tokens and report dimensions up to date:
/// what stays stays, what went is gone (a token whose field became restricted included), what
/// is new is there; a case edited without change keeps all of its own.
async fn edits_keep_the_words_and_dimensions_that_stay_and_change_the_rest(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    use caseward_crypto::blind_index::IndexKey;
    use caseward_store::SearchToken;
    let key = IndexKey::of(&db.keyring());
    let worker = worker(&store).await;
    let tokens = |restricted: &str, open: &str| -> Vec<SearchToken> {
        let mut tokens: Vec<SearchToken> = key
            .tokens(restricted)
            .into_iter()
            .map(|token| SearchToken {
                token,
                restricted: true,
            })
            .collect();
        tokens.extend(key.tokens(open).into_iter().map(|token| SearchToken {
            token,
            restricted: false,
        }));
        tokens
    };
    let mut ids = Vec::new();
    for _ in 0..2 {
        let case = store
            .create_case(NewCase {
                search_tokens: tokens("Amina Keita", "Riverside"),
                dimensions: vec![dimension("sex", "female"), dimension("concerns", "neglect")],
                now: Utc::now(),
                ..new_case(&worker, CaseFields::new())
            })
            .await
            .unwrap();
        ids.push(case.summary.id);
    }
    let edit =
        |id: uuid::Uuid, search_tokens: Vec<SearchToken>, dimensions: Vec<DimensionValue>| {
            let store = store.clone();
            async move {
                let case = store.case_by_id(id).await.unwrap().unwrap();
                store
                    .update_case(CaseUpdate {
                        id,
                        expected_version: case.summary.version,
                        fields: case.fields,
                        config_version: 1,
                        search_tokens,
                        dimensions,
                        audit: Vec::new(),
                        now: Utc::now(),
                    })
                    .await
                    .unwrap();
            }
        };
    let mut riverside_restricted = tokens("Amina Zawadi", "");
    riverside_restricted.extend(tokens("Riverside", ""));
    tokio::join!(
        edit(
            ids[0],
            riverside_restricted,
            vec![
                dimension("sex", "female"),
                dimension("concerns", "violence")
            ],
        ),
        edit(
            ids[1],
            tokens("Amina Keita", "Riverside"),
            vec![dimension("sex", "female"), dimension("concerns", "neglect")],
        ),
    );
    assert_eq!(
        found(&store, &key, "amina", Some(worker.id)).await,
        2,
        "a word that stays"
    );
    assert_eq!(
        found(&store, &key, "keita", Some(worker.id)).await,
        1,
        "a word gone from one case"
    );
    assert_eq!(
        found(&store, &key, "zawadi", Some(worker.id)).await,
        1,
        "a new word"
    );
    assert_eq!(found(&store, &key, "riverside", Some(worker.id)).await, 2);
    assert_eq!(
        found(&store, &key, "riverside", None).await,
        1,
        "a word whose field became restricted"
    );
    assert_eq!(
        store
            .dimension_counts("child_protection", "sex")
            .await
            .unwrap(),
        [count("female", 2)]
    );
    assert_eq!(
        store
            .dimension_counts("child_protection", "concerns")
            .await
            .unwrap(),
        [count("neglect", 1), count("violence", 1)]
    );
}

async fn reindexing_seals_texts_an_older_version_left_in_clear(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    let (id, _) = planted(&store, &worker).await;
    let opened = store.case_assignments(id).await.unwrap();
    assert_eq!(opened[0].reason, "case opened", "sealed and opened");
    db.tamper("UPDATE case_assignments SET reason = 'LEGACY-PLAIN-REASON'")
        .await;
    assert_eq!(
        store.case_assignments(id).await.unwrap()[0].reason,
        "LEGACY-PLAIN-REASON",
        "a text in clear reads as it is"
    );
    let sealed = store
        .reindex_case(id, &[], &[dimension("sex", "male")])
        .await
        .unwrap();
    assert_eq!(sealed, 1);
    assert_eq!(
        store.case_assignments(id).await.unwrap()[0].reason,
        "LEGACY-PLAIN-REASON",
        "sealed, it opens as it was"
    );
    assert_eq!(
        store
            .dimension_counts("child_protection", "sex")
            .await
            .unwrap(),
        [count("male", 1)]
    );
    assert_eq!(store.reindex_case(id, &[], &[]).await.unwrap(), 0, "once");
    assert!(matches!(
        store.reindex_case(uuid::Uuid::now_v7(), &[], &[]).await,
        Err(StoreError::NotFound)
    ));
}

async fn a_note_is_sealed_and_goes_with_a_purge(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let (id, _) = planted(&store, &worker).await;
    let body = format!("CANARY{}", uuid::Uuid::now_v7().simple());
    let note = store
        .add_note(caseward_store::NewNote {
            id: uuid::Uuid::now_v7(),
            case_id: id,
            kind: "home_visit".into(),
            confidential: true,
            body: body.clone(),
            next_contact_on: None,
            written_by: worker.id,
            audit: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(
        (note.body.as_str(), note.confidential),
        (body.as_str(), true)
    );
    assert_eq!(store.case_notes(id).await.unwrap(), [note]);
    assert!(
        !db.raw_contents().await.contains(&body),
        "a note's body is stored in clear"
    );
    let gone = store
        .add_note(caseward_store::NewNote {
            id: uuid::Uuid::now_v7(),
            case_id: uuid::Uuid::now_v7(),
            kind: "other".into(),
            confidential: false,
            body: "x".into(),
            next_contact_on: None,
            written_by: worker.id,
            audit: Vec::new(),
            now: Utc::now(),
        })
        .await;
    assert!(matches!(gone, Err(StoreError::NotFound)), "{gone:?}");
    assert!(
        store
            .purge_case(id, "retention", &[], Utc::now())
            .await
            .unwrap()
    );
    assert_eq!(store.case_notes(id).await.unwrap(), []);
}
