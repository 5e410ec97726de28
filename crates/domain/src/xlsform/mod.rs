//! XLSForm, the form format of ODK, KoboToolbox and much of the humanitarian sector, turned
//! into a case type's form sections and option lists in the configuration's file format.
//!
//! The `survey` sheet's question types that Caseward has are mapped (text, integer, decimal,
//! date, dateTime, select_one, select_multiple, begin/end group → a section, begin/end repeat →
//! a repeating group), with `label`, `hint` and their translations, `required`, `relevant` →
//! skip logic and `constraint` where it has a Caseward rule; the `choices` sheet gives the
//! option lists, `settings` the title and default language. Every construct that does not map
//! is reported by sheet, row and column and left out, never approximated; a workbook that
//! cannot be read as a form at all (no `survey` sheet, unbalanced groups, a name that is not an
//! id, a list that does not exist) is refused with every problem. Pure: cells arrive as text.

mod expressions;

use crate::config::Classification;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use toml::{Table, Value};

/// A workbook as rows of cell texts, by sheet name (the first row holds the column names).
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    pub sheets: BTreeMap<String, Vec<Vec<String>>>,
}

/// What the conversion needs to know of the instance and the operator's choices.
#[derive(Debug, Clone)]
pub struct XlsFormOptions {
    /// The case type the form is for: its id prefixes the option lists' ids.
    pub case_type: String,
    /// The instance's languages; the first is its default.
    pub languages: Vec<String>,
    /// The classification of every question whose row does not say (`classification` column).
    pub classification: Classification,
}

/// One problem, located in the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlsFormProblem {
    pub sheet: String,
    /// The spreadsheet's row number (1 is the header).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub problem: String,
}

impl fmt::Display for XlsFormProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.sheet)?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// The form in the configuration's file format.
#[derive(Debug, Clone, Default)]
pub struct XlsForm {
    /// `settings` `form_title` (with its translations), by language.
    pub title: BTreeMap<String, String>,
    /// `[[section]]` tables, each with its `field` list.
    pub sections: Vec<Table>,
    /// `[[option_list]]` tables, each with its `option` list.
    pub option_lists: Vec<Table>,
    /// Constructs that do not map, left out.
    pub skipped: Vec<XlsFormProblem>,
    /// What was filled in: a text missing in one of the instance's languages.
    pub notices: Vec<XlsFormProblem>,
}

/// Convert a workbook; `Err` holds every reason it cannot be a form.
pub fn convert(
    workbook: &Workbook,
    options: &XlsFormOptions,
) -> Result<XlsForm, Vec<XlsFormProblem>> {
    let mut converter = Converter {
        options,
        errors: Vec::new(),
        skipped: Vec::new(),
        default_language: options
            .languages
            .first()
            .cloned()
            .unwrap_or_else(|| "en".into()),
        fallbacks: BTreeSet::new(),
    };
    converter.run(workbook)
}

/// Where a label or hint's language comes from: `label`, `label::English (en)`, `label::fr`.
fn language_of(header: &str, base: &str, default: &str) -> Option<Option<String>> {
    if header == base {
        return Some(Some(default.to_string()));
    }
    let rest = header.strip_prefix(base)?.strip_prefix("::")?;
    let code = match (rest.rfind('('), rest.ends_with(')')) {
        (Some(open), true) => rest[open + 1..rest.len() - 1].trim().to_string(),
        _ => rest.trim().to_string(),
    };
    let is_code = (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase());
    Some(is_code.then_some(code))
}

use crate::config::is_snake_case as is_id;

/// A sheet's rows with its header: cells by lower-cased column name.
struct Sheet<'a> {
    name: &'a str,
    header: Vec<String>,
    rows: &'a [Vec<String>],
}

impl<'a> Sheet<'a> {
    fn of(workbook: &'a Workbook, name: &'a str) -> Option<Self> {
        let (found, rows) = workbook
            .sheets
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))?;
        let header = rows
            .first()
            .map(|h| h.iter().map(|c| c.trim().to_lowercase()).collect())
            .unwrap_or_default();
        let _ = found;
        Some(Self {
            name,
            header,
            rows: rows.get(1..).unwrap_or_default(),
        })
    }

    /// Rows with their spreadsheet number, skipping empty ones.
    fn rows(&self) -> impl Iterator<Item = (usize, &'a Vec<String>)> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r))
            .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
    }

    fn cell<'r>(&self, row: &'r [String], column: &str) -> &'r str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| row.get(i))
            .map(|c| c.trim())
            .unwrap_or("")
    }

    fn has(&self, column: &str) -> bool {
        self.header.iter().any(|h| h == column)
    }
}

struct Converter<'o> {
    options: &'o XlsFormOptions,
    errors: Vec<XlsFormProblem>,
    skipped: Vec<XlsFormProblem>,
    default_language: String,
    /// Languages of the instance some text had no translation for (reported once each).
    fallbacks: BTreeSet<String>,
}

/// An open `begin group` or `begin repeat`.
enum Open {
    Group {
        flattened: bool,
    },
    Repeat {
        field: Table,
        members: Vec<Value>,
        row: usize,
    },
    /// A construct being left out with everything inside it.
    Skipped,
}

impl Converter<'_> {
    fn error(
        &mut self,
        sheet: &str,
        row: Option<usize>,
        column: Option<&str>,
        problem: impl Into<String>,
    ) {
        self.errors.push(XlsFormProblem {
            sheet: sheet.into(),
            row,
            column: column.map(str::to_string),
            problem: problem.into(),
        });
    }

    fn skip(
        &mut self,
        sheet: &str,
        row: Option<usize>,
        column: Option<&str>,
        problem: impl Into<String>,
    ) {
        self.skipped.push(XlsFormProblem {
            sheet: sheet.into(),
            row,
            column: column.map(str::to_string),
            problem: problem.into(),
        });
    }

    /// A label or hint in every language of the instance, from the columns `base`,
    /// `base::… (code)`; a missing language takes the default language's text (reported).
    fn text(&mut self, sheet: &Sheet, row: &[String], base: &str) -> Option<Value> {
        let mut by_language = BTreeMap::new();
        for (i, header) in sheet.header.iter().enumerate() {
            if let Some(Some(code)) = language_of(header, base, &self.default_language) {
                let text = row.get(i).map(|c| c.trim()).unwrap_or("");
                if !text.is_empty() && self.options.languages.contains(&code) {
                    by_language.insert(code, text.to_string());
                }
            }
        }
        if by_language.is_empty() {
            return None;
        }
        let fallback = by_language
            .get(&self.default_language)
            .or_else(|| by_language.values().next())
            .cloned()
            .unwrap_or_default();
        let mut table = Table::new();
        for language in &self.options.languages {
            let text = match by_language.get(language) {
                Some(text) => text.clone(),
                None => {
                    self.fallbacks.insert(language.clone());
                    fallback.clone()
                }
            };
            table.insert(language.clone(), Value::String(text));
        }
        Some(Value::Table(table))
    }

    /// Language columns the instance does not have, reported once per column.
    fn check_language_columns(&mut self, sheet: &Sheet) {
        for header in sheet.header.clone() {
            for base in [
                "label",
                "hint",
                "constraint_message",
                "required_message",
                "media::image",
            ] {
                match language_of(&header, base, &self.default_language) {
                    Some(None) => self.error(
                        sheet.name,
                        Some(1),
                        Some(&header),
                        "the column names no language code: write it as label::English (en)",
                    ),
                    Some(Some(code)) if !self.options.languages.contains(&code) => self.skip(
                        sheet.name,
                        Some(1),
                        Some(&header),
                        format!(
                            "\"{code}\" is not a language of this instance: the column is left out"
                        ),
                    ),
                    _ => {}
                }
            }
        }
    }

    fn run(&mut self, workbook: &Workbook) -> Result<XlsForm, Vec<XlsFormProblem>> {
        let mut form = XlsForm::default();
        if let Some(settings) = Sheet::of(workbook, "settings") {
            let default = settings
                .rows()
                .next()
                .map(|(_, r)| settings.cell(r, "default_language").to_string());
            if let Some(default) = default.filter(|d| !d.is_empty()) {
                match language_of(&format!("label::{default}"), "label", "") {
                    Some(Some(code)) if self.options.languages.contains(&code) => self.default_language = code,
                    _ => self.error("settings", Some(2), Some("default_language"), format!("\"{default}\" names no language of this instance (write it as English (en))")),
                }
            }
            if let Some((_, row)) = settings.rows().next()
                && let Some(Value::Table(title)) = self.text(&settings, row, "form_title")
            {
                form.title = title
                    .into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
                    .collect();
            }
        }
        let Some(survey) = Sheet::of(workbook, "survey") else {
            self.error("survey", None, None, "the workbook has no survey sheet");
            return Err(std::mem::take(&mut self.errors));
        };
        for column in ["type", "name"] {
            if !survey.has(column) {
                self.error(
                    "survey",
                    Some(1),
                    Some(column),
                    "the survey sheet has no such column",
                );
            }
        }
        if !survey
            .header
            .iter()
            .any(|h| language_of(h, "label", "").is_some())
        {
            self.error(
                "survey",
                Some(1),
                Some("label"),
                "the survey sheet has no label column",
            );
        }
        if !self.errors.is_empty() {
            return Err(std::mem::take(&mut self.errors));
        }
        self.check_language_columns(&survey);
        let lists = self.choices(workbook);
        let mut used_lists = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut open: Vec<(Open, usize)> = Vec::new();
        let mut section: Option<Table> = None;
        let mut fields: Vec<Value> = Vec::new();
        let mut loose = 0;
        for (number, row) in survey.rows() {
            let kind = survey.cell(row, "type").to_string();
            let name = survey.cell(row, "name").to_string();
            let words: Vec<&str> = kind.split_whitespace().collect();
            let head = words
                .first()
                .copied()
                .unwrap_or("")
                .to_lowercase()
                .replace(' ', "_");
            let head = match (head.as_str(), words.get(1)) {
                ("begin" | "end", Some(second)) => format!("{head}_{}", second.to_lowercase()),
                _ => head,
            };
            let skipping = open.iter().any(|(o, _)| matches!(o, Open::Skipped));
            match head.as_str() {
                "begin_group" | "begin_repeat" => {
                    if skipping {
                        open.push((Open::Skipped, number));
                        continue;
                    }
                    let in_repeat = open.iter().any(|(o, _)| matches!(o, Open::Repeat { .. }));
                    if head == "begin_repeat" && in_repeat {
                        self.skip("survey", Some(number), Some("type"), "a repeat inside a repeat has no Caseward form: left out with its questions");
                        open.push((Open::Skipped, number));
                        continue;
                    }
                    if !self.check_name(&survey, number, &name, &mut names) {
                        open.push((Open::Skipped, number));
                        continue;
                    }
                    self.unmapped_columns(&survey, number, row, &["type", "name", "relevant"]);
                    let label = self.text(&survey, row, "label");
                    if head == "begin_repeat" {
                        let mut field = Table::new();
                        field.insert("id".into(), Value::String(name.clone()));
                        field.insert("type".into(), Value::String("repeating_group".into()));
                        self.put_label(&mut field, label, &name);
                        field.insert(
                            "classification".into(),
                            Value::String(self.classification(&survey, number, row)),
                        );
                        if open.is_empty() {
                            // A repeat outside any group is a section of its own.
                            self.close_section(&mut form, &mut section, &mut fields);
                            section = Some(self.section_table(
                                &format!("{name}_section"),
                                field.get("label").cloned(),
                            ));
                        }
                        open.push((
                            Open::Repeat {
                                field,
                                members: Vec::new(),
                                row: number,
                            },
                            number,
                        ));
                    } else if open.is_empty() && !in_repeat {
                        self.close_section(&mut form, &mut section, &mut fields);
                        let mut table = Table::new();
                        table.insert("id".into(), Value::String(name.clone()));
                        self.put_label(&mut table, label, &name);
                        section = Some(table);
                        open.push((Open::Group { flattened: false }, number));
                    } else {
                        self.skip("survey", Some(number), Some("type"), format!("group \"{name}\" inside another: its questions join the enclosing one and its label is left out"));
                        open.push((Open::Group { flattened: true }, number));
                    }
                }
                "end_group" | "end_repeat" => {
                    let Some((top, _)) = open.pop() else {
                        self.error(
                            "survey",
                            Some(number),
                            Some("type"),
                            format!("\"{kind}\" closes nothing"),
                        );
                        continue;
                    };
                    match (top, head.as_str()) {
                        (Open::Skipped, _) => {}
                        (Open::Group { flattened }, "end_group") => {
                            if !flattened {
                                self.close_section(&mut form, &mut section, &mut fields);
                            }
                        }
                        (
                            Open::Repeat {
                                mut field,
                                members,
                                row,
                            },
                            "end_repeat",
                        ) => {
                            if members.is_empty() {
                                self.skip(
                                    "survey",
                                    Some(row),
                                    Some("type"),
                                    "a repeat without questions that map: left out",
                                );
                            } else {
                                field.insert("field".into(), Value::Array(members));
                                self.push_field(&mut open, &mut fields, Value::Table(field));
                            }
                            if open.is_empty() {
                                self.close_section(&mut form, &mut section, &mut fields);
                            }
                        }
                        _ => self.error(
                            "survey",
                            Some(number),
                            Some("type"),
                            format!("\"{kind}\" does not close the group or repeat opened last"),
                        ),
                    }
                }
                _ if skipping => {}
                _ => {
                    let Some(field) =
                        self.question(&survey, number, row, &words, &lists, &mut used_lists)
                    else {
                        continue;
                    };
                    if !self.check_name(&survey, number, &name, &mut names) {
                        continue;
                    }
                    if section.is_none() {
                        loose += 1;
                        let id = if loose == 1 {
                            "form".to_string()
                        } else {
                            format!("form_{loose}")
                        };
                        let title = (!form.title.is_empty()).then(|| {
                            Value::Table(
                                form.title
                                    .iter()
                                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                    .collect(),
                            )
                        });
                        section = Some(self.section_table(&id, title));
                    }
                    self.push_field(&mut open, &mut fields, Value::Table(field));
                }
            }
        }
        for (_, row) in open.iter().rev() {
            self.error(
                "survey",
                Some(*row),
                Some("type"),
                "this group or repeat is never closed",
            );
        }
        self.close_section(&mut form, &mut section, &mut fields);
        for language in std::mem::take(&mut self.fallbacks) {
            form.notices.push(XlsFormProblem {
                sheet: "survey".into(),
                row: None,
                column: None,
                problem: format!(
                    "some texts have no {language} translation: the {} text is used",
                    self.default_language
                ),
            });
        }
        for (list, options) in lists {
            if used_lists.contains(&list) {
                form.option_lists.push(self.option_list(&list, options));
            }
        }
        if !self.errors.is_empty() {
            return Err(std::mem::take(&mut self.errors));
        }
        if form.sections.is_empty() {
            return Err(vec![XlsFormProblem {
                sheet: "survey".into(),
                row: None,
                column: None,
                problem: "no question maps to a Caseward field".into(),
            }]);
        }
        form.skipped = std::mem::take(&mut self.skipped);
        Ok(form)
    }

    fn section_table(&self, id: &str, label: Option<Value>) -> Table {
        let mut table = Table::new();
        table.insert("id".into(), Value::String(id.into()));
        self.put_label(&mut table, label, id);
        table
    }

    fn put_label(&self, table: &mut Table, label: Option<Value>, name: &str) {
        let label = label.unwrap_or_else(|| {
            Value::Table(
                self.options
                    .languages
                    .iter()
                    .map(|l| (l.clone(), Value::String(name.replace('_', " "))))
                    .collect(),
            )
        });
        table.insert("label".into(), label);
    }

    fn push_field(&mut self, open: &mut [(Open, usize)], fields: &mut Vec<Value>, field: Value) {
        match open
            .iter_mut()
            .rev()
            .find(|(o, _)| matches!(o, Open::Repeat { .. }))
        {
            Some((Open::Repeat { members, .. }, _)) => members.push(field),
            _ => fields.push(field),
        }
    }

    fn close_section(
        &mut self,
        form: &mut XlsForm,
        section: &mut Option<Table>,
        fields: &mut Vec<Value>,
    ) {
        if let Some(mut table) = section.take() {
            if fields.is_empty() {
                let id = table
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                self.skip(
                    "survey",
                    None,
                    None,
                    format!("group \"{id}\" has no question that maps: left out"),
                );
                return;
            }
            table.insert("field".into(), Value::Array(std::mem::take(fields)));
            form.sections.push(table);
        }
    }

    fn check_name(
        &mut self,
        survey: &Sheet,
        number: usize,
        name: &str,
        names: &mut BTreeSet<String>,
    ) -> bool {
        if !is_id(name) {
            self.error(survey.name, Some(number), Some("name"), format!("\"{name}\" is not a Caseward id (lower-case letters, digits and _, a letter first, at most 64)"));
            return false;
        }
        if !names.insert(name.to_string()) {
            self.error(
                survey.name,
                Some(number),
                Some("name"),
                format!("\"{name}\" is used twice"),
            );
            return false;
        }
        true
    }

    fn classification(&mut self, survey: &Sheet, number: usize, row: &[String]) -> String {
        let given = survey.cell(row, "classification");
        if given.is_empty() {
            return self.options.classification.as_str().into();
        }
        match Classification::parse(&given.to_lowercase()) {
            Some(c) => c.as_str().into(),
            None => {
                self.error(
                    survey.name,
                    Some(number),
                    Some("classification"),
                    format!("\"{given}\" is not standard, restricted or confidential"),
                );
                self.options.classification.as_str().into()
            }
        }
    }

    /// Columns this converter does not map, if the row fills them.
    fn unmapped_columns(&mut self, survey: &Sheet, number: usize, row: &[String], mapped: &[&str]) {
        for (i, header) in survey.header.iter().enumerate() {
            let value = row.get(i).map(|c| c.trim()).unwrap_or("");
            if value.is_empty() || header.is_empty() {
                continue;
            }
            let is_text = ["label", "hint"]
                .iter()
                .any(|b| language_of(header, b, "").is_some());
            if is_text || mapped.contains(&header.as_str()) || header == "classification" {
                continue;
            }
            self.skip(
                survey.name,
                Some(number),
                Some(header),
                format!("\"{header}\" is not mapped: left out"),
            );
        }
    }

    /// A question row as a field table; `None` when its type does not map (reported).
    fn question(
        &mut self,
        survey: &Sheet,
        number: usize,
        row: &[String],
        words: &[&str],
        lists: &BTreeMap<String, Vec<(String, Value)>>,
        used: &mut BTreeSet<String>,
    ) -> Option<Table> {
        let kind = words.first().copied().unwrap_or("");
        let appearance = survey.cell(row, "appearance").to_lowercase();
        let mut field = Table::new();
        field.insert("id".into(), Value::String(survey.cell(row, "name").into()));
        let mut mapped = vec!["type", "name", "required", "relevant", "constraint"];
        let type_name = match (kind, words.len()) {
            ("text", 1) if appearance == "multiline" => {
                mapped.push("appearance");
                "long_text"
            }
            ("text", 1) => "short_text",
            ("integer", 1) | ("decimal", 1) => "number",
            ("date", 1) => "date",
            ("dateTime", 1) | ("datetime", 1) => "date_time",
            ("select_one" | "select_multiple", 2) | ("select_one" | "select_multiple", 3) => {
                if words.get(2).is_some_and(|w| *w == "or_other") {
                    self.skip(
                        survey.name,
                        Some(number),
                        Some("type"),
                        "\"or_other\" is not mapped: the question keeps its listed answers only",
                    );
                } else if words.len() == 3 {
                    self.error(
                        survey.name,
                        Some(number),
                        Some("type"),
                        format!("\"{}\" is not a select question type", words.join(" ")),
                    );
                    return None;
                }
                let list = words[1];
                if !lists.contains_key(list) {
                    self.error(
                        survey.name,
                        Some(number),
                        Some("type"),
                        format!("the list \"{list}\" is not in the choices sheet"),
                    );
                    return None;
                }
                used.insert(list.to_string());
                field.insert("option_list".into(), Value::String(self.list_id(list)));
                if kind == "select_one" {
                    "single_select"
                } else {
                    "multi_select"
                }
            }
            ("", _) => {
                self.error(
                    survey.name,
                    Some(number),
                    Some("type"),
                    "a question without a type",
                );
                return None;
            }
            _ => {
                self.skip(
                    survey.name,
                    Some(number),
                    Some("type"),
                    format!(
                        "\"{}\" has no Caseward field type: left out",
                        words.join(" ")
                    ),
                );
                return None;
            }
        };
        field.insert("type".into(), Value::String(type_name.into()));
        if kind == "integer" {
            field.insert("integer".into(), Value::Boolean(true));
        }
        let name = survey.cell(row, "name").to_string();
        let label = self.text(survey, row, "label");
        if label.is_none() {
            self.error(
                survey.name,
                Some(number),
                Some("label"),
                "a question needs a label",
            );
        }
        self.put_label(&mut field, label, &name);
        if let Some(hint) = self.text(survey, row, "hint") {
            field.insert("help".into(), hint);
        }
        match survey.cell(row, "required").to_lowercase().as_str() {
            "" | "no" | "false" | "false()" | "0" => {}
            "yes" | "true" | "true()" | "1" => {
                field.insert("required".into(), Value::Boolean(true));
            }
            other => self.skip(
                survey.name,
                Some(number),
                Some("required"),
                format!(
                    "\"{other}\" is an expression, not yes or no: the question is not required"
                ),
            ),
        }
        field.insert(
            "classification".into(),
            Value::String(self.classification(survey, number, row)),
        );
        let relevant = survey.cell(row, "relevant");
        if !relevant.is_empty() {
            match expressions::relevant(relevant) {
                Some((on, values)) => {
                    let mut condition = Table::new();
                    condition.insert("field".into(), Value::String(on));
                    condition.insert("values".into(), Value::Array(values.into_iter().map(Value::String).collect()));
                    field.insert("show_when".into(), Value::Table(condition));
                }
                None => self.skip(survey.name, Some(number), Some("relevant"), "only ${question} = 'answer', selected(${question}, 'answer') and their or map to skip logic: the condition is left out and the question always asked"),
            }
        }
        let constraint = survey.cell(row, "constraint");
        if !constraint.is_empty() {
            match expressions::constraint(constraint, type_name) {
                Some(rules) => field.extend(rules),
                None => self.skip(
                    survey.name,
                    Some(number),
                    Some("constraint"),
                    format!(
                        "this constraint has no Caseward rule for a {type_name} field: left out"
                    ),
                ),
            }
        }
        self.unmapped_columns(survey, number, row, &mapped);
        Some(field)
    }

    fn list_id(&self, list: &str) -> String {
        format!("{}_{list}", self.options.case_type)
    }

    /// The choices sheet's lists, by name, each option with its row.
    fn choices(&mut self, workbook: &Workbook) -> BTreeMap<String, Vec<(String, Value)>> {
        let mut lists: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
        let Some(sheet) = Sheet::of(workbook, "choices") else {
            return lists;
        };
        self.check_language_columns(&sheet);
        let list_column = if sheet.has("list_name") {
            "list_name"
        } else {
            "list name"
        };
        for (number, row) in sheet.rows() {
            let list = sheet.cell(row, list_column).to_string();
            let name = sheet.cell(row, "name").to_string();
            if !is_id(&list) || !is_id(&self.list_id(&list)) {
                self.error("choices", Some(number), Some(list_column), format!("\"{list}\" is not a Caseward id (lower-case letters, digits and _, a letter first; with the case type's id before it, at most 64)"));
                continue;
            }
            if !is_id(&name) {
                self.error("choices", Some(number), Some("name"), format!("\"{name}\" is not a Caseward id (lower-case letters, digits and _, a letter first)"));
                continue;
            }
            let label = self.text(&sheet, row, "label");
            let Some(label) = label else {
                self.error(
                    "choices",
                    Some(number),
                    Some("label"),
                    "a choice needs a label",
                );
                continue;
            };
            let options = lists.entry(list).or_default();
            if options.iter().any(|(n, _)| *n == name) {
                self.error(
                    "choices",
                    Some(number),
                    Some("name"),
                    format!("\"{name}\" is in this list twice"),
                );
                continue;
            }
            self.unmapped_columns(&sheet, number, row, &[list_column, "name"]);
            options.push((name, label));
        }
        lists
    }

    fn option_list(&self, list: &str, options: Vec<(String, Value)>) -> Table {
        let mut table = Table::new();
        table.insert("id".into(), Value::String(self.list_id(list)));
        self.put_label(&mut table, None, list);
        table.insert(
            "option".into(),
            Value::Array(
                options
                    .into_iter()
                    .map(|(id, label)| {
                        let mut option = Table::new();
                        option.insert("id".into(), Value::String(id));
                        option.insert("label".into(), label);
                        Value::Table(option)
                    })
                    .collect(),
            ),
        );
        table
    }
}
