//! Translated text: labels and help in every language the instance offers.

use std::collections::BTreeMap;

/// A text in several languages, keyed by language code (`en`, `fr`, `ar`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Translations(BTreeMap<String, String>);

impl Translations {
    pub fn new(map: BTreeMap<String, String>) -> Self {
        Self(map)
    }

    /// The text in `language`, falling back to `fallback`, then to any language.
    pub fn get<'a>(&'a self, language: &str, fallback: &str) -> &'a str {
        self.0
            .get(language)
            .or_else(|| self.0.get(fallback))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, language: &str) -> bool {
        self.0.contains_key(language)
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Translations {
    fn from(items: [(&str, &str); N]) -> Self {
        Self(
            items
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}
