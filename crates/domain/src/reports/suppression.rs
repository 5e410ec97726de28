//! Small-cell suppression for a table of counts with its margins.
//!
//! A count below the minimum cell size could let a reader in a small community pick out the
//! people behind it ("two girls aged 12–17 in this district"), so it is not shown. Hiding it
//! is not enough when the table's totals are shown: a total less the other cells of its row
//! gives the hidden one back. So the table is taken with its margins (each row's total, each
//! column's total, the grand total) as lines of the form "these entries add up to that one",
//! and no line may have exactly one entry hidden: where one has, the smallest non-zero count
//! still shown in it is hidden too (complementary suppression), or its total when nothing else
//! is left, until every line has none hidden or at least two.
//!
//! This is the common rule of statistical offices' tabular suppression, not a proof against
//! every deduction: two hidden cells in each of two rows and two columns still hide one
//! degree of freedom, which is the rule's intent. Zeros are shown (a zero reveals no one) and
//! never chosen to hide another cell (hiding a zero beside a small count would give the small
//! count back as the line's difference).

/// A count as shown in a report: `None` where it is suppressed.
pub type Shown = Option<u64>;

/// A table of counts with its margins, each count shown or suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedTable {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub column_totals: Vec<Shown>,
    pub total: Shown,
}

/// Suppress `counts` (rows of equal length) for a minimum cell size of `minimum`: every
/// non-zero count below it, cell or total, and then complementary cells as described above.
pub fn suppress(counts: &[Vec<u64>], minimum: u64) -> SuppressedTable {
    let rows = counts.len();
    let columns = counts.first().map_or(0, Vec::len);
    debug_assert!(counts.iter().all(|row| row.len() == columns));
    // The table with its margins: row `rows` holds the column totals, column `columns` the
    // row totals, and the corner the grand total.
    let mut grid = vec![vec![0u64; columns + 1]; rows + 1];
    for (r, row) in counts.iter().enumerate() {
        for (c, &n) in row.iter().enumerate() {
            grid[r][c] = n;
            grid[r][columns] += n;
            grid[rows][c] += n;
            grid[rows][columns] += n;
        }
    }
    let mut hidden: Vec<Vec<bool>> = grid
        .iter()
        .map(|row| row.iter().map(|&n| n > 0 && n < minimum).collect())
        .collect();

    // Each line: its entries' places, the total's last.
    let mut lines: Vec<Vec<(usize, usize)>> = Vec::with_capacity(rows + columns + 2);
    for r in 0..=rows {
        lines.push((0..=columns).map(|c| (r, c)).collect());
    }
    for c in 0..=columns {
        lines.push((0..=rows).map(|r| (r, c)).collect());
    }
    // Hiding only ever adds, so this ends: at worst with every non-zero entry hidden.
    let mut changed = true;
    while changed {
        changed = false;
        for line in &lines {
            let hidden_here = line.iter().filter(|&&(r, c)| hidden[r][c]).count();
            if hidden_here != 1 {
                continue;
            }
            let (parts, total) = line.split_at(line.len() - 1);
            let complement = parts
                .iter()
                .filter(|&&(r, c)| !hidden[r][c] && grid[r][c] > 0)
                .min_by_key(|&&(r, c)| (grid[r][c], r, c))
                .or_else(|| total.first().filter(|&&(r, c)| !hidden[r][c]));
            if let Some(&(r, c)) = complement {
                hidden[r][c] = true;
                changed = true;
            }
        }
    }

    let shown = |r: usize, c: usize| (!hidden[r][c]).then_some(grid[r][c]);
    SuppressedTable {
        cells: (0..rows)
            .map(|r| (0..columns).map(|c| shown(r, c)).collect())
            .collect(),
        row_totals: (0..rows).map(|r| shown(r, columns)).collect(),
        column_totals: (0..columns).map(|c| shown(rows, c)).collect(),
        total: shown(rows, columns),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nothing_is_hidden_when_every_count_is_large_enough() {
        let table = suppress(&[vec![5, 12], vec![0, 40]], 5);
        assert_eq!(table.cells, [[Some(5), Some(12)], [Some(0), Some(40)]]);
        assert_eq!(table.row_totals, [Some(17), Some(40)]);
        assert_eq!(table.column_totals, [Some(5), Some(52)]);
        assert_eq!(table.total, Some(57));
    }

    #[test]
    fn a_small_count_takes_the_smallest_other_count_of_its_lines_with_it() {
        // 2 is small; its row then hides 9 (smaller than 30), its column 7 (smaller than 20);
        // those make their own lines hide 8, and the four form a rectangle.
        let table = suppress(&[vec![2, 9, 30], vec![7, 8, 50], vec![20, 25, 60]], 5);
        assert_eq!(
            table.cells,
            [
                [None, None, Some(30)],
                [None, None, Some(50)],
                [Some(20), Some(25), Some(60)]
            ]
        );
        assert_eq!(table.row_totals, [Some(41), Some(65), Some(105)]);
        assert_eq!(table.total, Some(211));
    }

    #[test]
    fn one_column_hides_a_second_row_and_the_totals_of_both() {
        // A single column: each row's total is its cell, so both go; the column total stays,
        // and the next smallest row (9) goes with the small one.
        let table = suppress(&[vec![3], vec![9], vec![40]], 5);
        assert_eq!(table.cells, [[None], [None], [Some(40)]]);
        assert_eq!(table.row_totals, [None, None, Some(40)]);
        assert_eq!(table.column_totals, [Some(52)]);
    }

    #[test]
    fn a_small_count_beside_zeros_hides_the_total() {
        let table = suppress(&[vec![3, 0]], 5);
        assert_eq!(table.cells, [[None, Some(0)]]);
        assert_eq!(table.row_totals, [None]);
        assert_eq!(table.column_totals, [None, Some(0)]);
        assert_eq!(table.total, None);
    }

    #[test]
    fn an_empty_table_has_a_zero_total() {
        let table = suppress(&[], 5);
        assert!(table.cells.is_empty());
        assert_eq!(table.total, Some(0));
    }

    fn grid() -> impl Strategy<Value = Vec<Vec<u64>>> {
        (1usize..6, 1usize..6).prop_flat_map(|(rows, columns)| {
            proptest::collection::vec(
                proptest::collection::vec(prop_oneof![Just(0u64), 1u64..5, 5u64..100], columns),
                rows,
            )
        })
    }

    proptest! {
        /// Whatever the table: every small count is hidden, every shown count is true, zeros
        /// are shown, and no line of the table with its margins has exactly one entry hidden.
        #[test]
        fn no_hidden_count_can_be_worked_out_from_one_line(counts in grid(), minimum in 2u64..8) {
            let table = suppress(&counts, minimum);
            let rows = counts.len();
            let columns = counts[0].len();
            let mut full = vec![vec![(0u64, None); columns + 1]; rows + 1];
            for r in 0..rows {
                for c in 0..columns {
                    full[r][c] = (counts[r][c], table.cells[r][c]);
                }
                full[r][columns] = (counts[r].iter().sum(), table.row_totals[r]);
            }
            for c in 0..columns {
                full[rows][c] = (counts.iter().map(|row| row[c]).sum(), table.column_totals[c]);
            }
            full[rows][columns] = (counts.iter().flatten().sum(), table.total);
            for row in &full {
                for &(n, shown) in row {
                    if n > 0 && n < minimum {
                        prop_assert_eq!(shown, None);
                    }
                    if n == 0 {
                        prop_assert_eq!(shown, Some(0));
                    }
                    if let Some(shown) = shown {
                        prop_assert_eq!(shown, n);
                    }
                }
            }
            for row in &full {
                prop_assert_ne!(row.iter().filter(|e| e.1.is_none()).count(), 1);
            }
            for c in 0..=columns {
                prop_assert_ne!(full.iter().filter(|row| row[c].1.is_none()).count(), 1);
            }
        }
    }
}
