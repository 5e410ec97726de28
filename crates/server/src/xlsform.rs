//! XLSForm import: a workbook (.xlsx) read into rows of text, turned into a form by
//! `domain::xlsform`, and made into entity changes of the newest configuration — the case
//! type's sections replaced by the workbook's (or a new case type made with a minimal
//! workflow to edit afterwards), its option lists added — then judged like any change.

use crate::config_edit::{ConfigChange, ConfigEntity, json_of};
use crate::config_history::Settled;
use caseward_domain::config::Configuration;
use caseward_domain::validate::FieldError;
use caseward_domain::xlsform::{Workbook, XlsForm};
use serde_json::{Value, json};

/// The sheets of an .xlsx workbook, every cell as text.
pub fn read_workbook(bytes: &[u8]) -> Result<Workbook, String> {
    use calamine::{Data, Reader, Xlsx};
    let mut xlsx = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not an .xlsx workbook ({e})"))?;
    let mut workbook = Workbook::default();
    for name in xlsx.sheet_names() {
        let range = xlsx
            .worksheet_range(&name)
            .map_err(|e| format!("sheet {name}: cannot be read ({e})"))?;
        // Rows from the sheet's first row, so that row numbers are the spreadsheet's.
        let offset = range.start().map_or(0, |(row, _)| row as usize);
        let columns = range.end().map_or(0, |(_, col)| col as usize + 1);
        let mut rows: Vec<Vec<String>> = vec![vec![String::new(); columns]; offset];
        for row in range.rows() {
            rows.push(
                row.iter()
                    .map(|cell| match cell {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                        other => other.to_string(),
                    })
                    .collect(),
            );
        }
        workbook.sheets.insert(name, rows);
    }
    Ok(workbook)
}

/// A workbook's problems as a problem's failing fields (`survey row 7, column type`).
pub fn problem_fields(problems: &[caseward_domain::xlsform::XlsFormProblem]) -> Vec<FieldError> {
    problems
        .iter()
        .map(|p| {
            let mut at = p.sheet.clone();
            if let Some(row) = p.row {
                at.push_str(&format!(" row {row}"));
            }
            if let Some(column) = &p.column {
                at.push_str(&format!(", column {column}"));
            }
            FieldError::new(at, "xlsform", p.problem.clone())
        })
        .collect()
}

/// The changes that put `form` in force as `case_type`'s form. A case type that does not
/// exist yet is made (code `code`) with the instance's first stage and a closing stage, and
/// one transition between them, to be shaped in the workflow editor afterwards.
pub fn changes(
    config: &Configuration,
    form: &XlsForm,
    case_type: &str,
    code: Option<&str>,
) -> Result<Vec<ConfigChange>, Vec<FieldError>> {
    let mut changes = Vec::new();
    match config.case_type(case_type) {
        Some(existing) => {
            for section in &existing.form.sections {
                changes.push(ConfigChange::Remove {
                    entity: ConfigEntity::Section {
                        case_type: case_type.into(),
                        id: section.id.clone(),
                    },
                });
            }
        }
        None => {
            let Some(code) = code else {
                return Err(vec![FieldError::new(
                    "code",
                    "required",
                    "a new case type needs a code (2 to 5 upper-case letters)",
                )]);
            };
            let first = config
                .case_types
                .first()
                .map(|t| t.initial_stage().to_string())
                .or_else(|| config.stages.first().map(|s| s.id.clone()));
            let closed = config
                .stages
                .iter()
                .find(|s| s.terminal)
                .map(|s| s.id.clone());
            let (Some(first), Some(closed)) = (first, closed) else {
                return Err(vec![FieldError::new(
                    "case_type",
                    "no_workflow",
                    "the instance has no initial and terminal stage to start a new case type with",
                )]);
            };
            let name: serde_json::Map<String, Value> = config
                .languages
                .available
                .iter()
                .map(|l| {
                    let text = form
                        .title
                        .get(l)
                        .or_else(|| form.title.values().next())
                        .cloned()
                        .unwrap_or_else(|| case_type.replace('_', " "));
                    (l.clone(), Value::String(text))
                })
                .collect();
            changes.push(ConfigChange::Put {
                entity: ConfigEntity::CaseType {
                    id: case_type.into(),
                },
                value: json!({
                    "id": case_type, "code": code, "name": name, "domain": "other",
                    "default_intensity": 2, "recommended_caseload": 20, "maximum_caseload": 25,
                    "review_frequency_days": 90, "stages": [first, closed],
                }),
                after: None,
            });
            let label: serde_json::Map<String, Value> = config
                .languages
                .available
                .iter()
                .map(|l| {
                    let text = config
                        .stage(&closed)
                        .map_or("Close", |s| s.label.get(l, &config.languages.default));
                    (l.clone(), Value::String(text.to_string()))
                })
                .collect();
            changes.push(ConfigChange::Put {
                entity: ConfigEntity::Transition {
                    case_type: case_type.into(),
                    from: vec![first.clone()],
                    to: closed.clone(),
                },
                value: json!({ "from": [first], "to": closed, "label": label, "reason": true }),
                after: None,
            });
        }
    }
    for list in &form.option_lists {
        let value = json_of(&toml::Value::Table(list.clone()));
        let id = value["id"].as_str().unwrap_or_default().to_string();
        changes.push(ConfigChange::Put {
            entity: ConfigEntity::OptionList { id },
            value,
            after: None,
        });
    }
    for section in &form.sections {
        let value = json_of(&toml::Value::Table(section.clone()));
        let id = value["id"].as_str().unwrap_or_default().to_string();
        changes.push(ConfigChange::Put {
            entity: ConfigEntity::Section {
                case_type: case_type.into(),
                id,
            },
            value,
            after: None,
        });
    }
    Ok(changes)
}

/// Where and how a workbook is imported.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct XlsFormParams {
    /// The case type whose form the workbook becomes (a new one is made if it does not exist).
    pub case_type: String,
    /// The classification of every question whose row has no `classification` column value:
    /// `standard`, `restricted` or `confidential` — always chosen, never defaulted.
    pub classification: String,
    /// The newest version the import is based on.
    pub based_on: u32,
    /// The code of a new case type (2 to 5 upper-case letters).
    pub code: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
    /// Import what maps although the workbook has constructs that do not (listed in
    /// `skipped`); without it, any such construct refuses the import.
    #[serde(default)]
    pub accept_left_out: bool,
}

/// What an import would change or changed, and what of the workbook was left out.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct XlsFormView {
    #[serde(flatten)]
    pub outcome: crate::config_history::DryRunView,
    /// Constructs of the workbook that do not map, by sheet, row and column, and left out.
    pub skipped: Vec<String>,
    /// Texts filled in: a language of the instance the workbook has no translation for.
    pub notices: Vec<String>,
    /// The version made (not for a dry run).
    pub version: Option<crate::config_history::ConfigVersionView>,
}

/// Import an XLSForm workbook (the request body, an .xlsx file) as a case type's form: its
/// sections are replaced by the workbook's groups and questions, its option lists added. Like
/// every change, judged whole: `dry_run` answers 200 with the changes, every error and what
/// would be left out; otherwise 201 with the new version, or 422 with every problem (a
/// workbook problem named by sheet, row and column) — including every construct that does not
/// map (`not_mapped`), unless `accept_left_out` says to import the rest.
#[utoipa::path(post, path = "/api/v1/config/xlsform", tag = "config", params(XlsFormParams),
    request_body(content = Vec<u8>, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = XlsFormView), (status = 201, body = XlsFormView),
        (status = 403, body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn import_xlsform(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    crate::session::CurrentUser(user): crate::session::CurrentUser,
    origin: crate::audit::RequestInfo,
    crate::extract::ApiQuery(params): crate::extract::ApiQuery<XlsFormParams>,
    body: axum::body::Bytes,
) -> crate::problem::ApiResult<axum::response::Response> {
    use crate::problem::ApiError;
    use axum::response::IntoResponse;
    crate::config_history::require_configurer(&state, &user, &origin).await?;
    let Some(classification) =
        caseward_domain::config::Classification::parse(&params.classification)
    else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "classification",
            "invalid",
            "standard, restricted or confidential",
        )]));
    };
    let workbook = read_workbook(&body)
        .map_err(|e| ApiError::Validation(vec![FieldError::new("workbook", "invalid", e)]))?;
    let base = crate::config_history::base(&state, params.based_on).await?;
    let config = crate::config_versions::base_configuration(&base, &state.config)?;
    let options = caseward_domain::xlsform::XlsFormOptions {
        case_type: params.case_type.clone(),
        languages: config.languages.available.clone(),
        classification,
    };
    let form = caseward_domain::xlsform::convert(&workbook, &options)
        .map_err(|problems| ApiError::Validation(problem_fields(&problems)))?;
    let skipped: Vec<String> = form.skipped.iter().map(ToString::to_string).collect();
    let notices: Vec<String> = form.notices.iter().map(ToString::to_string).collect();
    if !params.dry_run && !params.accept_left_out && !form.skipped.is_empty() {
        let mut errors = problem_fields(&form.skipped);
        for error in &mut errors {
            error.code = "not_mapped";
        }
        return Err(ApiError::Validation(errors));
    }
    let edits = changes(&config, &form, &params.case_type, params.code.as_deref())
        .map_err(ApiError::Validation)?;
    let files = crate::config_edit::apply(&base.files, &edits).map_err(ApiError::Validation)?;
    let proposal =
        crate::config_versions::propose(state.store.as_ref(), base, &config, files).await?;
    let settled = crate::config_history::settle(
        &state,
        &user,
        &origin,
        proposal,
        params.dry_run,
        caseward_store::ConfigSource::Edit,
        None,
    )
    .await?;
    Ok(match settled {
        Settled::Tried(outcome) => axum::Json(XlsFormView {
            outcome,
            skipped,
            notices,
            version: None,
        })
        .into_response(),
        Settled::Made(outcome, version) => (
            axum::http::StatusCode::CREATED,
            axum::Json(XlsFormView {
                outcome,
                skipped,
                notices,
                version: Some(version),
            }),
        )
            .into_response(),
    })
}
