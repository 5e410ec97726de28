//! The audit table of `docs/SECURITY-MODEL.md`, as data: every endpoint of the API is called
//! once (allowed, and where it matters refused), and each call must leave exactly the entries
//! the table says — action, outcome and actor — or none, for calls that touch neither case
//! content nor administration.

use crate::support::TestApp;
use crate::world::World;
use caseward_domain::audit::{AuditAction, Outcome};
use caseward_store::testing::Backend;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(every_call_leaves_the_entries_the_table_says);

/// One call and what it must leave in the trail.
struct Call {
    what: &'static str,
    who: &'static str,
    method: Method,
    /// `{case}`, `{worker3}`, `{worker4}`, `{consent}`, `{team}`, `{agency}`, `{me}` are
    /// replaced before the call.
    path: &'static str,
    body: Option<Value>,
    /// A file sent as the body instead: its media type and content.
    file: Option<(&'static str, &'static [u8])>,
    /// The entry it leaves (by `who`), or `None` for no entry at all.
    entry: Option<(AuditAction, Outcome)>,
}

fn call(
    what: &'static str,
    who: &'static str,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    entry: Option<(AuditAction, Outcome)>,
) -> Call {
    Call {
        what,
        who,
        method,
        path,
        body,
        file: None,
        entry,
    }
}

/// A call that uploads `content` as a file named `a.pdf`.
fn upload(
    what: &'static str,
    who: &'static str,
    path: &'static str,
    file: (&'static str, &'static [u8]),
    entry: Option<(AuditAction, Outcome)>,
) -> Call {
    Call {
        file: Some(file),
        ..call(what, who, Method::POST, path, None, entry)
    }
}

async fn every_call_leaves_the_entries_the_table_says(backend: Backend) {
    use AuditAction::*;
    use Outcome::*;
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "general_protection").await;
    let second = world.plant_case("worker1", "general_protection").await;
    let pw = |who: &str| TestApp::password_of(who);
    let table = vec![
        call(
            "list cases",
            "worker1",
            Method::GET,
            "/api/v1/cases",
            None,
            Some((CaseList, Allowed)),
        ),
        call(
            "list cases as a manager",
            "manager1",
            Method::GET,
            "/api/v1/cases",
            None,
            Some((CaseList, Denied)),
        ),
        call(
            "read a case",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case}",
            None,
            Some((CaseRead, Allowed)),
        ),
        call(
            "read someone else's case",
            "worker2",
            Method::GET,
            "/api/v1/cases/{case}",
            None,
            Some((CaseRead, Denied)),
        ),
        call(
            "read a case as an administrator",
            "admin1",
            Method::GET,
            "/api/v1/cases/{case}",
            None,
            Some((CaseRead, Denied)),
        ),
        call(
            "update a case",
            "worker1",
            Method::PATCH,
            "/api/v1/cases/{case}",
            Some(json!({ "version": 1, "fields": {} })),
            Some((CaseUpdate, Allowed)),
        ),
        call(
            "the access list",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case}/access",
            None,
            Some((CaseAccessRead, Allowed)),
        ),
        call(
            "the consents",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case}/consents",
            None,
            Some((ConsentList, Allowed)),
        ),
        call(
            "record a consent",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case}/consents",
            Some(
                json!({ "recipient": { "user_id": "{worker3}" }, "information": { "up_to": "restricted" }, "purpose": "joint work", "given_on": "2026-03-01" }),
            ),
            Some((ConsentRecord, Allowed)),
        ),
        call(
            "share",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case}/shares",
            Some(
                json!({ "user_id": "{worker3}", "reason": "joint work", "confirm_password": pw("worker1") }),
            ),
            Some((CaseShare, Allowed)),
        ),
        call(
            "share as a colleague without access",
            "worker2",
            Method::POST,
            "/api/v1/cases/{case}/shares",
            Some(
                json!({ "user_id": "{worker4}", "reason": "x", "confirm_password": pw("worker2") }),
            ),
            Some((CaseShare, Denied)),
        ),
        call(
            "grant a restricted field",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case}/field-grants",
            Some(
                json!({ "user_id": "{worker3}", "field_id": "{restricted}", "reason": "joint work", "confirm_password": pw("worker1") }),
            ),
            Some((FieldGrant, Allowed)),
        ),
        call(
            "end the field grant",
            "worker1",
            Method::DELETE,
            "/api/v1/cases/{case}/field-grants/{worker3}/{restricted}",
            Some(json!({ "reason": "done" })),
            Some((FieldGrantRevoke, Allowed)),
        ),
        call(
            "withdraw the consent",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case}/consents/{consent}/withdraw",
            Some(json!({ "reason": "changed her mind" })),
            Some((ConsentWithdraw, Allowed)),
        ),
        call(
            "end the share",
            "worker1",
            Method::DELETE,
            "/api/v1/cases/{case}/shares/{worker3}",
            Some(json!({ "reason": "done" })),
            Some((CaseShareRevoke, Allowed)),
        ),
        call(
            "who may take it",
            "supervisor1",
            Method::GET,
            "/api/v1/cases/{case}/assignable",
            None,
            Some((CaseAccessRead, Allowed)),
        ),
        call(
            "reassign as a worker",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case}/reassign",
            Some(json!({ "user_id": "{worker2}", "reason": "x" })),
            Some((CaseReassign, Denied)),
        ),
        call(
            "the case's access log",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case}/audit",
            None,
            Some((CaseAuditRead, Allowed)),
        ),
        // Attachments (restricted by default).
        upload(
            "attach a document",
            "worker1",
            "/api/v1/cases/{case}/attachments?kind=consent_form",
            ("application/pdf", b"%PDF-1.7 a consent form"),
            Some((AttachmentUpload, Allowed)),
        ),
        upload(
            "attach a restricted document as the supervisor",
            "supervisor1",
            "/api/v1/cases/{case}/attachments?kind=consent_form",
            ("application/pdf", b"%PDF-1.7 a consent form"),
            Some((AttachmentUpload, Denied)),
        ),
        upload(
            "attach a file of a type not accepted",
            "worker1",
            "/api/v1/cases/{case}/attachments?kind=other",
            ("text/html", b"<html></html>"),
            None,
        ),
        call(
            "list the attachments",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case}/attachments",
            None,
            Some((AttachmentList, Allowed)),
        ),
        call(
            "download an attachment",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case}/attachments/{attachment}",
            None,
            Some((AttachmentDownload, Allowed)),
        ),
        call(
            "download an attachment withheld from one",
            "supervisor1",
            Method::GET,
            "/api/v1/cases/{case}/attachments/{attachment}",
            None,
            Some((AttachmentDownload, Denied)),
        ),
        call(
            "remove an attachment as the supervisor",
            "supervisor1",
            Method::DELETE,
            "/api/v1/cases/{case}/attachments/{attachment}",
            Some(json!({ "reason": "duplicate" })),
            Some((AttachmentRemove, Denied)),
        ),
        call(
            "remove an attachment",
            "worker1",
            Method::DELETE,
            "/api/v1/cases/{case}/attachments/{attachment}",
            Some(json!({ "reason": "filed on the wrong case" })),
            Some((AttachmentRemove, Allowed)),
        ),
        call(
            "reassign",
            "supervisor1",
            Method::POST,
            "/api/v1/cases/{case}/reassign",
            Some(json!({ "user_id": "{worker2}", "reason": "leave cover" })),
            Some((CaseReassign, Allowed)),
        ),
        call(
            "search the trail",
            "auditor1",
            Method::GET,
            "/api/v1/audit?limit=5",
            None,
            Some((AuditSearch, Allowed)),
        ),
        call(
            "search the trail as an administrator",
            "admin1",
            Method::GET,
            "/api/v1/audit",
            None,
            Some((AuditSearch, Denied)),
        ),
        call(
            "export the trail",
            "auditor1",
            Method::GET,
            "/api/v1/audit/export?reason=review",
            None,
            Some((AuditExport, Allowed)),
        ),
        call(
            "add a user",
            "admin1",
            Method::POST,
            "/api/v1/users",
            Some(
                json!({ "username": "newperson", "display_name": "New Person", "role": "case_worker", "password": "a long unusual passphrase", "confirm_password": pw("admin1") }),
            ),
            Some((UserCreate, Allowed)),
        ),
        call(
            "add a user as a worker",
            "worker1",
            Method::POST,
            "/api/v1/users",
            Some(
                json!({ "username": "other", "display_name": "Other", "role": "case_worker", "password": "a long unusual passphrase", "confirm_password": pw("worker1") }),
            ),
            Some((UserCreate, Denied)),
        ),
        call(
            "change a user",
            "admin1",
            Method::PATCH,
            "/api/v1/users/{worker4}",
            Some(
                json!({ "version": 1, "display_name": "Worker Four", "confirm_password": pw("admin1") }),
            ),
            Some((UserUpdate, Allowed)),
        ),
        call(
            "add a team",
            "admin1",
            Method::POST,
            "/api/v1/teams",
            Some(json!({ "name": "Team C", "case_types": [] })),
            Some((TeamCreate, Allowed)),
        ),
        call(
            "add a member",
            "admin1",
            Method::PUT,
            "/api/v1/teams/{team}/members/{worker4}",
            None,
            Some((TeamMemberAdd, Allowed)),
        ),
        call(
            "remove the member",
            "admin1",
            Method::DELETE,
            "/api/v1/teams/{team}/members/{worker4}",
            None,
            Some((TeamMemberRemove, Allowed)),
        ),
        call(
            "rename the team",
            "admin1",
            Method::PATCH,
            "/api/v1/teams/{team}",
            Some(json!({ "version": 3, "name": "Team C2" })),
            Some((TeamUpdate, Allowed)),
        ),
        call(
            "add an agency",
            "admin1",
            Method::POST,
            "/api/v1/agencies",
            Some(json!({ "name": "Safe Haven" })),
            Some((AgencyCreate, Allowed)),
        ),
        call(
            "rename the agency",
            "admin1",
            Method::PATCH,
            "/api/v1/agencies/{agency}",
            Some(json!({ "name": "Safe Haven Shelter", "version": 1 })),
            Some((AgencyUpdate, Allowed)),
        ),
        // Neither case content nor administration: no entry.
        call(
            "who am I",
            "worker1",
            Method::GET,
            "/api/v1/auth/me",
            None,
            None,
        ),
        call(
            "the configuration",
            "worker1",
            Method::GET,
            "/api/v1/config",
            None,
            None,
        ),
        call(
            "the configuration's versions",
            "manager1",
            Method::GET,
            "/api/v1/config/versions",
            None,
            None,
        ),
        call(
            "the configuration's entities",
            "manager1",
            Method::GET,
            "/api/v1/config/entities",
            None,
            None,
        ),
        call(
            "a configuration change tried",
            "manager1",
            Method::POST,
            "/api/v1/config/changes",
            Some(json!({ "based_on": 1, "dry_run": true, "changes": [
                { "op": "put", "entity": { "kind": "closure_reason", "id": "moved_away" },
                  "value": { "id": "moved_away", "label": { "en": "Moved away", "fr": "A déménagé", "ar": "انتقل" } } }
            ] })),
            None,
        ),
        call(
            "a configuration change",
            "manager1",
            Method::POST,
            "/api/v1/config/changes",
            Some(json!({ "based_on": 1, "changes": [
                { "op": "put", "entity": { "kind": "closure_reason", "id": "moved_away" },
                  "value": { "id": "moved_away", "label": { "en": "Moved away", "fr": "A déménagé", "ar": "انتقل" } } }
            ] })),
            Some((AuditAction::ConfigurationChange, Outcome::Allowed)),
        ),
        call(
            "the configuration's versions, by a case worker",
            "worker1",
            Method::GET,
            "/api/v1/config/versions",
            None,
            Some((AuditAction::ConfigurationChange, Outcome::Denied)),
        ),
        call(
            "the directory",
            "worker1",
            Method::GET,
            "/api/v1/directory",
            None,
            None,
        ),
        call(
            "the agencies",
            "worker1",
            Method::GET,
            "/api/v1/agencies",
            None,
            None,
        ),
        call(
            "the users",
            "admin1",
            Method::GET,
            "/api/v1/users",
            None,
            None,
        ),
        call(
            "the teams",
            "admin1",
            Method::GET,
            "/api/v1/teams",
            None,
            None,
        ),
        call(
            "write a note",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/notes",
            Some(json!({ "kind": "home_visit", "body": "visited the family" })),
            Some((NoteCreate, Allowed)),
        ),
        call(
            "write a note on a case one does not reach",
            "worker2",
            Method::POST,
            "/api/v1/cases/{case2}/notes",
            Some(json!({ "kind": "home_visit", "body": "x" })),
            Some((NoteCreate, Denied)),
        ),
        call(
            "the notes",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case2}/notes",
            None,
            Some((NoteList, Allowed)),
        ),
        // The care plan, on the second case.
        call(
            "save a care plan",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/care-plans",
            Some(
                json!({ "based_on": 0, "submit": true, "narrative": "safe at home",
                "interventions": [{ "type": "education", "objective": "enrol", "responsible": "me" }] }),
            ),
            Some((CarePlanSave, Allowed)),
        ),
        call(
            "save a care plan on a case one does not reach",
            "worker2",
            Method::POST,
            "/api/v1/cases/{case2}/care-plans",
            Some(json!({ "based_on": 1 })),
            Some((CarePlanSave, Denied)),
        ),
        call(
            "the care plans",
            "supervisor1",
            Method::GET,
            "/api/v1/cases/{case2}/care-plans",
            None,
            Some((CarePlanList, Allowed)),
        ),
        call(
            "the approvals queue",
            "supervisor1",
            Method::GET,
            "/api/v1/approvals",
            None,
            Some((ApprovalQueue, Allowed)),
        ),
        call(
            "the approvals queue of a worker",
            "worker1",
            Method::GET,
            "/api/v1/approvals",
            None,
            Some((ApprovalQueue, Denied)),
        ),
        call(
            "approve one's own plan",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/care-plans/1/decision",
            Some(json!({ "decision": "approve" })),
            Some((CarePlanDecide, Denied)),
        ),
        call(
            "approve a care plan",
            "supervisor1",
            Method::POST,
            "/api/v1/cases/{case2}/care-plans/1/decision",
            Some(json!({ "decision": "approve" })),
            Some((CarePlanDecide, Allowed)),
        ),
        call(
            "set one's alert address",
            "worker1",
            Method::PUT,
            "/api/v1/me/notifications",
            Some(json!({ "email": "worker1@example.org" })),
            Some((NotificationSettings, Allowed)),
        ),
        call(
            "one's notification settings",
            "worker1",
            Method::GET,
            "/api/v1/me/notifications",
            None,
            None,
        ),
        call(
            "one's alerts",
            "worker1",
            Method::GET,
            "/api/v1/alerts",
            None,
            None,
        ),
        call(
            "a case's panel decisions",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case2}/panel-decisions",
            None,
            Some((PanelDecisionList, Allowed)),
        ),
        call(
            "record a panel decision on a case one does not reach",
            "worker2",
            Method::POST,
            "/api/v1/cases/{case2}/panel-decisions",
            Some(
                json!({ "to": "transferred", "endorsed": true, "decided_on": "2026-03-01", "notes": "x" }),
            ),
            Some((PanelDecisionRecord, Denied)),
        ),
        // Supervision, on the second case.
        call(
            "the supervisor's dashboard",
            "supervisor1",
            Method::GET,
            "/api/v1/dashboard",
            None,
            Some((DashboardRead, Allowed)),
        ),
        call(
            "the dashboard of a worker",
            "worker1",
            Method::GET,
            "/api/v1/dashboard",
            None,
            Some((DashboardRead, Denied)),
        ),
        call(
            "an aggregate report",
            "manager1",
            Method::GET,
            "/api/v1/reports/cases?rows=stage&columns=case_type",
            None,
            Some((ReportRead, Allowed)),
        ),
        call(
            "an aggregate report read by a supervisor",
            "supervisor1",
            Method::GET,
            "/api/v1/reports/cases?rows=stage",
            None,
            Some((ReportRead, Denied)),
        ),
        call(
            "a review sample",
            "supervisor1",
            Method::GET,
            "/api/v1/reviews/sample",
            None,
            Some((ReviewSample, Allowed)),
        ),
        call(
            "review a case",
            "supervisor1",
            Method::POST,
            "/api/v1/cases/{case2}/quality-reviews",
            Some(json!({ "criterion": "chosen", "rating": "meets", "findings": "complete" })),
            Some((QualityReviewCreate, Allowed)),
        ),
        call(
            "review one's own case",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/quality-reviews",
            Some(json!({ "criterion": "chosen", "rating": "meets", "findings": "complete" })),
            Some((QualityReviewCreate, Denied)),
        ),
        call(
            "a case's reviews",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case2}/quality-reviews",
            None,
            Some((QualityReviewList, Allowed)),
        ),
        call(
            "mark a case for discussion",
            "supervisor1",
            Method::PUT,
            "/api/v1/cases/{case2}/discussion",
            Some(json!({ "marked": true })),
            Some((DiscussionMark, Allowed)),
        ),
        call(
            "write a supervision note",
            "supervisor1",
            Method::POST,
            "/api/v1/cases/{case2}/supervision-notes",
            Some(json!({ "body": "discuss the visit" })),
            Some((SupervisionNoteCreate, Allowed)),
        ),
        call(
            "one's supervision records",
            "worker1",
            Method::GET,
            "/api/v1/supervision",
            None,
            Some((SupervisionRead, Allowed)),
        ),
        // The workflow, on the second case (untouched so far: version 1).
        call(
            "move a case to its next stage",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/transitions",
            Some(json!({ "to": "assessment", "version": 1 })),
            Some((CaseTransition, Allowed)),
        ),
        call(
            "move a case one does not reach",
            "worker2",
            Method::POST,
            "/api/v1/cases/{case2}/transitions",
            Some(json!({ "to": "care_plan", "version": 2 })),
            Some((CaseTransition, Denied)),
        ),
        call(
            "a case's moves",
            "worker1",
            Method::GET,
            "/api/v1/cases/{case2}/transitions",
            None,
            Some((CaseAccessRead, Allowed)),
        ),
        // A second case, handed over.
        call(
            "share the second case",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/shares",
            Some(
                json!({ "user_id": "{worker3}", "reason": "joint work", "confirm_password": pw("worker1") }),
            ),
            Some((CaseShare, Allowed)),
        ),
        call(
            "hand it over",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/handover",
            Some(
                json!({ "user_id": "{worker3}", "reason": "moved away", "confirm_password": pw("worker1") }),
            ),
            Some((CaseHandOver, Allowed)),
        ),
        call(
            "hand over a case one no longer holds",
            "worker1",
            Method::POST,
            "/api/v1/cases/{case2}/handover",
            Some(
                json!({ "user_id": "{worker3}", "reason": "again", "confirm_password": pw("worker1") }),
            ),
            Some((CaseHandOver, Denied)),
        ),
        // Signing in and out (a fresh session for each login row).
        call(
            "log in",
            "worker4",
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({ "username": "worker4", "password": pw("worker4") })),
            Some((Login, Allowed)),
        ),
        call(
            "log in with a wrong password",
            "worker4",
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({ "username": "worker4", "password": "not the password" })),
            Some((LoginFailed, Denied)),
        ),
        call(
            "log out",
            "worker4",
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some((Logout, Allowed)),
        ),
    ];

    let restricted = case
        .canaries
        .iter()
        .find(|c| {
            c.classification == caseward_domain::config::Classification::Restricted
                && !c.path.contains('[')
        })
        .expect("a restricted field")
        .path
        .clone();
    let mut names: Vec<(String, String)> = ["worker2", "worker3", "worker4"]
        .iter()
        .map(|w| (format!("{{{w}}}"), world.users[*w].id.to_string()))
        .collect();
    names.push(("{case2}".into(), second.id.clone()));
    names.push(("{case}".into(), case.id.clone()));
    names.push(("{restricted}".into(), restricted));
    let mut failures = Vec::new();
    for row in &table {
        let fill = |text: &str, names: &[(String, String)]| {
            names
                .iter()
                .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
        };
        let path = fill(row.path, &names);
        let before = world.app.store.audit_head().await.unwrap().0;
        let fresh = world.app.client();
        let client = if path == "/api/v1/auth/login" {
            &fresh
        } else {
            world.client(row.who)
        };
        let mut request = client.request(row.method.clone(), world.app.at(&path));
        if let Some(body) = &row.body {
            let body: Value = serde_json::from_str(&fill(&body.to_string(), &names)).unwrap();
            request = request.json(&body);
        }
        if let Some((media_type, content)) = row.file {
            request = request
                .header("content-type", media_type)
                .header("x-caseward-file-name", "a.pdf")
                .body(content);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        // Remember what later rows refer to.
        match row.what {
            "record a consent" => names.push((
                "{consent}".into(),
                answer["id"].as_str().unwrap_or("").into(),
            )),
            "add a team" => {
                names.push(("{team}".into(), answer["id"].as_str().unwrap_or("").into()))
            }
            "attach a document" => names.push((
                "{attachment}".into(),
                answer["id"].as_str().unwrap_or("").into(),
            )),
            "add an agency" => names.push((
                "{agency}".into(),
                answer["id"].as_str().unwrap_or("").into(),
            )),
            _ => {}
        }
        let entries = world.app.store.audit_entries(before, 100).await.unwrap();
        match row.entry {
            None if !entries.is_empty() => failures.push(format!(
                "{}: expected no entry, got {:?}",
                row.what,
                entries.iter().map(|e| e.event.action).collect::<Vec<_>>()
            )),
            None => {}
            Some((action, outcome)) => {
                let by = world.users[row.who].id;
                let mine: Vec<_> = entries
                    .iter()
                    .filter(|e| e.event.actor == Some(by))
                    .collect();
                let matches = mine.len() == 1
                    && mine[0].event.action == action
                    && mine[0].event.outcome == outcome;
                if !matches {
                    failures.push(format!(
                        "{} (status {status}): expected one {action} {outcome:?}, got {:?}",
                        row.what,
                        mine.iter()
                            .map(|e| (e.event.action, e.event.outcome))
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} calls disagree with the audit table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
