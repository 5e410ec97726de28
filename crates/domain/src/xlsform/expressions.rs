//! The few XPath expressions of XLSForm that have a Caseward meaning. Anything else is `None`:
//! the caller reports it rather than guess.

use toml::{Table, Value};

/// `relevant`: `${q} = 'a'`, `selected(${q}, 'a')`, joined by `or` over one question →
/// `(q, [a, …])`.
pub fn relevant(expression: &str) -> Option<(String, Vec<String>)> {
    let mut field: Option<String> = None;
    let mut values = Vec::new();
    for atom in split_keyword(expression, "or") {
        let (on, value) = equals(atom).or_else(|| selected(atom))?;
        match &field {
            Some(f) if *f != on => return None,
            _ => field = Some(on),
        }
        values.push(value);
    }
    Some((field?, values))
}

/// `constraint`, as the field rules it is made of (joined by `and`): `. >= n`, `. <= n`
/// (`>`/`<` on whole numbers) for numbers, `string-length(.) <= n` / `>= n` and
/// `regex(., 'p')` for text, `. <= today()` for dates.
pub fn constraint(expression: &str, type_name: &str) -> Option<Table> {
    let mut rules = Table::new();
    for atom in split_keyword(expression, "and") {
        let atom = unwrap_parens(atom);
        if let Some(pattern) = regex(atom) {
            if type_name != "short_text" {
                return None;
            }
            rules.insert("pattern".into(), Value::String(pattern));
            continue;
        }
        let (left, op, right) = comparison(atom)?;
        match (left, type_name) {
            (".", "number") => {
                let n: f64 = right.parse().ok()?;
                let (key, bound) = match op {
                    ">=" => ("min", n),
                    "<=" => ("max", n),
                    ">" if n.fract() == 0.0 => ("min", n + 1.0),
                    "<" if n.fract() == 0.0 => ("max", n - 1.0),
                    _ => return None,
                };
                rules.insert(key.into(), number(bound));
            }
            (".", "date" | "date_time") if right == "today()" && matches!(op, "<=") => {
                rules.insert("not_in_future".into(), Value::Boolean(true));
            }
            ("string-length(.)", "short_text" | "long_text") => {
                let n: u32 = right.parse().ok()?;
                let (key, bound) = match op {
                    ">=" => ("min_length", n),
                    "<=" => ("max_length", n),
                    ">" => ("min_length", n.checked_add(1)?),
                    "<" => ("max_length", n.checked_sub(1)?),
                    _ => return None,
                };
                rules.insert(key.into(), Value::Integer(i64::from(bound)));
            }
            _ => return None,
        }
    }
    (!rules.is_empty()).then_some(rules)
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Value::Integer(n as i64)
    } else {
        Value::Float(n)
    }
}

/// Split on a keyword surrounded by spaces, outside quotes and parentheses.
fn split_keyword<'a>(text: &'a str, keyword: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    let bytes = text.as_bytes();
    let needle = format!(" {keyword} ");
    let mut i = 0;
    while i < text.len() {
        let c = bytes[i] as char;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, _) if depth == 0 && text[i..].starts_with(&needle) => {
                parts.push(text[start..i].trim());
                i += needle.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(text[start..].trim());
    parts
}

fn unwrap_parens(text: &str) -> &str {
    let text = text.trim();
    match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) if !inner.contains('(') => inner.trim(),
        _ => text,
    }
}

/// `${name}` → name.
fn reference(text: &str) -> Option<String> {
    let name = text.trim().strip_prefix("${")?.strip_suffix('}')?;
    (!name.is_empty() && !name.contains(['{', '}', ' '])).then(|| name.to_string())
}

/// `'text'` or `"text"` → text.
fn literal(text: &str) -> Option<String> {
    let text = text.trim();
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(quote)).then(|| inner.to_string())
}

fn equals(atom: &str) -> Option<(String, String)> {
    let atom = unwrap_parens(atom);
    let (left, right) = atom.split_once('=')?;
    if left.ends_with(['!', '<', '>']) {
        return None;
    }
    Some((reference(left)?, literal(right)?))
}

fn selected(atom: &str) -> Option<(String, String)> {
    let inner = unwrap_parens(atom)
        .strip_prefix("selected(")?
        .strip_suffix(')')?;
    let (left, right) = inner.split_once(',')?;
    Some((reference(left)?, literal(right)?))
}

fn regex(atom: &str) -> Option<String> {
    let inner = atom.strip_prefix("regex(")?.strip_suffix(')')?;
    let (left, right) = inner.split_once(',')?;
    (left.trim() == ".").then_some(())?;
    literal(right)
}

/// `left op right` with one of `>=`, `<=`, `>`, `<`.
fn comparison(atom: &str) -> Option<(&str, &str, &str)> {
    for op in [">=", "<=", ">", "<"] {
        if let Some((left, right)) = atom.split_once(op) {
            return Some((left.trim(), op, right.trim()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_maps_answers_of_one_question() {
        assert_eq!(
            relevant("${in_school} = 'yes'"),
            Some(("in_school".into(), vec!["yes".into()]))
        );
        assert_eq!(
            relevant("selected(${concerns}, 'labour') or ${concerns}='neglect'"),
            Some(("concerns".into(), vec!["labour".into(), "neglect".into()]))
        );
        for unmapped in [
            "${age} > 12",
            "${a} = 'x' or ${b} = 'y'",
            "${a} = 'x' and ${a} = 'y'",
            "not(selected(${a}, 'x'))",
            "${a} != 'x'",
        ] {
            assert_eq!(relevant(unmapped), None, "{unmapped}");
        }
    }

    #[test]
    fn constraints_with_a_caseward_rule_map() {
        let rules = constraint(". >= 0 and . <= 17", "number").unwrap();
        assert_eq!(rules.get("min"), Some(&Value::Integer(0)));
        assert_eq!(rules.get("max"), Some(&Value::Integer(17)));
        let rules = constraint(
            "string-length(.) <= 20 and regex(., '^[A-Z]{2}$')",
            "short_text",
        )
        .unwrap();
        assert_eq!(rules.get("max_length"), Some(&Value::Integer(20)));
        assert_eq!(
            rules.get("pattern"),
            Some(&Value::String("^[A-Z]{2}$".into()))
        );
        assert!(
            constraint(". <= today()", "date")
                .unwrap()
                .contains_key("not_in_future")
        );
        for (unmapped, kind) in [
            (". > 1.5", "number"),
            (". != 3", "number"),
            (". >= ${other}", "number"),
            ("regex(., 'x')", "number"),
            (". <= today()", "short_text"),
        ] {
            assert_eq!(constraint(unmapped, kind), None, "{unmapped}");
        }
    }
}
