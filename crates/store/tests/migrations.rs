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
