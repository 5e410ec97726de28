//! What a write changes among a case's derived rows (search tokens, report dimensions): the
//! rows stored that are no longer wanted, and the rows wanted that are not stored. Rows that
//! stay are left alone: each sits in a random page of an index, and deleting and inserting it
//! again dirtied that page (an edit of one field rewrote every token and dimension of its case).

use std::hash::Hash;

/// A set of derived rows, hashed with foldhash rather than the standard library's SipHash: an
/// edit builds two, for its tokens and its dimensions (with `case_edits.rs`'s maps by case id,
/// 1–2 % fewer instructions an edit). The rows are the case's own (keyed tokens, its dimension
/// values), a few dozen, so no request can make them collide in numbers.
pub(crate) type Rows<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// `(to delete, to insert)`.
pub(crate) fn changes<T: Eq + Hash>(stored: Rows<T>, mut wanted: Rows<T>) -> (Vec<T>, Vec<T>) {
    let mut gone = Vec::new();
    for row in stored {
        if !wanted.remove(&row) {
            gone.push(row);
        }
    }
    (gone, wanted.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Deleting what goes and inserting what is new turns the stored rows into the wanted
        /// ones, touching no row that stays.
        #[test]
        fn the_changes_turn_the_stored_rows_into_the_wanted(
            stored in proptest::collection::hash_set(0u8..40, 0..30),
            wanted in proptest::collection::hash_set(0u8..40, 0..30),
        ) {
            let (gone, new) = changes(
                stored.iter().copied().collect(),
                wanted.iter().copied().collect(),
            );
            let mut after = stored.clone();
            for row in &gone {
                prop_assert!(after.remove(row));
                prop_assert!(!wanted.contains(row));
            }
            for row in &new {
                prop_assert!(!stored.contains(row));
                prop_assert!(after.insert(*row));
            }
            prop_assert_eq!(after, wanted);
        }
    }
}
