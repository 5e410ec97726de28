//! Loading: parse every file, then validate the configuration as a whole. All problems are
//! collected, each naming its file, line and key; nothing partial is ever returned.

use super::error::{ConfigError, ConfigErrors};
use super::file::{self, ConfigFile, FieldFile, Text};
use super::model::*;
use crate::i18n::Translations;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use toml::Spanned;

mod calendar;
mod dimensions;
mod roles;
mod transitions;

/// A configuration file's name (as it should appear in messages) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Where an item was declared, for messages that point at it.
#[derive(Debug, Clone, Copy)]
struct Origin {
    file: usize,
    offset: usize,
}

struct Loader<'a> {
    sources: &'a [SourceFile],
    errors: Vec<ConfigError>,
}

impl Loader<'_> {
    fn line_of(&self, file: usize, offset: usize) -> usize {
        let text = &self.sources[file].text;
        text[..offset.min(text.len())]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            + 1
    }

    fn error(&mut self, origin: Origin, key: impl Into<String>, problem: impl Into<String>) {
        let line = self.line_of(origin.file, origin.offset);
        self.errors.push(ConfigError {
            file: self.sources[origin.file].name.clone(),
            line: Some(line),
            key: key.into(),
            problem: problem.into(),
        });
    }

    fn describe(&self, origin: Origin) -> String {
        format!(
            "{}:{}",
            self.sources[origin.file].name,
            self.line_of(origin.file, origin.offset)
        )
    }
}

fn origin(file: usize, span: Range<usize>) -> Origin {
    Origin {
        file,
        offset: span.start,
    }
}

/// Parse and validate a whole configuration.
pub fn load(sources: &[SourceFile]) -> Result<Configuration, ConfigErrors> {
    let mut loader = Loader {
        sources,
        errors: Vec::new(),
    };
    let mut parsed = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        match toml::from_str::<ConfigFile>(&source.text) {
            Ok(file) => parsed.push((index, file)),
            Err(error) => {
                let offset = error.span().map(|s| s.start).unwrap_or(0);
                let line = loader.line_of(index, offset);
                loader.errors.push(ConfigError {
                    file: source.name.clone(),
                    line: Some(line),
                    key: "(file)".into(),
                    problem: error.message().trim().to_string(),
                });
            }
        }
    }
    if !loader.errors.is_empty() {
        return Err(ConfigErrors(loader.errors));
    }
    let config = loader.build(parsed);
    if loader.errors.is_empty() {
        match config {
            Some(config) => Ok(config),
            None => Err(ConfigErrors(vec![ConfigError {
                file: "(configuration)".into(),
                line: None,
                key: "instance".into(),
                problem: "no file declares [instance]".into(),
            }])),
        }
    } else {
        Err(ConfigErrors(loader.errors))
    }
}

/// An id as the configuration writes them: lower-case letters, digits and `_`, a letter
/// first, no `__` or trailing `_`, at most 64.
pub(crate) fn is_snake_case(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.ends_with('_')
        && !id.contains("__")
        && id.len() <= 64
}

fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase())
}

/// Remembers the first declaration of each id in one namespace to report duplicates.
struct Registry {
    what: &'static str,
    seen: HashMap<String, Origin>,
}

impl Registry {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            seen: HashMap::new(),
        }
    }

    /// Returns false (and reports) when `id` was declared before.
    fn claim(&mut self, loader: &mut Loader, id: &str, at: Origin, key: &str) -> bool {
        if let Some(first) = self.seen.get(id) {
            let first = loader.describe(*first);
            loader.error(
                at,
                key,
                format!(
                    "duplicate {} id \"{id}\" (first declared at {first})",
                    self.what
                ),
            );
            false
        } else {
            self.seen.insert(id.to_string(), at);
            true
        }
    }
}

impl Loader<'_> {
    fn build(&mut self, parsed: Vec<(usize, ConfigFile)>) -> Option<Configuration> {
        let mut instance: Option<(Origin, file::InstanceFile)> = None;
        let mut stage_files = Vec::new();
        let mut option_list_files = Vec::new();
        let mut closure_files = Vec::new();
        let mut location_files = Vec::new();
        let mut role_files = Vec::new();
        let mut case_type_files = Vec::new();
        let mut calendar = None;
        let mut deadlines = None;

        for (index, file) in parsed {
            self.single(&mut calendar, index, file.calendar, "calendar");
            self.single(&mut deadlines, index, file.deadlines, "deadlines");
            if let Some(item) = file.instance {
                let at = origin(index, item.span());
                if let Some((first, _)) = &instance {
                    let first = self.describe(*first);
                    self.error(
                        at,
                        "instance",
                        format!("[instance] declared twice (first at {first})"),
                    );
                } else {
                    instance = Some((at, item.into_inner()));
                }
            }
            stage_files.extend(
                file.stage
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (index, i, s)),
            );
            option_list_files.extend(
                file.option_list
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (index, i, s)),
            );
            closure_files.extend(
                file.closure_reason
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (index, i, s)),
            );
            location_files.extend(
                file.location
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (index, i, s)),
            );
            role_files.extend(
                file.role
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (index, i, s)),
            );
            match file.case_type {
                Some(case_type) => {
                    case_type_files.push((index, case_type, file.section, file.transition))
                }
                None => {
                    if let Some(section) = file.section.first() {
                        self.error(
                            origin(index, section.span()),
                            "section[0]",
                            "sections need a [case_type] in the same file",
                        );
                    }
                    if let Some(transition) = file.transition.first() {
                        self.error(
                            origin(index, transition.span()),
                            "transition[0]",
                            "transitions need a [case_type] in the same file",
                        );
                    }
                }
            }
        }

        let (instance_at, instance) = instance?;
        let languages = self.languages(instance_at, &instance);
        let age_bands = self.age_bands(instance_at, &instance);
        let minimum_cell_count = self.minimum_cell_count(instance_at, &instance);

        let mut stage_ids = Registry::new("stage");
        let mut stages = Vec::new();
        let mut stage_limits = BTreeMap::new();
        for (file, i, item) in stage_files {
            let at = origin(file, item.span());
            let item = item.into_inner();
            let key = format!("stage[{i}]");
            self.check_id(at, &format!("{key}.id"), &item.id);
            if stage_ids.claim(self, &item.id, at, &format!("{key}.id")) {
                if let Some(limit) = self.stage_limit(file, &key, &item) {
                    stage_limits.insert(item.id.clone(), limit);
                }
                let label = self.text(at, &format!("{key}.label"), item.label, &languages, true);
                if item.terminal && (item.follow_up || item.review) {
                    self.error(
                        at,
                        format!("{key}.follow_up"),
                        "a terminal stage has no follow-up or review",
                    );
                }
                stages.push(Stage {
                    id: item.id,
                    label,
                    terminal: item.terminal,
                    follow_up: item.follow_up,
                    review: item.review,
                });
            }
        }

        let mut list_ids = Registry::new("option list");
        let mut option_lists = BTreeMap::new();
        for (file, i, item) in option_list_files {
            let at = origin(file, item.span());
            let item = item.into_inner();
            let key = format!("option_list[{i}]");
            self.check_id(at, &format!("{key}.id"), &item.id);
            if !list_ids.claim(self, &item.id, at, &format!("{key}.id")) {
                continue;
            }
            let label = self.text(at, &format!("{key}.label"), item.label, &languages, false);
            if item.option.is_empty() {
                self.error(
                    at,
                    format!("{key}.option"),
                    "an option list needs at least one option",
                );
            }
            let mut option_ids = Registry::new("option");
            let mut options = Vec::new();
            for (j, option) in item.option.into_iter().enumerate() {
                let option_at = origin(file, option.span());
                let option = option.into_inner();
                let key = format!("{key}.option[{j}]");
                self.check_id(option_at, &format!("{key}.id"), &option.id);
                if option_ids.claim(self, &option.id, option_at, &format!("{key}.id")) {
                    let label = self.text(
                        option_at,
                        &format!("{key}.label"),
                        option.label,
                        &languages,
                        true,
                    );
                    options.push(OptionItem {
                        id: option.id,
                        label,
                        retired: option.retired,
                    });
                }
            }
            option_lists.insert(
                item.id.clone(),
                OptionList {
                    id: item.id,
                    label,
                    options,
                },
            );
        }

        let mut reason_ids = Registry::new("closure reason");
        let mut closure_reasons = Vec::new();
        for (file, i, item) in closure_files {
            let at = origin(file, item.span());
            let item = item.into_inner();
            let key = format!("closure_reason[{i}]");
            self.check_id(at, &format!("{key}.id"), &item.id);
            if reason_ids.claim(self, &item.id, at, &format!("{key}.id")) {
                let label = self.text(at, &format!("{key}.label"), item.label, &languages, true);
                closure_reasons.push(ClosureReason { id: item.id, label });
            }
        }

        let calendar = self.calendar(calendar);
        let deadline_rules = self.deadline_rules(deadlines, stage_limits);
        let locations = self.locations(location_files, &languages);
        let roles = self.roles(role_files, &languages);

        let mut type_ids = Registry::new("case type");
        let mut type_codes = Registry::new("case type code");
        let mut case_types = Vec::new();
        let declared_case_types = case_type_files.len();
        for (file, item, sections, transitions) in case_type_files {
            let at = origin(file, item.span());
            let item = item.into_inner();
            let id_ok = type_ids.claim(self, &item.id, at, "case_type.id");
            let code_ok = type_codes.claim(self, &item.code, at, "case_type.code");
            let scope = Scope {
                file,
                languages: &languages,
                stages: &stages,
                option_lists: &option_lists,
            };
            if let Some(case_type) = self.case_type(at, item, sections, transitions, &scope)
                && id_ok
                && code_ok
            {
                case_types.push(case_type);
            }
        }
        if declared_case_types == 0 {
            self.error(
                instance_at,
                "case_type",
                "the configuration declares no case type",
            );
        }

        Some(Configuration {
            version: instance.version.unwrap_or(1),
            languages,
            stages,
            option_lists,
            closure_reasons,
            locations,
            case_types,
            roles,
            age_bands,
            minimum_cell_count,
            calendar,
            deadline_rules,
        })
    }

    fn languages(&mut self, at: Origin, instance: &file::InstanceFile) -> Languages {
        for code in instance.languages.iter().chain(&instance.right_to_left) {
            if !is_language_code(code) {
                self.error(
                    at,
                    "instance.languages",
                    format!("\"{code}\" is not a language code (two or three lower-case letters)"),
                );
            }
        }
        if !instance.languages.contains(&instance.default_language) {
            self.error(
                at,
                "instance.default_language",
                format!(
                    "\"{}\" is not one of instance.languages",
                    instance.default_language
                ),
            );
        }
        for code in &instance.right_to_left {
            if !instance.languages.contains(code) {
                self.error(
                    at,
                    "instance.right_to_left",
                    format!("\"{code}\" is not one of instance.languages"),
                );
            }
        }
        Languages {
            default: instance.default_language.clone(),
            available: instance.languages.clone(),
            right_to_left: instance.right_to_left.clone(),
        }
    }

    fn check_id(&mut self, at: Origin, key: &str, id: &str) {
        if !is_snake_case(id) {
            self.error(
                at,
                key,
                format!("\"{id}\" is not a snake_case id (a-z, 0-9 and _, starting with a letter)"),
            );
        }
    }

    fn text(
        &mut self,
        at: Origin,
        key: &str,
        text: Text,
        languages: &Languages,
        required: bool,
    ) -> Translations {
        for language in text.keys() {
            if !languages.available.contains(language) {
                self.error(
                    at,
                    format!("{key}.{language}"),
                    format!("\"{language}\" is not one of instance.languages"),
                );
            }
        }
        if required && !text.contains_key(&languages.default) {
            self.error(
                at,
                key,
                format!(
                    "missing text in the default language \"{}\"",
                    languages.default
                ),
            );
        }
        for (language, value) in &text {
            if value.trim().is_empty() {
                self.error(at, format!("{key}.{language}"), "text is empty");
            }
        }
        Translations::new(text)
    }

    fn locations(
        &mut self,
        files: Vec<(usize, usize, Spanned<file::LocationFile>)>,
        languages: &Languages,
    ) -> Vec<Location> {
        let mut codes = Registry::new("location");
        let mut locations = Vec::new();
        let mut origins = Vec::new();
        for (file, i, item) in files {
            let at = origin(file, item.span());
            let item = item.into_inner();
            let key = format!("location[{i}]");
            if item.code.trim().is_empty() || item.code.len() > 64 {
                self.error(
                    at,
                    format!("{key}.code"),
                    "a location code must have 1 to 64 characters",
                );
            }
            let Some(level) = LocationLevel::parse(&item.level) else {
                self.error(
                    at,
                    format!("{key}.level"),
                    format!(
                        "unknown level \"{}\" (expected region, district or village)",
                        item.level
                    ),
                );
                continue;
            };
            if codes.claim(self, &item.code, at, &format!("{key}.code")) {
                let name = self.text(at, &format!("{key}.name"), item.name, languages, true);
                locations.push(Location {
                    code: item.code,
                    name,
                    level,
                    parent: item.parent,
                });
                origins.push((at, key));
            }
        }
        for (location, (at, key)) in locations.iter().zip(origins) {
            let parent = location
                .parent
                .as_ref()
                .map(|p| locations.iter().find(|l| &l.code == p).map(|l| l.level));
            match (location.level, parent) {
                (LocationLevel::Region, None) => {}
                (LocationLevel::Region, Some(_)) => {
                    self.error(at, format!("{key}.parent"), "a region has no parent")
                }
                (_, None) => self.error(
                    at,
                    format!("{key}.parent"),
                    format!("a {} needs a parent", location.level.as_str()),
                ),
                (_, Some(None)) => self.error(
                    at,
                    format!("{key}.parent"),
                    format!(
                        "unknown location \"{}\"",
                        location.parent.as_deref().unwrap_or("")
                    ),
                ),
                (level, Some(Some(parent_level))) => {
                    if parent_level as u8 + 1 != level as u8 {
                        self.error(
                            at,
                            format!("{key}.parent"),
                            format!(
                                "the parent of a {} must be a {}",
                                level.as_str(),
                                LocationLevel::ALL[level as usize - 1].as_str()
                            ),
                        );
                    }
                }
            }
        }
        locations
    }
}

/// What a case type's form may refer to.
struct Scope<'a> {
    file: usize,
    languages: &'a Languages,
    stages: &'a [Stage],
    option_lists: &'a BTreeMap<String, OptionList>,
}

impl Loader<'_> {
    fn case_type(
        &mut self,
        at: Origin,
        item: file::CaseTypeFile,
        sections: Vec<Spanned<file::SectionFile>>,
        transitions: Vec<Spanned<file::TransitionFile>>,
        scope: &Scope,
    ) -> Option<CaseType> {
        let errors_before = self.errors.len();
        self.check_id(at, "case_type.id", &item.id);
        let code_ok =
            (2..=5).contains(&item.code.len()) && item.code.chars().all(|c| c.is_ascii_uppercase());
        if !code_ok {
            self.error(
                at,
                "case_type.code",
                format!(
                    "\"{}\" is not a case type code (2 to 5 upper-case letters)",
                    item.code
                ),
            );
        }
        let name = self.text(at, "case_type.name", item.name, scope.languages, true);
        let domain = CaseDomain::parse(&item.domain);
        if domain.is_none() {
            let known: Vec<_> = CaseDomain::ALL.iter().map(|d| d.as_str()).collect();
            self.error(
                at,
                "case_type.domain",
                format!(
                    "unknown domain \"{}\" (expected one of {})",
                    item.domain,
                    known.join(", ")
                ),
            );
        }
        let intensity = Intensity::from_level(item.default_intensity);
        if intensity.is_none() {
            self.error(at, "case_type.default_intensity", "must be 1, 2 or 3");
        }
        if item.recommended_caseload == 0 {
            self.error(at, "case_type.recommended_caseload", "must be at least 1");
        }
        if item.maximum_caseload < item.recommended_caseload {
            self.error(
                at,
                "case_type.maximum_caseload",
                "must not be below recommended_caseload",
            );
        }
        if item.review_frequency_days == 0 {
            self.error(at, "case_type.review_frequency_days", "must be at least 1");
        }
        if item.follow_up_days.is_some_and(|d| !(1..=365).contains(&d)) {
            self.error(at, "case_type.follow_up_days", "must be between 1 and 365");
        }
        if item.stages.is_empty() {
            self.error(
                at,
                "case_type.stages",
                "a case type needs at least one stage",
            );
        }
        let mut seen = Vec::new();
        for (i, stage) in item.stages.iter().enumerate() {
            if !scope.stages.iter().any(|s| &s.id == stage) {
                self.error(
                    at,
                    format!("case_type.stages[{i}]"),
                    format!("unknown stage \"{stage}\""),
                );
            }
            if seen.contains(&stage) {
                self.error(
                    at,
                    format!("case_type.stages[{i}]"),
                    format!("stage \"{stage}\" listed twice"),
                );
            }
            seen.push(stage);
        }

        let mut section_ids = Registry::new("section");
        let mut field_ids = Registry::new("field");
        let mut form_sections = Vec::new();
        let mut places = Vec::new();
        let section_count = sections.len();
        for (i, section) in sections.into_iter().enumerate() {
            let section_at = origin(scope.file, section.span());
            let section = section.into_inner();
            let key = format!("section[{i}]");
            self.check_id(section_at, &format!("{key}.id"), &section.id);
            section_ids.claim(self, &section.id, section_at, &format!("{key}.id"));
            let label = self.text(
                section_at,
                &format!("{key}.label"),
                section.label,
                scope.languages,
                true,
            );
            if let Some(stage) = &section.stage
                && !item.stages.contains(stage)
            {
                self.error(
                    section_at,
                    format!("{key}.stage"),
                    format!("stage \"{stage}\" is not one of this case type's stages"),
                );
            }
            if section.field.is_empty() {
                self.error(
                    section_at,
                    format!("{key}.field"),
                    "a section needs at least one field",
                );
            }
            let mut fields = Vec::new();
            for (j, field) in section.field.into_iter().enumerate() {
                let key = format!("{key}.field[{j}]");
                let field_at = origin(scope.file, field.span());
                if let Some(field) = self.field(field, &key, &mut field_ids, scope, true) {
                    places.push((field_at, key));
                    fields.push(field);
                }
            }
            form_sections.push(Section {
                id: section.id,
                label,
                stage: section.stage,
                fields,
            });
        }
        if section_count == 0 {
            self.error(at, "section", "a case type needs at least one form section");
        }

        let form = Form::new(form_sections);
        let top_level: Vec<Field> = form.fields().map(|(_, f)| f.clone()).collect();
        self.check_skip_logic(&top_level, &places, scope, "outside repeating groups");
        if let Some(list) = &item.intervention_types
            && !scope.option_lists.contains_key(list)
        {
            self.error(
                at,
                "case_type.intervention_types",
                format!("unknown option list \"{list}\""),
            );
        }
        if let Some(id) = &item.emergency_field {
            let field = form.field(id);
            let is_yes_no_dimension = field.is_some_and(|f| {
                matches!(f.kind, FieldKind::YesNo) && f.report_dimension.is_some()
            });
            if !is_yes_no_dimension {
                self.error(
                    at,
                    "case_type.emergency_field",
                    format!(
                        "\"{id}\" is not a yes/no field of this form with report_dimension = true"
                    ),
                );
            }
        }
        let has_care_plan = item.intervention_types.is_some();
        let transitions = self.transitions(
            transitions,
            &item.stages,
            &form,
            domain,
            has_care_plan,
            scope,
        );
        if self.errors.len() > errors_before {
            return None;
        }
        Some(CaseType {
            id: item.id,
            code: item.code,
            name,
            domain: domain?,
            default_intensity: intensity?,
            recommended_caseload: item.recommended_caseload,
            maximum_caseload: item.maximum_caseload,
            review_frequency_days: item.review_frequency_days,
            stages: item.stages,
            form,
            transitions,
            intervention_types: item.intervention_types,
            emergency_field: item.emergency_field,
            follow_up_days: item.follow_up_days,
        })
    }

    fn field(
        &mut self,
        field: Spanned<FieldFile>,
        key: &str,
        ids: &mut Registry,
        scope: &Scope,
        top_level: bool,
    ) -> Option<Field> {
        let at = origin(scope.file, field.span());
        let f = field.into_inner();
        let errors_before = self.errors.len();
        self.check_id(at, &format!("{key}.id"), &f.id);
        ids.claim(self, &f.id, at, &format!("{key}.id"));
        let label = self.text(
            at,
            &format!("{key}.label"),
            f.label.clone(),
            scope.languages,
            true,
        );
        let help = self.text(
            at,
            &format!("{key}.help"),
            f.help.clone(),
            scope.languages,
            false,
        );
        let classification = Classification::parse(&f.classification);
        if classification.is_none() {
            self.error(
                at,
                format!("{key}.classification"),
                format!(
                    "unknown classification \"{}\" (expected standard, restricted or confidential)",
                    f.classification
                ),
            );
        }
        let report_dimension = self.report_dimension(at, key, &f, classification);
        if f.retired && f.required {
            self.error(
                at,
                format!("{key}.required"),
                "a retired field takes no new value, so it cannot be required",
            );
        }
        if f.id == crate::access::ATTACHMENTS_GRANT {
            self.error(
                at,
                format!("{key}.id"),
                "\"attachments\" is reserved: it names the grant that opens a case's attachments",
            );
        }
        if f.searchable && (f.field_type != "short_text" || !top_level) {
            self.error(
                at,
                format!("{key}.searchable"),
                "only a short text field outside repeating groups can be searchable",
            );
        }

        // Which type-specific keys this type accepts; any other given key is an error.
        let accepts: &[&str] = match f.field_type.as_str() {
            "short_text" => &["min_length", "max_length", "pattern"],
            "long_text" => &["min_length", "max_length"],
            "number" => &["min", "max", "integer"],
            "date" | "date_time" => &["not_in_future"],
            "yes_no" => &[],
            "single_select" => &["option_list"],
            "multi_select" => &["option_list", "max_choices"],
            "location" => &["min_level"],
            "repeating_group" => &["min_items", "max_items", "field"],
            other => {
                self.error(at, format!("{key}.type"), format!("unknown field type \"{other}\" (expected short_text, long_text, number, date, date_time, yes_no, single_select, multi_select, location or repeating_group)"));
                return None;
            }
        };
        let given = [
            ("min_length", f.min_length.is_some()),
            ("max_length", f.max_length.is_some()),
            ("pattern", f.pattern.is_some()),
            ("min", f.min.is_some()),
            ("max", f.max.is_some()),
            ("integer", f.integer.is_some()),
            ("not_in_future", f.not_in_future.is_some()),
            ("option_list", f.option_list.is_some()),
            ("max_choices", f.max_choices.is_some()),
            ("min_level", f.min_level.is_some()),
            ("min_items", f.min_items.is_some()),
            ("max_items", f.max_items.is_some()),
            ("field", !f.field.is_empty()),
        ];
        for (name, present) in given {
            if present && !accepts.contains(&name) {
                self.error(
                    at,
                    format!("{key}.{name}"),
                    format!("\"{name}\" does not apply to a {} field", f.field_type),
                );
            }
        }

        let kind = match f.field_type.as_str() {
            "short_text" | "long_text" => {
                let default_max = if f.field_type == "short_text" {
                    DEFAULT_SHORT_TEXT_MAX
                } else {
                    DEFAULT_LONG_TEXT_MAX
                };
                let max_length = f.max_length.unwrap_or(default_max);
                if max_length == 0 {
                    self.error(at, format!("{key}.max_length"), "must be at least 1");
                }
                if let Some(min) = f.min_length
                    && min > max_length
                {
                    self.error(
                        at,
                        format!("{key}.min_length"),
                        "must not exceed max_length",
                    );
                }
                if f.field_type == "short_text" {
                    let pattern = match f.pattern {
                        Some(source) => match regex::Regex::new(&format!("^(?:{source})$")) {
                            Ok(regex) => Some(Pattern { source, regex }),
                            Err(error) => {
                                self.error(
                                    at,
                                    format!("{key}.pattern"),
                                    format!("not a valid regular expression: {error}"),
                                );
                                None
                            }
                        },
                        None => None,
                    };
                    FieldKind::ShortText {
                        min_length: f.min_length,
                        max_length,
                        pattern,
                    }
                } else {
                    FieldKind::LongText {
                        min_length: f.min_length,
                        max_length,
                    }
                }
            }
            "number" => {
                if let (Some(min), Some(max)) = (f.min, f.max)
                    && min > max
                {
                    self.error(at, format!("{key}.min"), "must not exceed max");
                }
                FieldKind::Number {
                    min: f.min,
                    max: f.max,
                    integer: f.integer.unwrap_or(false),
                }
            }
            "date" => FieldKind::Date {
                not_in_future: f.not_in_future.unwrap_or(false),
            },
            "date_time" => FieldKind::DateTime {
                not_in_future: f.not_in_future.unwrap_or(false),
            },
            "yes_no" => FieldKind::YesNo,
            "single_select" | "multi_select" => {
                let list = f.option_list.clone().unwrap_or_default();
                if f.option_list.is_none() {
                    self.error(
                        at,
                        format!("{key}.option_list"),
                        format!("a {} field needs an option_list", f.field_type),
                    );
                } else if !scope.option_lists.contains_key(&list) {
                    self.error(
                        at,
                        format!("{key}.option_list"),
                        format!("unknown option list \"{list}\""),
                    );
                }
                if f.field_type == "single_select" {
                    FieldKind::SingleSelect { option_list: list }
                } else {
                    if f.max_choices == Some(0) {
                        self.error(at, format!("{key}.max_choices"), "must be at least 1");
                    }
                    FieldKind::MultiSelect {
                        option_list: list,
                        max_choices: f.max_choices,
                    }
                }
            }
            "location" => {
                let min_level = match &f.min_level {
                    None => LocationLevel::Region,
                    Some(level) => LocationLevel::parse(level).unwrap_or_else(|| {
                        self.error(
                            at,
                            format!("{key}.min_level"),
                            format!(
                                "unknown level \"{level}\" (expected region, district or village)"
                            ),
                        );
                        LocationLevel::Region
                    }),
                };
                FieldKind::Location { min_level }
            }
            "repeating_group" => {
                if !top_level {
                    self.error(
                        at,
                        format!("{key}.type"),
                        "a repeating group cannot be nested in another",
                    );
                }
                let min_items = f.min_items.unwrap_or(0);
                let max_items = f.max_items.unwrap_or(DEFAULT_GROUP_MAX_ITEMS);
                if min_items > max_items {
                    self.error(at, format!("{key}.min_items"), "must not exceed max_items");
                }
                if f.field.is_empty() {
                    self.error(
                        at,
                        format!("{key}.field"),
                        "a repeating group needs at least one field",
                    );
                }
                let mut member_ids = Registry::new("field");
                let mut fields = Vec::new();
                let mut places = Vec::new();
                for (j, member) in f.field.into_iter().enumerate() {
                    let member_at = origin(scope.file, member.span());
                    if let Some(member) = self.field(
                        member,
                        &format!("{key}.field[{j}]"),
                        &mut member_ids,
                        scope,
                        false,
                    ) {
                        if member.classification
                            < classification.unwrap_or(Classification::Standard)
                        {
                            self.error(at, format!("{key}.field[{j}].classification"), "a field in a repeating group cannot be less protected than its group");
                        }
                        places.push((member_at, format!("{key}.field[{j}]")));
                        fields.push(member);
                    }
                }
                self.check_skip_logic(&fields, &places, scope, "of the same repeating group");
                FieldKind::RepeatingGroup {
                    fields,
                    min_items,
                    max_items,
                }
            }
            _ => unreachable!("field types were matched above"),
        };
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Field {
            id: f.id,
            label,
            help,
            required: f.required,
            classification: classification?,
            report_dimension,
            searchable: f.searchable,
            retired: f.retired,
            show_when: f.show_when.map(|s| ShowWhen {
                field: s.field,
                values: s.values,
            }),
            kind,
        })
    }
}

impl Loader<'_> {
    /// Skip logic among `fields` (a form's top-level fields, or a group's members; `places`
    /// gives each one's origin and key): every condition names another of them that can hold
    /// the values given, and no chain of conditions comes back to where it started.
    fn check_skip_logic(
        &mut self,
        fields: &[Field],
        places: &[(Origin, String)],
        scope: &Scope,
        within: &str,
    ) {
        for (field, (at, key)) in fields.iter().zip(places) {
            let Some(condition) = &field.show_when else {
                continue;
            };
            let key = format!("{key}.show_when");
            let Some(other) = fields.iter().find(|f| f.id == condition.field) else {
                self.error(
                    *at,
                    format!("{key}.field"),
                    format!(
                        "skip logic points at a missing field \"{}\" (it may depend on a field \
                         {within})",
                        condition.field
                    ),
                );
                continue;
            };
            if other.id == field.id {
                self.error(
                    *at,
                    format!("{key}.field"),
                    "a field cannot depend on itself",
                );
                continue;
            }
            if condition.values.is_empty() {
                self.error(*at, format!("{key}.values"), "give at least one value");
            }
            let allowed: Option<Vec<String>> = match &other.kind {
                FieldKind::YesNo => Some(vec!["yes".into(), "no".into()]),
                FieldKind::SingleSelect { option_list }
                | FieldKind::MultiSelect { option_list, .. } => Some(
                    scope
                        .option_lists
                        .get(option_list)
                        .map(|l| l.options.iter().map(|o| o.id.clone()).collect())
                        .unwrap_or_default(),
                ),
                _ => None,
            };
            let Some(allowed) = allowed else {
                self.error(
                    *at,
                    format!("{key}.field"),
                    format!(
                        "\"{}\" is a {} field: skip logic depends on a yes/no or select field",
                        other.id,
                        other.kind.type_name()
                    ),
                );
                continue;
            };
            for (i, value) in condition.values.iter().enumerate() {
                if !allowed.contains(value) {
                    self.error(
                        *at,
                        format!("{key}.values[{i}]"),
                        format!("\"{value}\" is not an answer \"{}\" can hold", other.id),
                    );
                }
            }
            // Follow the chain: it must end.
            let mut seen = vec![field.id.as_str()];
            let mut next = Some(condition.field.as_str());
            while let Some(id) = next {
                if seen.contains(&id) {
                    self.error(
                        *at,
                        format!("{key}.field"),
                        format!("the skip logic of \"{}\" loops back to it", field.id),
                    );
                    break;
                }
                seen.push(id);
                next = fields
                    .iter()
                    .find(|f| f.id == id)
                    .and_then(|f| f.show_when.as_ref())
                    .map(|c| c.field.as_str());
            }
        }
    }
}
