use super::*;

fn touch(root: &Path, rel: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, rel).unwrap();
}

fn paths(result: &SearchResult) -> Vec<&str> {
    result.entries.iter().map(|e| e.path.as_str()).collect()
}

fn all_paths(index: &EntryIndex) -> Vec<String> {
    index
        .search("@", usize::MAX)
        .entries
        .into_iter()
        .map(|e| e.path)
        .collect()
}

fn ignore_fixture(with_git: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if with_git {
        fs::create_dir_all(root.join(".git/objects")).unwrap();
        fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    }
    fs::write(root.join(".gitignore"), "secret.log\ngenerated/\n").unwrap();
    touch(root, "src/main.rs");
    touch(root, "secret.log");
    touch(root, "generated/out.rs");
    touch(root, "node_modules/pkg/index.js");
    touch(root, "packages/app/node_modules/dep/index.js");
    touch(root, ".github/workflows/ci.yml");
    touch(root, "nested/.gitignore");
    fs::write(root.join("nested/.gitignore"), "*.tmp\n").unwrap();
    touch(root, "nested/keep.txt");
    touch(root, "nested/drop.tmp");
    fs::write(root.join(".ignore"), "private/\n").unwrap();
    touch(root, "private/key.txt");
    dir
}

fn check_ignores(with_git: bool) {
    let dir = ignore_fixture(with_git);
    let index = EntryIndex::build(dir.path(), MAX_INDEX_ENTRIES).unwrap();
    let all = all_paths(&index);
    for present in [
        "src",
        "src/main.rs",
        ".gitignore",
        ".github/workflows/ci.yml",
        "nested/keep.txt",
    ] {
        assert!(
            all.iter().any(|p| p == present),
            "{present} missing: {all:?}"
        );
    }
    for absent in [
        "secret.log",
        "generated",
        "generated/out.rs",
        "node_modules",
        "node_modules/pkg/index.js",
        "nested/drop.tmp",
        "private",
        "private/key.txt",
    ] {
        assert!(
            !all.iter().any(|p| p == absent),
            "{absent} present: {all:?}"
        );
    }
    assert!(!all.iter().any(|p| p.starts_with(".git/") || p == ".git"));
    assert!(!index.truncated());
}

#[test]
fn honours_gitignore_in_git_repo() {
    check_ignores(true);
}

#[test]
fn honours_gitignore_without_git_dir() {
    check_ignores(false);
}

#[test]
fn nested_vendor_dirs_skipped_only_outside_git() {
    // Outside git the reference skips these names at any depth; inside
    // git only at top level (nested ones are left to .gitignore).
    let plain = ignore_fixture(false);
    let all = all_paths(&EntryIndex::build(plain.path(), 1000).unwrap());
    assert!(!all.iter().any(|p| p.contains("node_modules")), "{all:?}");

    let repo = ignore_fixture(true);
    let all = all_paths(&EntryIndex::build(repo.path(), 1000).unwrap());
    assert!(all
        .iter()
        .any(|p| p == "packages/app/node_modules/dep/index.js"));
    assert!(
        !all.iter().any(|p| p.starts_with("node_modules")),
        "{all:?}"
    );
}

#[test]
fn entries_have_kind_and_parent_path() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "src/lib/util.rs");
    touch(dir.path(), "README.md");
    let index = EntryIndex::build(dir.path(), 100).unwrap();
    let result = index.search("util", 10);
    assert_eq!(
        result.entries,
        vec![ProjectEntry {
            path: "src/lib/util.rs".into(),
            kind: EntryKind::File,
            parent_path: Some("src/lib".into()),
        }]
    );
    let result = index.search("lib", 10);
    assert_eq!(result.entries[0].kind, EntryKind::Directory);
    assert_eq!(result.entries[0].path, "src/lib");
    assert_eq!(result.entries[0].parent_path.as_deref(), Some("src"));
    let readme = index.search("readme", 10);
    assert_eq!(readme.entries[0].parent_path, None);

    let json = serde_json::to_value(&readme).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "entries": [{"path": "README.md", "kind": "file"}],
            "truncated": false
        })
    );
    let json = serde_json::to_value(&result.entries[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"path": "src/lib", "kind": "directory", "parentPath": "src"})
    );
}

#[test]
fn ranking_follows_reference_tiers() {
    let raw = [
        "zz/xmain.rs",       // plain substring: 5
        "a/main.rs-old/q",   // segment start: 4
        "main.rs.bak",       // path (and name) prefix: 2
        "deep/main.rs.orig", // name prefix: 2
        "src/main.rs",       // exact basename: 0
        "other/main.rs",     // exact basename: 0
    ]
    .iter()
    .map(|p| (p.to_string(), EntryKind::File))
    .collect();
    let index = EntryIndex::from_entries(raw, false);
    let result = index.search("main.rs", 10);
    assert_eq!(
        paths(&result),
        vec![
            "other/main.rs",
            "src/main.rs",
            "deep/main.rs.orig",
            "main.rs.bak",
            "a/main.rs-old/q",
            "zz/xmain.rs",
        ]
    );
    // Whole-path equality outranks a basename prefix.
    let raw = ["src/app", "src/app/apple.ts", "src/application.ts"]
        .iter()
        .map(|p| (p.to_string(), EntryKind::File))
        .collect();
    let index = EntryIndex::from_entries(raw, false);
    assert_eq!(
        paths(&index.search("src/app", 10)),
        vec!["src/app", "src/app/apple.ts", "src/application.ts"]
    );
}

#[test]
fn exact_basename_beats_substring_and_no_fuzzy_matches() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "aaa/config.ts");
    touch(dir.path(), "zzz/myconfig.ts.d/config.ts");
    touch(dir.path(), "src/c_o_n_f_i_g.ts");
    let index = EntryIndex::build(dir.path(), 100).unwrap();
    let result = index.search("config.ts", 10);
    assert_eq!(
        paths(&result),
        vec![
            "aaa/config.ts",
            "zzz/myconfig.ts.d/config.ts",
            "zzz/myconfig.ts.d"
        ]
    );
}

#[test]
fn query_is_case_insensitive_and_normalised() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "Docs/ReadMe.MD");
    let index = EntryIndex::build(dir.path(), 100).unwrap();
    for query in ["readme.md", "README.MD", "  @./ReAdMe  ", "docs/readme"] {
        let result = index.search(query, 10);
        assert_eq!(paths(&result), vec!["Docs/ReadMe.MD"], "{query}");
    }
    assert!(index.search("nothing-like-this", 10).entries.is_empty());
}

#[test]
fn empty_normalised_query_lists_directories_first() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "a.txt");
    touch(dir.path(), "z/b.txt");
    let index = EntryIndex::build(dir.path(), 100).unwrap();
    let result = index.search("./", 10);
    assert_eq!(paths(&result), vec!["z", "a.txt", "z/b.txt"]);
}

#[test]
fn limit_and_truncated_flags() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..10 {
        touch(dir.path(), &format!("file{i}.txt"));
    }
    let index = EntryIndex::build(dir.path(), 100).unwrap();
    assert!(!index.truncated());
    let result = index.search("file", 3);
    assert_eq!(paths(&result), vec!["file0.txt", "file1.txt", "file2.txt"]);
    assert!(result.truncated);
    let result = index.search("file", 10);
    assert_eq!(result.entries.len(), 10);
    assert!(!result.truncated);
    let result = index.search("file7", 10);
    assert_eq!(paths(&result), vec!["file7.txt"]);
    assert!(!result.truncated);

    // An index that hit its cap reports truncation on every search and
    // keeps directories before files.
    touch(dir.path(), "dir/inner.txt");
    let capped = EntryIndex::build(dir.path(), 4).unwrap();
    assert!(capped.truncated());
    assert_eq!(capped.len(), 4);
    assert_eq!(
        all_paths(&capped),
        vec!["dir", "dir/inner.txt", "file0.txt", "file1.txt"]
    );
    let result = capped.search("inner", 10);
    assert_eq!(result.entries.len(), 1);
    assert!(result.truncated);
}

#[test]
fn ties_break_like_locale_compare() {
    let raw = [
        "b.ts", "B.ts", "a_b.ts", "a-b.ts", "a1.ts", "Ab.ts", "ab.ts",
    ]
    .iter()
    .map(|p| (p.to_string(), EntryKind::File))
    .collect();
    let index = EntryIndex::from_entries(raw, false);
    // Same order Node's `localeCompare` gives for these names.
    assert_eq!(
        paths(&index.search(".ts", 10)),
        vec!["a_b.ts", "a-b.ts", "a1.ts", "ab.ts", "Ab.ts", "b.ts", "B.ts"]
    );
}

#[test]
fn missing_root_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = EntryIndex::build(&dir.path().join("missing"), 10).unwrap_err();
    assert!(matches!(err, WorkspaceError::RootMissing { .. }), "{err}");
}

#[test]
fn indexes_two_thousand_files_correctly() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gitignore"), "*.skip\n").unwrap();
    let mut expected_files = Vec::new();
    for d in 0..40 {
        for f in 0..50 {
            let rel = format!("pkg{d:02}/mod{f:02}/file{d:02}_{f:02}.rs");
            touch(dir.path(), &rel);
            expected_files.push(rel);
        }
        touch(dir.path(), &format!("pkg{d:02}/junk.skip"));
    }
    let index = EntryIndex::build(dir.path(), MAX_INDEX_ENTRIES).unwrap();
    // 2,000 files + 40 pkg dirs + 2,000 mod dirs + .gitignore
    assert_eq!(index.len(), 2000 + 40 + 2000 + 1);
    assert!(!index.truncated());
    let all = all_paths(&index);
    let all_set: std::collections::HashSet<&str> = all.iter().map(String::as_str).collect();
    for rel in &expected_files {
        assert!(all_set.contains(rel.as_str()), "{rel}");
    }
    assert!(!all.iter().any(|p| p.ends_with(".skip")));

    let result = index.search("FILE17_33", 5);
    assert_eq!(paths(&result), vec!["pkg17/mod33/file17_33.rs"]);
    let result = index.search("mod07", 200);
    // 40 mod07 directories (basename exact) then their 40 files.
    assert_eq!(result.entries.len(), 80);
    assert!(!result.truncated);
    assert!(result.entries[..40]
        .iter()
        .all(|e| e.kind == EntryKind::Directory && e.path.ends_with("/mod07")));
    assert_eq!(result.entries[0].path, "pkg00/mod07");
    assert_eq!(result.entries[40].path, "pkg00/mod07/file00_07.rs");
    let result = index.search("file", 200);
    assert_eq!(result.entries.len(), 200);
    assert!(result.truncated);

    // Capped build over the same tree keeps all directories first.
    let capped = EntryIndex::build(dir.path(), 2040).unwrap();
    assert!(capped.truncated());
    assert_eq!(capped.len(), 2040);
    assert!(capped
        .entries
        .iter()
        .all(|e| e.kind == EntryKind::Directory));
}

#[test]
fn cache_reuses_until_invalidated_or_expired() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "first.txt");
    let mut cache = IndexCache::new();
    assert_eq!(
        cache.search(dir.path(), "first", 10).unwrap().entries.len(),
        1
    );
    touch(dir.path(), "second.txt");
    // Still the cached snapshot.
    assert!(cache
        .search(dir.path(), "second", 10)
        .unwrap()
        .entries
        .is_empty());
    cache.invalidate(dir.path());
    assert_eq!(
        cache
            .search(dir.path(), "second", 10)
            .unwrap()
            .entries
            .len(),
        1
    );

    let mut expiring = IndexCache::with_limits(Duration::ZERO, 4, 100);
    assert_eq!(
        expiring
            .search(dir.path(), "third", 10)
            .unwrap()
            .entries
            .len(),
        0
    );
    touch(dir.path(), "third.txt");
    assert_eq!(
        expiring
            .search(dir.path(), "third", 10)
            .unwrap()
            .entries
            .len(),
        1
    );
}

#[test]
fn cache_evicts_stalest_root() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut cache = IndexCache::with_limits(CACHE_TTL, 2, 100);
    for dir in &dirs {
        cache.index(dir.path()).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(cache.fresh(dirs[0].path()).is_none());
    assert!(cache.fresh(dirs[1].path()).is_some());
    assert!(cache.fresh(dirs[2].path()).is_some());
}
