//! A logged-in session: its own HTTP client and cookie jar (as a browser tab would have its own
//! connection and cookie), the headers the web app sends, and timed requests.

use crate::api::{LoginAnswer, Problem};
use anyhow::{Context, Result, bail};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use std::time::{Duration, Instant};

/// One logged-in session.
#[derive(Debug)]
pub struct Session {
    pub username: String,
    client: reqwest::Client,
    base: String,
}

/// A request's answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The timing of a request, answered or not.
#[derive(Debug)]
pub struct Timed {
    pub started: Instant,
    pub millis: f64,
    pub result: Result<Answer, reqwest::Error>,
}

fn client() -> Result<reqwest::Client> {
    let mut headers = HeaderMap::new();
    // The audit trail records the client; the web app names itself `web`.
    headers.insert("X-Caseward-Client", HeaderValue::from_static("web"));
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/json, application/problem+json"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .context("cannot make an HTTP client")
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
        let client = client()?;
        let response = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .with_context(|| format!("login as {username}: no answer from {base}"))?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        if status != 200 {
            bail!("login as {username}: {}", describe(status, &body));
        }
        let answer: LoginAnswer = serde_json::from_slice(&body)
            .with_context(|| format!("login as {username}: unexpected answer"))?;
        if let Some(next) = answer.next {
            bail!(
                "login as {username} ({}): the session still needs `{next}` (a second factor); \
                 start the server with CASEWARD_MFA_REQUIRED_ROLES= (empty) for load tests",
                answer.user.role
            );
        }
        Ok(Session {
            username: username.to_string(),
            client,
            base: base.to_string(),
        })
    }

    async fn timed(&self, request: reqwest::RequestBuilder) -> Timed {
        let started = Instant::now();
        let result = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let body = response.bytes().await?.to_vec();
            Ok(Answer { status, body })
        }
        .await;
        Timed {
            started,
            millis: started.elapsed().as_secs_f64() * 1000.0,
            result,
        }
    }

    /// `GET path` (`/api/v1/...`), timed until the body is read.
    pub async fn get(&self, path: &str) -> Timed {
        self.timed(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    /// `PATCH path` with a JSON body, timed until the answer's body is read.
    pub async fn patch(&self, path: &str, body: &serde_json::Value) -> Timed {
        self.timed(self.client.patch(format!("{}{path}", self.base)).json(body))
            .await
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
