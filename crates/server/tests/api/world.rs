//! A small instance as the seed describes one: two teams with their supervisors, a worker and
//! a supervisor in no team, a programme manager and an administrator; cases whose every text
//! field holds a unique canary string, so that a leak shows up wherever it happens.

use crate::support::TestApp;
use caseward_domain::case::FieldValue;
use caseward_domain::config::{Classification, Field, FieldKind};
use caseward_domain::synthetic::synthetic_case;
use caseward_domain::user::Role;
use caseward_store::testing::Backend;
use caseward_store::{NewTeam, User};
use rand::SeedableRng;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The custom roles of the default configuration (`config/roles.toml`).
pub const TEAM_LEAD: Role = Role::from_static("team_lead");
pub const ME_OFFICER: Role = Role::from_static("me_officer");

pub const PEOPLE: &[(&str, Role)] = &[
    ("worker1", Role::CASE_WORKER),
    ("worker2", Role::CASE_WORKER),
    ("worker3", Role::CASE_WORKER),
    ("worker4", Role::CASE_WORKER),
    ("supervisor1", Role::SUPERVISOR),
    ("supervisor2", Role::SUPERVISOR),
    ("supervisor3", Role::SUPERVISOR),
    ("manager1", Role::PROGRAMME_MANAGER),
    ("admin1", Role::SYSTEM_ADMINISTRATOR),
    ("auditor1", Role::AUDITOR),
    ("lead1", TEAM_LEAD),
    ("officer1", ME_OFFICER),
];

pub struct World {
    pub app: TestApp,
    pub users: BTreeMap<&'static str, User>,
    pub clients: BTreeMap<&'static str, reqwest::Client>,
    seed: u64,
}

/// A case and the canary planted in each of its text values, by path.
pub struct PlantedCase {
    pub id: String,
    pub case_type: String,
    pub canaries: Vec<Canary>,
}

pub struct Canary {
    pub path: String,
    pub classification: Classification,
    pub text: String,
}

impl World {
    /// Team A: supervisor1 with worker1, worker2 and lead1 (a custom "team lead" role),
    /// every case type. Team B: supervisor2 with
    /// worker3, GBV and child protection. worker4, supervisor3 and officer1 (a custom "M&E
    /// officer" role) are in no team.
    pub async fn new(backend: Backend) -> Self {
        Self::with_app(TestApp::start(backend).await).await
    }

    /// The same instance on a server started with `settings`.
    pub async fn with_settings(
        backend: Backend,
        settings: caseward_server::ServerSettings,
    ) -> Self {
        Self::with_app(TestApp::start_with(backend, settings).await).await
    }

    async fn with_app(app: TestApp) -> Self {
        let mut users = BTreeMap::new();
        for (name, role) in PEOPLE {
            users.insert(*name, app.add_user(name, role.clone()).await);
        }
        let now = caseward_domain::clock::Clock::now(app.clock.as_ref());
        for (team, supervisor, members, types) in [
            (
                "Team A",
                "supervisor1",
                &["worker1", "worker2", "lead1"][..],
                &[][..],
            ),
            (
                "Team B",
                "supervisor2",
                &["worker3"][..],
                &["gbv", "child_protection"][..],
            ),
        ] {
            let created = app
                .store
                .create_team(NewTeam {
                    id: uuid::Uuid::now_v7(),
                    name: team.into(),
                    supervisor: Some(users[supervisor].id),
                    case_types: types.iter().map(|t| t.to_string()).collect(),
                    audit: Vec::new(),
                    now,
                })
                .await
                .unwrap();
            for member in members {
                app.store
                    .add_team_member(created.team.id, users[member].id, &[], now)
                    .await
                    .unwrap();
            }
        }
        let mut clients = BTreeMap::new();
        for (name, _) in PEOPLE {
            clients.insert(*name, app.login(name).await);
        }
        Self {
            app,
            users,
            clients,
            seed: 1,
        }
    }

    pub fn client(&self, name: &str) -> &reqwest::Client {
        &self.clients[name]
    }

    /// `who` sends `body` (JSON, if any) to `path`; the status and the JSON answer (null when
    /// there is none).
    pub async fn call(
        &self,
        who: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (reqwest::StatusCode, Value) {
        let mut request = self.client(who).request(method, self.app.at(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Open a case of `case_type` as `owner` with realistic values, every text value replaced
    /// by a unique canary.
    pub async fn plant_case(&mut self, owner: &str, case_type: &str) -> PlantedCase {
        let config = crate::support::default_config();
        let kind = config.case_type(case_type).unwrap();
        self.seed += 1;
        let mut rng = rand::rngs::StdRng::seed_from_u64(self.seed);
        let now = caseward_domain::clock::Clock::now(self.app.clock.as_ref());
        let mut fields = synthetic_case(&config, kind, &mut rng, now).fields;
        let mut canaries = Vec::new();
        let next = |path: String, field: &Field, canaries: &mut Vec<Canary>| {
            let text = format!("CANARY{}", uuid::Uuid::now_v7().simple());
            canaries.push(Canary {
                path,
                classification: field.classification,
                text: text.clone(),
            });
            text
        };
        for section in &kind.form.sections {
            for field in &section.fields {
                match &field.kind {
                    FieldKind::ShortText { pattern: None, .. } | FieldKind::LongText { .. } => {
                        let text = next(field.id.clone(), field, &mut canaries);
                        fields.insert(field.id.clone(), FieldValue::Text(text));
                    }
                    FieldKind::RepeatingGroup {
                        fields: members, ..
                    } => {
                        let item: BTreeMap<String, FieldValue> = members
                            .iter()
                            .filter(|m| {
                                matches!(
                                    m.kind,
                                    FieldKind::ShortText { pattern: None, .. }
                                        | FieldKind::LongText { .. }
                                )
                            })
                            .map(|m| {
                                let text =
                                    next(format!("{}[0].{}", field.id, m.id), m, &mut canaries);
                                (m.id.clone(), FieldValue::Text(text))
                            })
                            .collect();
                        if !item.is_empty() {
                            fields.insert(field.id.clone(), FieldValue::Group(vec![item]));
                        }
                    }
                    _ => {}
                }
            }
        }
        let json_fields: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect();
        let response = self
            .client(owner)
            .post(self.app.at("/api/v1/cases"))
            .json(&json!({ "case_type": case_type, "fields": json_fields }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "planting a {case_type} case: {body}");
        PlantedCase {
            id: body["id"].as_str().unwrap().to_string(),
            case_type: case_type.into(),
            canaries,
        }
    }
}

fn to_json(value: &FieldValue) -> Value {
    match value {
        FieldValue::Text(t) | FieldValue::Choice(t) | FieldValue::Location(t) => json!(t),
        FieldValue::Number(n) => json!(n),
        FieldValue::Date(d) => json!(d.format("%Y-%m-%d").to_string()),
        FieldValue::DateTime(t) => json!(t.to_rfc3339()),
        FieldValue::YesNo(b) => json!(b),
        FieldValue::Choices(c) => json!(c),
        FieldValue::Group(items) => Value::Array(
            items
                .iter()
                .map(|i| Value::Object(i.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()))
                .collect(),
        ),
    }
}

/// worker1 moves `case` to `to` at its current version, with `extra` in the request body; the
/// status and answer.
pub async fn go(world: &World, case: &str, to: &str, extra: Value) -> (reqwest::StatusCode, Value) {
    let (_, read) = world
        .call(
            "worker1",
            reqwest::Method::GET,
            &format!("/api/v1/cases/{case}"),
            None,
        )
        .await;
    let mut body = serde_json::json!({ "to": to, "version": read["version"] });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    world
        .call(
            "worker1",
            reqwest::Method::POST,
            &format!("/api/v1/cases/{case}/transitions"),
            Some(body),
        )
        .await
}

/// [`go`], which must succeed.
pub async fn moved(world: &World, case: &str, to: &str, extra: Value) {
    let (status, answer) = go(world, case, to, extra).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{to}: {answer}");
}

/// The fields a problem's errors name, in order.
pub fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}
