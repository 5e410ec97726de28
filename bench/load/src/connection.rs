//! One session's HTTP/1.1 connection to the server, kept alive between requests, over hyper's
//! connection-level client: no pool, no cookie jar to look up, no URL to parse per request. The
//! load generator shares the machine with the server, and `reqwest` took about a ninth of it
//! at 6,000 reads a second; every core it does not take is the server's.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{ACCEPT, CONTENT_TYPE, COOKIE, HOST, HeaderValue, SET_COOKIE};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::net::TcpStream;

/// How long a request may take before it counts as unanswered.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Why a request had no answer (never a URL or a cookie).
#[derive(Debug)]
pub struct NoAnswer(String);

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NoAnswer {}

fn no_answer(what: &str, error: impl std::fmt::Display) -> NoAnswer {
    NoAnswer(format!("{what}: {error}"))
}

/// An answer's status and whole body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The server's address, from a base URL `http://HOST:PORT` (no path).
pub fn authority(base: &str) -> Result<String, NoAnswer> {
    let authority = base
        .strip_prefix("http://")
        .ok_or_else(|| NoAnswer("the load generator speaks plain http:// only".into()))?;
    let authority = authority.trim_end_matches('/');
    if authority.is_empty() || authority.contains('/') {
        return Err(NoAnswer(
            "the server's URL has a path; give http://HOST:PORT".into(),
        ));
    }
    Ok(authority.to_string())
}

/// A kept-alive connection and the cookies the server has set on it.
pub struct Connection {
    authority: String,
    host: HeaderValue,
    sender: Option<SendRequest<Full<Bytes>>>,
    cookies: BTreeMap<String, String>,
    cookie: Option<HeaderValue>,
}

impl Connection {
    pub fn new(authority: String) -> Result<Self, NoAnswer> {
        let host = HeaderValue::from_str(&authority).map_err(|e| no_answer("host", e))?;
        Ok(Self {
            authority,
            host,
            sender: None,
            cookies: BTreeMap::new(),
            cookie: None,
        })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, NoAnswer> {
        let stream = TcpStream::connect(&self.authority)
            .await
            .map_err(|e| no_answer("connect", e))?;
        stream
            .set_nodelay(true)
            .map_err(|e| no_answer("connect", e))?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| no_answer("handshake", e))?;
        // The connection's own task reads and writes; it ends when the sender is dropped.
        tokio::spawn(connection);
        Ok(sender)
    }

    /// `method path` with `body` (JSON when given), answered whole within [`TIMEOUT`].
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, NoAnswer> {
        match tokio::time::timeout(TIMEOUT, self.exchange(method, path, body)).await {
            Ok(answer) => answer,
            Err(_) => {
                self.sender = None;
                Err(NoAnswer(format!("no answer in {} s", TIMEOUT.as_secs())))
            }
        }
    }

    async fn exchange(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, NoAnswer> {
        let mut sender = match self.sender.take() {
            Some(sender) if !sender.is_closed() => sender,
            _ => self.connect().await?,
        };
        sender
            .ready()
            .await
            .map_err(|e| no_answer("connection", e))?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone())
            // The audit trail records the client; the web app names itself `web`.
            .header("x-caseward-client", HeaderValue::from_static("web"))
            .header(
                ACCEPT,
                HeaderValue::from_static("application/json, application/problem+json"),
            );
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie.clone());
        }
        if body.is_some() {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| no_answer("request", e))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| no_answer("request", e))?;
        let status = response.status().as_u16();
        self.keep_cookies(response.headers().get_all(SET_COOKIE).iter());
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| no_answer("answer", e))?
            .to_bytes()
            .to_vec();
        self.sender = Some(sender);
        Ok(Answer { status, body })
    }

    /// Keep each `Set-Cookie`'s name and value (a `Max-Age=0` removes it), as a browser would
    /// for this one host.
    fn keep_cookies<'a>(&mut self, set: impl Iterator<Item = &'a HeaderValue>) {
        let mut changed = false;
        for value in set {
            let Ok(text) = value.to_str() else { continue };
            let mut parts = text.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            let removed = parts.any(|attribute| attribute.eq_ignore_ascii_case("Max-Age=0"));
            if removed {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
            changed = true;
        }
        if changed {
            let joined: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            self.cookie = HeaderValue::from_str(&joined.join("; ")).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_kept_replaced_and_removed() {
        let mut connection = Connection::new("127.0.0.1:1".into()).unwrap();
        let set = [
            HeaderValue::from_static("cw_session=abc; Path=/; HttpOnly; Max-Age=3600"),
            HeaderValue::from_static("other=1"),
        ];
        connection.keep_cookies(set.iter());
        assert_eq!(
            connection.cookie.as_ref().unwrap(),
            "cw_session=abc; other=1"
        );
        connection.keep_cookies([HeaderValue::from_static("cw_session=def; Path=/")].iter());
        assert_eq!(
            connection.cookie.as_ref().unwrap(),
            "cw_session=def; other=1"
        );
        connection.keep_cookies([HeaderValue::from_static("other=; Max-Age=0")].iter());
        assert_eq!(connection.cookie.as_ref().unwrap(), "cw_session=def");
    }

    #[test]
    fn the_server_is_named_by_host_and_port() {
        assert_eq!(
            authority("http://127.0.0.1:8080/").unwrap(),
            "127.0.0.1:8080"
        );
        assert!(authority("https://127.0.0.1:8080").is_err());
        assert!(authority("http://127.0.0.1:8080/api").is_err());
    }
}
