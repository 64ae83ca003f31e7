//! The README's method table is the list of what a client may call: every method the table in
//! `protocol::methods` decodes has its row, naming the seed it comes from, and no row names a
//! method that does not exist.

use std::collections::BTreeSet;

use crate::protocol::methods::KNOWN_METHODS;

/// The `| \`name\` | seed |` rows under the README's method heading.
fn documented(readme: &str) -> Vec<(String, String)> {
    let Some(start) = readme.find("### Every method and where it comes from") else {
        return Vec::new();
    };
    readme[start..]
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with("#"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_string(), cells.get(2)?.to_string()))
        })
        .collect()
}

#[test]
fn the_readme_lists_every_method_with_its_seed() {
    let readme = include_str!("../../README.md");
    let rows = documented(readme);
    let names: BTreeSet<&str> = rows.iter().map(|(name, _)| name.as_str()).collect();
    let known: BTreeSet<&str> = KNOWN_METHODS.iter().copied().collect();
    let missing: Vec<_> = known.difference(&names).collect();
    let extra: Vec<_> = names.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "methods the README does not list: {missing:?}"
    );
    assert!(extra.is_empty(), "README rows for no method: {extra:?}");
    for (name, seed) in &rows {
        assert!(
            seed.starts_with("T3 Code v0.0.4") || seed.starts_with("DP Code (dpcode.md §"),
            "{name}: the seed '{seed}' names neither T3 Code v0.0.4 nor a DP Code section"
        );
    }
    assert_eq!(rows.len(), names.len(), "a method listed twice");
}
