//! The configuration as the web app needs it: case types with their forms, stages, option
//! lists, locations and closure reasons, all labels in every language.

use crate::session::CurrentUser;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use caseward_domain::access::PermissionSet;
use caseward_domain::attachment::{AttachmentKind, FILE_TYPES};
use caseward_domain::config::{Configuration, Field, FieldKind};
use caseward_domain::i18n::Translations;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Text keyed by language code.
pub type Text = BTreeMap<String, String>;

fn text(translations: &Translations) -> Text {
    translations
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigView {
    pub version: u32,
    pub languages: LanguagesView,
    pub stages: Vec<StageView>,
    pub option_lists: Vec<OptionListView>,
    pub locations: Vec<LocationView>,
    pub closure_reasons: Vec<LabelledView>,
    pub case_types: Vec<CaseTypeView>,
    /// Every role of the instance: the four built-in ones, then custom roles.
    pub roles: Vec<RoleView>,
    /// What a case's attachments may be.
    pub attachments: AttachmentRulesView,
}

/// The kinds of attachment, the accepted media types and the size limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentRulesView {
    pub kinds: Vec<&'static str>,
    pub media_types: Vec<&'static str>,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
}

/// A role and what it may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub id: String,
    /// Built-in roles (`case_worker`, `supervisor`, `programme_manager`,
    /// `system_administrator`) have fixed permissions and are named by the user interface.
    pub built_in: bool,
    /// The label of a custom role, by language; empty for built-in roles.
    pub label: Text,
    /// Permission names: `hold_cases`, `view_team_cases`, `reassign_within_team`,
    /// `override_caseload`, `view_team_workload`, `view_aggregate_reports`,
    /// `configure_workflow`, `manage_users`, `manage_teams`, `operate_system`.
    pub permissions: Vec<String>,
}

/// Permission names of a set, as the API writes them.
pub fn permission_names(permissions: PermissionSet) -> Vec<String> {
    permissions.iter().map(|p| p.as_str().to_string()).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LanguagesView {
    pub default: String,
    pub available: Vec<String>,
    pub right_to_left: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    pub id: String,
    pub label: Text,
    pub terminal: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LabelledView {
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionListView {
    pub id: String,
    pub label: Text,
    pub options: Vec<ListOptionView>,
}

/// `field` holds one of `values` (option ids, or `yes` / `no` for a yes/no field).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShowWhenView {
    pub field: String,
    pub values: Vec<String>,
}

/// One option of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListOptionView {
    pub id: String,
    pub label: Text,
    /// No longer offered for new entries; values already recorded keep it.
    pub retired: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    pub code: String,
    pub name: Text,
    /// `region`, `district` or `village`.
    pub level: String,
    pub parent: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseTypeView {
    pub id: String,
    pub code: String,
    pub name: Text,
    pub domain: String,
    pub default_intensity: u8,
    pub recommended_caseload: u32,
    pub maximum_caseload: u32,
    pub review_frequency_days: u32,
    /// Stage ids; the first is where a new case starts.
    pub stages: Vec<String>,
    pub sections: Vec<SectionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionView {
    pub id: String,
    pub label: Text,
    /// The stage at which the section is collected; absent means every stage.
    pub stage: Option<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldView {
    pub id: String,
    /// `short_text`, `long_text`, `number`, `date`, `date_time`, `yes_no`, `single_select`,
    /// `multi_select`, `location` or `repeating_group`.
    #[serde(rename = "type")]
    pub field_type: String,
    pub label: Text,
    pub help: Text,
    pub required: bool,
    /// `standard`, `restricted` or `confidential`.
    pub classification: String,
    pub report_dimension: bool,
    /// Hidden from new entry: it takes no new value; values recorded stay readable.
    pub retired: bool,
    /// Skip logic: ask the field only when another (top level, or a sibling member in a
    /// repeating group) holds one of these answers; otherwise it takes no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_when: Option<ShowWhenView>,
    /// How a report dimension is stored in plaintext: `value`, `month`, `year` or `age_group`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_as: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integer: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_in_future: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// The member fields of a repeating group.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub fields: Option<Vec<FieldView>>,
}

impl From<&Field> for FieldView {
    fn from(field: &Field) -> Self {
        let mut view = FieldView {
            id: field.id.clone(),
            field_type: field.kind.type_name().into(),
            label: text(&field.label),
            help: text(&field.help),
            required: field.required,
            classification: field.classification.as_str().into(),
            report_dimension: field.report_dimension.is_some(),
            retired: field.retired,
            show_when: field.show_when.as_ref().map(|c| ShowWhenView {
                field: c.field.clone(),
                values: c.values.clone(),
            }),
            report_as: field.report_dimension.map(|r| r.as_str()),
            min_length: None,
            max_length: None,
            pattern: None,
            min: None,
            max: None,
            integer: None,
            not_in_future: None,
            option_list: None,
            max_choices: None,
            min_level: None,
            min_items: None,
            max_items: None,
            fields: None,
        };
        match &field.kind {
            FieldKind::ShortText {
                min_length,
                max_length,
                pattern,
            } => {
                view.min_length = *min_length;
                view.max_length = Some(*max_length);
                view.pattern = pattern.as_ref().map(|p| p.source.clone());
            }
            FieldKind::LongText {
                min_length,
                max_length,
            } => {
                view.min_length = *min_length;
                view.max_length = Some(*max_length);
            }
            FieldKind::Number { min, max, integer } => {
                view.min = *min;
                view.max = *max;
                view.integer = Some(*integer);
            }
            FieldKind::Date { not_in_future } | FieldKind::DateTime { not_in_future } => {
                view.not_in_future = Some(*not_in_future);
            }
            FieldKind::YesNo => {}
            FieldKind::SingleSelect { option_list } => view.option_list = Some(option_list.clone()),
            FieldKind::MultiSelect {
                option_list,
                max_choices,
            } => {
                view.option_list = Some(option_list.clone());
                view.max_choices = *max_choices;
            }
            FieldKind::Location { min_level } => view.min_level = Some(min_level.as_str().into()),
            FieldKind::RepeatingGroup {
                fields,
                min_items,
                max_items,
            } => {
                view.min_items = Some(*min_items);
                view.max_items = Some(*max_items);
                view.fields = Some(fields.iter().map(FieldView::from).collect());
            }
        }
        view
    }
}

impl From<&Configuration> for ConfigView {
    fn from(config: &Configuration) -> Self {
        Self {
            version: config.version,
            languages: LanguagesView {
                default: config.languages.default.clone(),
                available: config.languages.available.clone(),
                right_to_left: config.languages.right_to_left.clone(),
            },
            stages: config
                .stages
                .iter()
                .map(|s| StageView {
                    id: s.id.clone(),
                    label: text(&s.label),
                    terminal: s.terminal,
                })
                .collect(),
            option_lists: config
                .option_lists
                .values()
                .map(|list| OptionListView {
                    id: list.id.clone(),
                    label: text(&list.label),
                    options: list
                        .options
                        .iter()
                        .map(|o| ListOptionView {
                            id: o.id.clone(),
                            label: text(&o.label),
                            retired: o.retired,
                        })
                        .collect(),
                })
                .collect(),
            locations: config
                .locations
                .iter()
                .map(|l| LocationView {
                    code: l.code.clone(),
                    name: text(&l.name),
                    level: l.level.as_str().into(),
                    parent: l.parent.clone(),
                })
                .collect(),
            closure_reasons: config
                .closure_reasons
                .iter()
                .map(|r| LabelledView {
                    id: r.id.clone(),
                    label: text(&r.label),
                })
                .collect(),
            case_types: config
                .case_types
                .iter()
                .map(|t| CaseTypeView {
                    id: t.id.clone(),
                    code: t.code.clone(),
                    name: text(&t.name),
                    domain: t.domain.as_str().into(),
                    default_intensity: t.default_intensity.level(),
                    recommended_caseload: t.recommended_caseload,
                    maximum_caseload: t.maximum_caseload,
                    review_frequency_days: t.review_frequency_days,
                    stages: t.stages.clone(),
                    sections: t
                        .form
                        .sections
                        .iter()
                        .map(|s| SectionView {
                            id: s.id.clone(),
                            label: text(&s.label),
                            stage: s.stage.clone(),
                            fields: s.fields.iter().map(FieldView::from).collect(),
                        })
                        .collect(),
                })
                .collect(),
            attachments: AttachmentRulesView {
                kinds: AttachmentKind::ALL.iter().map(|k| k.as_str()).collect(),
                media_types: FILE_TYPES.iter().map(|(t, _)| t.media_type).collect(),
                // Set from the server's settings (`AppState::new`).
                max_bytes: 0,
            },
            roles: config
                .roles
                .iter()
                .map(|r| RoleView {
                    id: r.role.as_str().into(),
                    built_in: r.is_built_in(),
                    label: text(&r.label),
                    permissions: permission_names(r.permissions),
                })
                .collect(),
        }
    }
}

/// The configuration: case types and their forms, stages, option lists, locations.
///
/// Needs a session: the form definitions are not secret, but nothing is served to strangers.
#[utoipa::path(get, path = "/api/v1/config", tag = "config",
    responses(
        (status = 200, body = ConfigView),
        (status = 401, body = crate::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_config(State(state): State<AppState>, _user: CurrentUser) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.config_json.clone(),
    )
        .into_response()
}
