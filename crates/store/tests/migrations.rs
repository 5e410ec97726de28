//! Migrations are numbered and named alike on both databases, and never skip a number.

use caseward_store::migrations::{POSTGRES, SQLITE};

#[test]
fn both_databases_have_the_same_migrations() {
    let names = |list: &[caseward_store::migrations::Migration]| {
        list.iter().map(|m| (m.number, m.name)).collect::<Vec<_>>()
    };
    assert_eq!(names(SQLITE), names(POSTGRES));
    for (index, migration) in SQLITE.iter().enumerate() {
        assert_eq!(
            migration.number as usize,
            index + 1,
            "migrations are numbered 1, 2, 3…"
        );
    }
}

/// The SQLite schema stays readable by the `sqlite3` operators have (Debian 12's is 3.40): no
/// aggregate ordered within its call (`json_group_array(x ORDER BY y)`, SQLite 3.44) in a
/// migration, where a view or trigger would keep it in the schema that every opening parses.
#[test]
fn sqlite_migrations_use_no_ordered_aggregate() {
    for migration in SQLITE {
        for function in ["json_group_array(", "group_concat(", "json_group_object("] {
            for (start, _) in migration.sql.match_indices(function) {
                // Only the call's own level: a subquery inside it may order its rows.
                let own = own_level(&migration.sql[start..]);
                assert!(
                    !own.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .contains("ORDER BY"),
                    "migration {} orders inside {function}…)",
                    migration.number
                );
            }
        }
    }
}

/// The text inside the first parentheses of `text`, up to where they close, with the contents
/// of the parentheses nested in them left out.
fn own_level(text: &str) -> String {
    let mut depth = 0;
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => break,
            ')' => depth -= 1,
            _ if depth == 1 => out.push(c),
            _ => {}
        }
    }
    out
}
