use std::fmt;
use std::path::PathBuf;

/// Where the store lives: a SQLite data folder or a PostgreSQL URL.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl StoreLocation {
    /// A `postgres://` or `postgresql://` URL, or a data folder path.
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Self::Postgres(text.to_string())
        } else {
            Self::Sqlite(PathBuf::from(
                text.strip_prefix("sqlite://").unwrap_or(text),
            ))
        }
    }
}

/// Prints the location with any password in a URL replaced by `***`.
impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(dir) => write!(f, "sqlite data folder {}", dir.display()),
            Self::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Replace the password of `scheme://user:password@host/...` by `***`, and drop any query
/// string (which may carry one too).
pub fn redact_url(url: &str) -> String {
    let url = url.split('?').next().unwrap_or(url);
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".into();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => format!("{scheme}://{rest}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_print() {
        let location = StoreLocation::parse("postgres://app:s3cret@db:5432/caseward?password=x");
        let shown = location.to_string();
        assert!(!shown.contains("s3cret"));
        assert!(!shown.contains("password=x"));
        assert_eq!(shown, "postgres://app:***@db:5432/caseward");
        assert_eq!(format!("{location:?}"), shown);
    }

    #[test]
    fn a_path_is_a_sqlite_folder() {
        assert_eq!(
            StoreLocation::parse("./data"),
            StoreLocation::Sqlite("./data".into())
        );
        assert_eq!(
            StoreLocation::parse("sqlite://data"),
            StoreLocation::Sqlite("data".into())
        );
    }
}
