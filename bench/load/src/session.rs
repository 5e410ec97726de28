//! A logged-in session: its own HTTP client and cookie jar (as a browser tab would have its own
//! connection and cookie), the headers the web app sends, and timed requests.

use crate::api::{LoginAnswer, Problem};
pub use crate::connection::Answer;
use crate::connection::{Connection, NoAnswer, authority};
use anyhow::{Context, Result, bail};
use hyper::Method;
use std::time::Instant;
use tokio::sync::Mutex;

/// One logged-in session.
pub struct Session {
    pub username: String,
    connection: Mutex<Connection>,
}

/// By hand: the connection holds the session's cookie, which no output may show.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The timing of a request, answered or not.
#[derive(Debug)]
pub struct Timed {
    pub started: Instant,
    pub millis: f64,
    pub result: Result<Answer, NoAnswer>,
}

/// What a refused answer says, for an error message: status, problem type and title, and the
/// failing fields' ids and codes (the server never puts values there).
pub fn describe(status: u16, body: &[u8]) -> String {
    let problem: Problem = serde_json::from_slice(body).unwrap_or_default();
    let mut text = format!("{status}");
    if let Some(kind) = &problem.problem_type {
        text.push_str(&format!(" {kind}"));
    }
    if let Some(title) = &problem.title {
        text.push_str(&format!(" \"{title}\""));
    }
    if !problem.errors.is_empty() {
        let fields: Vec<String> = problem
            .errors
            .iter()
            .take(5)
            .map(|e| format!("{}: {}", e.field, e.code))
            .collect();
        text.push_str(&format!(" [{}]", fields.join(", ")));
    }
    text
}

impl Session {
    /// Log in as `username`; the session must be complete (no second factor pending).
    pub async fn login(base: &str, username: &str, password: &str) -> Result<Session> {
        let mut connection = Connection::new(authority(base)?)?;
        let body = serde_json::json!({ "username": username, "password": password });
        let answer = connection
            .send(
                Method::POST,
                "/api/v1/auth/login",
                Some(serde_json::to_vec(&body)?),
            )
            .await
            .with_context(|| format!("login as {username}: no answer from {base}"))?;
        if answer.status != 200 {
            bail!(
                "login as {username}: {}",
                describe(answer.status, &answer.body)
            );
        }
        let login: LoginAnswer = serde_json::from_slice(&answer.body)
            .with_context(|| format!("login as {username}: unexpected answer"))?;
        if let Some(next) = login.next {
            bail!(
                "login as {username} ({}): the session still needs `{next}` (a second factor); \
                 start the server with CASEWARD_MFA_REQUIRED_ROLES= (empty) for load tests",
                login.user.role
            );
        }
        Ok(Session {
            username: username.to_string(),
            connection: Mutex::new(connection),
        })
    }

    async fn timed(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Timed {
        let mut connection = self.connection.lock().await;
        let started = Instant::now();
        let result = connection.send(method, path, body).await;
        Timed {
            started,
            millis: started.elapsed().as_secs_f64() * 1000.0,
            result,
        }
    }

    /// `GET path` (`/api/v1/...`), timed until the body is read.
    pub async fn get(&self, path: &str) -> Timed {
        self.timed(Method::GET, path, None).await
    }

    /// `PATCH path` with a JSON body, timed until the answer's body is read.
    pub async fn patch(&self, path: &str, body: &serde_json::Value) -> Timed {
        let body = serde_json::to_vec(body).expect("a JSON value serialises");
        self.timed(Method::PATCH, path, Some(body)).await
    }

    /// `GET path` outside the timed period; its JSON answer, or an error naming the status.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let timed = self.get(path).await;
        let answer = timed
            .result
            .with_context(|| format!("GET {path} as {}: no answer", self.username))?;
        if !(200..300).contains(&answer.status) {
            bail!(
                "GET {path} as {}: {}",
                self.username,
                describe(answer.status, &answer.body)
            );
        }
        serde_json::from_slice(&answer.body)
            .with_context(|| format!("GET {path} as {}: unexpected answer", self.username))
    }
}
