//! Finding cases by name or code without the database holding either: the searchable fields'
//! words become keyed blind-index tokens when a case is written, and a search's words are
//! turned into tokens the same way (`crypto::blind_index`).

use crate::state::AppState;
use caseward_crypto::Keyring;
use caseward_crypto::blind_index::IndexKey;
use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::config::{CaseType, Classification};
use caseward_store::SearchToken;

/// The tokens of a case's searchable fields. A restricted or confidential field's tokens match
/// only for the case's assigned worker.
pub fn case_tokens(
    state: &AppState,
    case_type: &CaseType,
    fields: &CaseFields,
) -> Vec<SearchToken> {
    search_tokens(&state.keyring, case_type, fields)
}

/// The tokens of a case's searchable fields, with the instance's keyring (also for cases the
/// command line makes).
pub fn search_tokens(
    keyring: &Keyring,
    case_type: &CaseType,
    fields: &CaseFields,
) -> Vec<SearchToken> {
    let key = IndexKey::of(keyring);
    let mut tokens: Vec<SearchToken> = Vec::new();
    for (_, field) in case_type.form.fields() {
        if !field.searchable {
            continue;
        }
        let Some(FieldValue::Text(text)) = fields.get(&field.id) else {
            continue;
        };
        let restricted = field.classification != Classification::Standard;
        for token in key.tokens(text) {
            match tokens.iter_mut().find(|t| t.token == token) {
                Some(seen) => seen.restricted &= restricted,
                None => tokens.push(SearchToken { token, restricted }),
            }
        }
    }
    tokens
}

/// The tokens of a search's words.
pub fn query_tokens(state: &AppState, query: &str) -> Vec<[u8; 32]> {
    IndexKey::of(&state.keyring).tokens(query)
}
