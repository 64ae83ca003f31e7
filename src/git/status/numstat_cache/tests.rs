use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::*;
use crate::git::branches::tests::{git, new_repo};
use crate::git::status::{status_details, status_details_with, StatusDetails};

fn counts(d: &StatusDetails) -> Vec<(String, u64, u64)> {
    d.working_tree
        .files
        .iter()
        .map(|f| (f.path.clone(), f.insertions, f.deletions))
        .collect()
}

fn repo_with_files(dir: &Path) -> std::path::PathBuf {
    let repo = new_repo(dir);
    for name in ["a.txt", "b.txt"] {
        fs::write(repo.join(name), "one\ntwo\nthree\n").unwrap();
    }
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "init"]);
    repo
}

/// Keys whose counts the cache holds now.
fn cached_paths(cache: &NumstatCache) -> (Vec<String>, Vec<String>) {
    let state = cache.state.lock().unwrap();
    let mut staged: Vec<String> = state.staged.keys().cloned().collect();
    let mut unstaged: Vec<String> = state.unstaged.keys().cloned().collect();
    staged.sort();
    unstaged.sort();
    (staged, unstaged)
}

#[test]
fn cached_counts_equal_fresh_ones_and_follow_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repo_with_files(dir.path());
    let cache = NumstatCache::default();
    fs::write(repo.join("a.txt"), "one\ntwo\nthree\nfour\n").unwrap();
    fs::write(repo.join("b.txt"), "one\n").unwrap();
    git(&repo, &["add", "b.txt"]);
    fs::write(repo.join("b.txt"), "one\nx\ny\n").unwrap();
    fs::write(repo.join("new.txt"), "n\n").unwrap();

    // Fresh files are too recent to cache: nothing is stored, the answer is still right.
    let first = status_details_with(&repo, &cache).unwrap();
    assert_eq!(counts(&first), counts(&status_details(&repo).unwrap()));
    assert_eq!(cached_paths(&cache).1, Vec::<String>::new());
    // The staged side is keyed by blob ids alone: it is cached at once.
    assert_eq!(cached_paths(&cache).0, vec!["b.txt".to_string()]);

    // Settled files are cached (the window is 0 here: the test cannot age a ctime).
    let cache = NumstatCache::with_racy_window(Duration::ZERO);
    status_details_with(&repo, &cache).unwrap();
    let settled = status_details_with(&repo, &cache).unwrap();
    assert_eq!(
        cached_paths(&cache).1,
        vec!["a.txt".to_string(), "b.txt".to_string()]
    );
    // Served from the cache now, and the same as a cold status; a poll answered from the
    // cache alone makes the next one skip the whole-tree diffs.
    let hit = status_details_with(&repo, &cache).unwrap();
    assert!(!cache.expects_changes());
    assert_eq!(counts(&hit), counts(&settled));
    assert_eq!(counts(&hit), counts(&status_details(&repo).unwrap()));
    assert_eq!(
        counts(&hit),
        vec![
            ("a.txt".to_string(), 1, 0),
            ("b.txt".to_string(), 2, 2),
            ("new.txt".to_string(), 0, 0),
        ]
    );

    // A rewrite at the same size, with the mtime put back: ctime (and the inode for a
    // replacing write) still moves the key.
    let before = fs::metadata(repo.join("a.txt"))
        .unwrap()
        .modified()
        .unwrap();
    fs::write(repo.join("a.txt"), "ONE\nTWO\nthree\nfour\n").unwrap();
    let file = fs::File::options()
        .write(true)
        .open(repo.join("a.txt"))
        .unwrap();
    file.set_modified(before).unwrap();
    let after = status_details_with(&repo, &cache).unwrap();
    assert_eq!(counts(&after), counts(&status_details(&repo).unwrap()));
    assert_eq!(counts(&after)[0], ("a.txt".to_string(), 3, 2));
    // That poll diffed a file: the next one diffs whole beside git status again.
    assert!(cache.expects_changes());

    // Staging moves the index blob: both sides follow.
    git(&repo, &["add", "a.txt"]);
    let staged = status_details_with(&repo, &cache).unwrap();
    assert_eq!(counts(&staged), counts(&status_details(&repo).unwrap()));

    // A file back to HEAD's content leaves the status and the cache.
    git(&repo, &["checkout", "-q", "HEAD", "--", "a.txt"]);
    let reverted = status_details_with(&repo, &cache).unwrap();
    assert_eq!(counts(&reverted), counts(&status_details(&repo).unwrap()));
    assert!(!cached_paths(&cache).0.contains(&"a.txt".to_string()));
    assert!(!cached_paths(&cache).1.contains(&"a.txt".to_string()));
}

#[test]
fn a_config_change_empties_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repo_with_files(dir.path());
    let cache = NumstatCache::with_racy_window(Duration::ZERO);
    fs::write(repo.join("a.txt"), "one\ntwo\nthree\nfour\n").unwrap();
    status_details_with(&repo, &cache).unwrap();
    assert_eq!(cached_paths(&cache).1, vec!["a.txt".to_string()]);
    // Marking the file binary changes its counts to 0/0 without touching it.
    fs::write(repo.join(".gitattributes"), "a.txt binary\n").unwrap();
    let after = status_details_with(&repo, &cache).unwrap();
    assert_eq!(counts(&after), counts(&status_details(&repo).unwrap()));
    assert!(counts(&after).contains(&("a.txt".to_string(), 0, 0)));
}

#[test]
fn deletions_renames_and_subdirectories_match_a_cold_status() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repo_with_files(dir.path());
    fs::create_dir(repo.join("sub")).unwrap();
    fs::write(repo.join("sub/c.txt"), "c\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "sub"]);
    let cache = NumstatCache::with_racy_window(Duration::ZERO);
    fs::remove_file(repo.join("a.txt")).unwrap();
    git(&repo, &["mv", "b.txt", "renamed.txt"]);
    fs::write(repo.join("sub/c.txt"), "c\nd\n").unwrap();
    for _ in 0..2 {
        let cached = status_details_with(&repo, &cache).unwrap();
        assert_eq!(counts(&cached), counts(&status_details(&repo).unwrap()));
        assert_eq!(
            counts(&cached),
            vec![
                ("a.txt".to_string(), 0, 3),
                ("renamed.txt".to_string(), 0, 0),
                ("sub/c.txt".to_string(), 1, 0),
            ]
        );
    }
    // From a subdirectory the paths are still the top level's, as numstat prints them.
    let from_sub = status_details_with(&repo.join("sub"), &NumstatCache::default()).unwrap();
    assert_eq!(counts(&from_sub), counts(&status_details(&repo).unwrap()));
}

#[test]
fn racy_and_future_timestamps_are_never_settled() {
    let now = SystemTime::now();
    let secs = |t: SystemTime| {
        let d = t.duration_since(std::time::UNIX_EPOCH).unwrap();
        nanos(d.as_secs() as i64, i64::from(d.subsec_nanos()))
    };
    let stamp = |t: SystemTime| Stamp {
        size: 1,
        mtime_ns: secs(t),
        ctime_ns: secs(t),
        ino: 1,
        dev: 1,
        mode: 0o100644,
    };
    let window = RACY_WINDOW;
    assert!(stamp(now - Duration::from_secs(3)).settled(now, window));
    assert!(!stamp(now - Duration::from_millis(1500)).settled(now, window));
    assert!(!stamp(now + Duration::from_secs(5)).settled(now, window));
    let mut old_mtime_new_ctime = stamp(now - Duration::from_secs(60));
    old_mtime_new_ctime.ctime_ns = secs(now);
    assert!(!old_mtime_new_ctime.settled(now, window));
}

#[test]
fn porcelain_records_become_entries() {
    let ordinary = entry_of("1 .M N... 100644 100644 100644 aaa bbb dir/a b.txt").unwrap();
    assert_eq!(ordinary.path, "dir/a b.txt");
    assert_eq!((ordinary.x, ordinary.y), (b'.', b'M'));
    assert_eq!(ordinary.staged_key, "100644 100644 aaa bbb");
    assert_eq!(ordinary.index_key, "100644 100644 bbb");
    let renamed = entry_of("2 R. N... 100644 100644 100644 aaa aaa R100 new").unwrap();
    assert_eq!(
        (renamed.kind, renamed.path.as_str()),
        (EntryKind::Renamed, "new")
    );
    let sub = entry_of("1 .M SC.. 160000 160000 160000 aaa aaa sub").unwrap();
    assert!(sub.submodule);
    assert_eq!(entry_of("? x").unwrap().kind, EntryKind::Untracked);
    assert!(entry_of("# branch.head main").is_none());
    assert!(entry_of("1 .M").is_none());
}
