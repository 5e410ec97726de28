//! Alert emails over SMTP: plain to a local relay (`smtp://localhost:25`), STARTTLS
//! (`smtp://host:587?tls=required`) or implicit TLS (`smtps://user:password@host:465`).
//! A message names the kind of alert and nothing of the case, not even its number: the
//! recipient signs in to see which case it is.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;

/// The SMTP server's URL, which may hold a password: never printed.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn new(url: String) -> Self {
        Self(url)
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpUrl(redacted)")
    }
}

/// Where alert emails go out, and from whom.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub url: SmtpUrl,
    /// The sender, e.g. `Caseward <caseward@example.org>`.
    pub from: String,
    /// The web app's address, for the link in the message (none: no link).
    pub public_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("smtp_url: not an SMTP URL (smtp://, smtps://): {0}")]
    Url(String),
    #[error("smtp_from: not an address: {0}")]
    From(String),
    #[error("not an email address")]
    To,
    #[error("the message could not be built: {0}")]
    Message(String),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Send(String),
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: Option<String>,
}

impl Mailer {
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailerError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url.0)
            // The URL's own text may hold a password: the error says only what is wrong.
            .map_err(|e| MailerError::Url(e.to_string().replace(&settings.url.0, "…")))?
            .build();
        let from = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailerError::From(e.to_string()))?;
        Ok(Self {
            transport,
            from,
            public_url: settings.public_url.clone(),
        })
    }

    /// Tell `to` that an alert of `kind` (its words) waits for them.
    pub async fn send_alert(
        &self,
        to: &str,
        kind: &str,
        escalation: bool,
    ) -> Result<(), MailerError> {
        let to: Mailbox = to.parse().map_err(|_| MailerError::To)?;
        let subject = if escalation {
            format!("Caseward: a case of your team needs attention ({kind})")
        } else {
            format!("Caseward: a case needs your attention ({kind})")
        };
        let link = self
            .public_url
            .as_deref()
            .map(|url| format!("\n\n{}/#/alerts", url.trim_end_matches('/')))
            .unwrap_or_default();
        let body = format!(
            "A deadline has passed: {kind}.\n\nSign in to Caseward to see which case it is. \
             This message names no case on purpose.{link}\n"
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailerError::Message(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailerError::Send(e.to_string()))?;
        Ok(())
    }
}

/// Whether `text` is an address an alert can be sent to.
pub fn is_address(text: &str) -> bool {
    text.len() <= 254 && text.parse::<lettre::Address>().is_ok()
}
