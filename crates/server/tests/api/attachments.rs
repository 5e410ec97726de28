//! A case's documents through the API: a file goes in encrypted and comes back whole to those
//! who may see it, as a download; the policy of fields applies (classification, the
//! `attachments` grant); bad uploads get a precise problem and leave nothing behind.

use crate::world::World;
use caseward_server::ServerSettings;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_document_goes_in_encrypted_and_comes_back_whole,
    who_sees_an_attachment,
    bad_uploads_are_refused_precisely_and_keep_nothing,
);

const LIMIT: u64 = 300_000;

async fn world(backend: Backend) -> World {
    World::with_settings(
        backend,
        ServerSettings {
            mfa_required_roles: Vec::new(),
            attachment_max_bytes: LIMIT,
            ..ServerSettings::default()
        },
    )
    .await
}

/// A PDF-looking document of `len` bytes with `canary` written through it.
fn document(canary: &str, len: usize) -> Vec<u8> {
    let mut content = b"%PDF-1.7\n".to_vec();
    while content.len() < len {
        content.extend_from_slice(canary.as_bytes());
        content.push(b'\n');
    }
    content.truncate(len);
    content
}

async fn upload(
    world: &World,
    who: &str,
    case: &str,
    query: &str,
    media_type: &str,
    name: &str,
    content: Vec<u8>,
) -> (StatusCode, Value) {
    let response = world
        .client(who)
        .post(
            world
                .app
                .at(&format!("/api/v1/cases/{case}/attachments?{query}")),
        )
        .header("content-type", media_type)
        .header("x-caseward-file-name", name)
        .body(content)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn list(world: &World, who: &str, case: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/cases/{case}/attachments");
    world.call(who, reqwest::Method::GET, &path, None).await
}

async fn download(world: &World, who: &str, case: &str, id: &str) -> reqwest::Response {
    world
        .client(who)
        .get(
            world
                .app
                .at(&format!("/api/v1/cases/{case}/attachments/{id}")),
        )
        .send()
        .await
        .unwrap()
}

async fn a_document_goes_in_encrypted_and_comes_back_whole(backend: Backend) {
    let mut world = world(backend).await;
    let case = world.plant_case("worker1", "child_protection").await;
    let (name, inside) = (
        format!("CANARY{}", uuid::Uuid::now_v7().simple()),
        format!("CANARY{}", uuid::Uuid::now_v7().simple()),
    );
    let content = document(&inside, 150_001);
    let encoded_name = format!("{name}%20%C3%A9t%C3%A9.pdf");
    let (status, added) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=consent_form",
        "application/pdf",
        &encoded_name,
        content.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["name"], format!("{name} été.pdf"));
    assert_eq!(added["classification"], "restricted", "the default");
    assert_eq!(added["kind"], "consent_form");
    assert_eq!(added["size"], 150_001);
    let id = added["id"].as_str().unwrap();

    let (status, listed) = list(&world, "worker1", &case.id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"][0]["id"], id);
    assert_eq!(listed["withheld"], 0);

    let response = download(&world, "worker1", &case.id, id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-length"), "150001");
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(
        header("content-disposition").starts_with("attachment; "),
        "never shown inline"
    );
    assert!(header("content-disposition").ends_with("%C3%A9t%C3%A9%2Epdf"));
    let body = response.bytes().await.unwrap();
    assert!(
        body.as_ref() == content.as_slice(),
        "the content comes back whole"
    );

    // The trail names the document by id, never by name or content.
    let trail = world
        .app
        .store
        .case_audit(uuid::Uuid::parse_str(&case.id).unwrap(), 10)
        .await
        .unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.event.action.as_str()).collect();
    assert_eq!(
        &actions[..3],
        [
            "case.attachment.download",
            "case.attachment.list",
            "case.attachment.upload"
        ]
    );
    assert_eq!(
        trail[0].event.subject.map(|s| s.to_string()).as_deref(),
        Some(id)
    );
    assert_eq!(trail[1].event.fields, [id.to_string()]);

    let raw = world.app.database().raw_contents().await;
    assert!(raw.len() > 150_000, "the scan saw the attachments folder");
    for canary in [&name, &inside] {
        assert!(!raw.contains(canary.as_str()), "stored in clear");
    }
}

async fn who_sees_an_attachment(backend: Backend) {
    let mut world = world(backend).await;
    // Not a survivor's case: a grant suffices, no consent is needed.
    let case = world.plant_case("worker1", "general_protection").await;
    let mut ids = Vec::new();
    for classification in ["standard", "restricted", "confidential"] {
        let (status, added) = upload(
            &world,
            "worker1",
            &case.id,
            &format!("kind=assessment&classification={classification}"),
            "image/png",
            "scan.png",
            b"\x89PNG\r\n\x1a\n rest of the image".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{added}");
        ids.push(added["id"].as_str().unwrap().to_string());
    }
    let (standard, restricted, confidential) = (&ids[0], &ids[1], &ids[2]);

    // The team's supervisor reads the case: the standard document only.
    let (_, listed) = list(&world, "supervisor1", &case.id).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], standard.as_str());
    assert_eq!(listed["withheld"], 2);
    assert_eq!(
        download(&world, "supervisor1", &case.id, standard)
            .await
            .status(),
        StatusCode::OK
    );
    for id in [restricted, confidential] {
        assert_eq!(
            download(&world, "supervisor1", &case.id, id).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    // Someone the case is not shared with does not learn it exists.
    assert_eq!(
        list(&world, "worker2", &case.id).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&world, "worker2", &case.id, standard)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The case says which classifications each may attach.
    let attachable = |who: &'static str| {
        let url = world.app.at(&format!("/api/v1/cases/{}", case.id));
        let client = world.client(who).clone();
        async move {
            let case: Value = client.get(url).send().await.unwrap().json().await.unwrap();
            case["access"]["attachable"].clone()
        }
    };
    assert_eq!(
        attachable("worker1").await,
        json!(["standard", "restricted", "confidential"])
    );
    assert_eq!(attachable("supervisor1").await, json!(["standard"]));
    // The supervisor may change the case, but not attach what they could not see.
    let (status, refused) = upload(
        &world,
        "supervisor1",
        &case.id,
        "kind=other&classification=restricted",
        "application/pdf",
        "a.pdf",
        b"%PDF-".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["errors"][0]["field"], "classification", "{refused}");

    // Shared, then granted "attachments": the restricted one opens; confidential never does.
    let worker1 = world.client("worker1");
    let worker3 = world.users["worker3"].id;
    let response = worker1
        .post(world.app.at(&format!("/api/v1/cases/{}/shares", case.id)))
        .json(&json!({ "user_id": worker3, "reason": "joint work", "confirm_password": crate::support::TestApp::password_of("worker1") }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        download(&world, "worker3", &case.id, restricted)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let response = worker1
        .post(world.app.at(&format!("/api/v1/cases/{}/field-grants", case.id)))
        .json(&json!({ "user_id": worker3, "field_id": "attachments", "reason": "joint work", "confirm_password": crate::support::TestApp::password_of("worker1") }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
    assert_eq!(
        download(&world, "worker3", &case.id, restricted)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        download(&world, "worker3", &case.id, confidential)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (_, listed) = list(&world, "worker3", &case.id).await;
    assert_eq!(
        (
            listed["items"].as_array().unwrap().len(),
            &listed["withheld"]
        ),
        (2, &json!(1))
    );
    // Only the assigned worker removes a document, with a reason.
    let remove = |who: &'static str, id: String, body: Value| {
        let url = world
            .app
            .at(&format!("/api/v1/cases/{}/attachments/{id}", case.id));
        let client = world.client(who).clone();
        async move {
            client
                .delete(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        remove("worker3", standard.clone(), json!({ "reason": "x" })).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        remove("worker1", standard.clone(), json!({ "reason": "  " })).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        remove(
            "worker1",
            uuid::Uuid::now_v7().to_string(),
            json!({ "reason": "x" })
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        remove(
            "worker1",
            standard.clone(),
            json!({ "reason": "a duplicate" })
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        download(&world, "worker1", &case.id, standard)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // And they may not attach what they could not see.
    let (status, _) = upload(
        &world,
        "worker3",
        &case.id,
        "kind=other&classification=confidential",
        "application/pdf",
        "a.pdf",
        b"%PDF-".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn bad_uploads_are_refused_precisely_and_keep_nothing(backend: Backend) {
    let mut world = world(backend).await;
    let case = world.plant_case("worker1", "child_protection").await;
    let pdf = || document("x", 100);
    let fields = |body: &Value| -> Vec<String> {
        body["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|e| e["field"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    // Unknown kind and classification, a name with a path: every problem at once.
    let (status, body) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=selfie&classification=secret",
        "application/pdf",
        "..%2Fetc%2Fpasswd",
        pdf(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["kind", "classification", "file_name"]);
    // No name at all.
    let response = world
        .client("worker1")
        .post(
            world
                .app
                .at(&format!("/api/v1/cases/{}/attachments?kind=other", case.id)),
        )
        .header("content-type", "application/pdf")
        .body(pdf())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&response.json().await.unwrap()), ["file_name"]);
    // A type not accepted (a browser would run it), and content that is not its type.
    let (status, body) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=other",
        "text/html",
        "a.html",
        b"<script>".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(fields(&body), ["content_type"]);
    assert!(body["detail"].as_str().unwrap().contains("application/pdf"));
    let (status, body) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=photo",
        "image/png",
        "a.png",
        pdf(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["content_type"]);
    let (status, body) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=other",
        "application/pdf",
        "a.pdf",
        Vec::new(),
    )
    .await;
    assert_eq!(
        (status, fields(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["file".to_string()])
    );
    // Too large: refused from the declared length, and while streaming when none is declared.
    let (status, body) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=other",
        "application/pdf",
        "a.pdf",
        document("x", LIMIT as usize + 1),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(fields(&body), ["file"]);
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = document("x", LIMIT as usize + 70_000)
        .chunks(50_000)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let response = world
        .client("worker1")
        .post(
            world
                .app
                .at(&format!("/api/v1/cases/{}/attachments?kind=other", case.id)),
        )
        .header("content-type", "application/pdf")
        .header("x-caseward-file-name", "streamed.pdf")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            pieces,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The rest of the body is not read: the client is told not to reuse the connection.
    assert_eq!(
        response
            .headers()
            .get("connection")
            .and_then(|v| v.to_str().ok()),
        Some("close")
    );
    // Exactly the limit fits.
    let (status, _) = upload(
        &world,
        "worker1",
        &case.id,
        "kind=other",
        "application/pdf",
        "fits.pdf",
        document("x", LIMIT as usize),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // A malformed id, an unknown one.
    let response = download(&world, "worker1", &case.id, "not-an-id").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = download(
        &world,
        "worker1",
        &case.id,
        &uuid::Uuid::now_v7().to_string(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let (_, listed) = list(&world, "worker1", &case.id).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "only the accepted file is kept"
    );
    let mut files = Vec::new();
    let mut dirs = vec![world.app.database().attachments.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if entry.path().is_dir() {
                dirs.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    assert_eq!(files.len(), 1, "nothing else on disk: {files:?}");
}
