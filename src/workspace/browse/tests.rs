use std::os::unix::fs::symlink;

use super::*;

/// A home with: code/{app/src, lib}, .hidden/, notes.txt, Music/, out-link -> outside dir,
/// in-link -> code, and a directory outside home.
fn fixture() -> (tempfile::TempDir, Home, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    let home = base.join("home");
    let outside = base.join("outside");
    for d in ["code/app/src", "code/lib", ".hidden/inner", "Music"] {
        std::fs::create_dir_all(home.join(d)).unwrap();
    }
    std::fs::create_dir_all(outside.join("secret-dir")).unwrap();
    std::fs::write(home.join("notes.txt"), "private contents").unwrap();
    std::fs::write(home.join("code/app/README.md"), "readme").unwrap();
    symlink(&outside, home.join("out-link")).unwrap();
    symlink(home.join("code"), home.join("in-link")).unwrap();
    symlink("../outside", home.join("rel-out")).unwrap();
    let opened = Home::open(Some(&home)).unwrap();
    (dir, opened, home)
}

fn browse_params(partial: &str, cwd: Option<&str>) -> BrowseParams {
    BrowseParams {
        partial_path: partial.into(),
        cwd: cwd.map(str::to_string),
    }
}

fn names(value: &Value, key: &str) -> Vec<String> {
    value["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn browse_lists_directories_by_prefix_and_hides_dotfiles_as_dp_code_does() {
    let (_d, home, path) = fixture();
    let all = browse(&home, &browse_params("~/", None)).unwrap();
    assert_eq!(all["parentPath"], path.to_string_lossy().as_ref());
    // Ending in '/', hidden entries show; files and symlinks never do.
    assert_eq!(names(&all, "name"), vec![".hidden", "code", "Music"]);
    let m = browse(
        &home,
        &browse_params(&format!("{}/m", path.display()), None),
    )
    .unwrap();
    assert_eq!(names(&m, "name"), vec!["Music"]);
    assert_eq!(
        names(&m, "fullPath"),
        vec![path.join("Music").to_string_lossy().into_owned()]
    );
    let c = browse(&home, &browse_params("~/c", None)).unwrap();
    assert_eq!(names(&c, "name"), vec!["code"]);
    let dot = browse(&home, &browse_params("~/.h", None)).unwrap();
    assert_eq!(names(&dot, "name"), vec![".hidden"]);
    let no_dot = browse(&home, &browse_params("~/", None)).unwrap()["entries"].to_string();
    assert!(!no_dot.contains("private contents"));
    let relative = browse(&home, &browse_params("./a", Some("~/code"))).unwrap();
    assert_eq!(names(&relative, "name"), vec!["app"]);
    // The home directory typed without a slash lists home (its parent is outside).
    let bare = browse(&home, &browse_params(&path.to_string_lossy(), None)).unwrap();
    assert_eq!(bare["parentPath"], path.to_string_lossy().as_ref());
}

#[test]
fn nothing_outside_home_is_listed() {
    let (_d, home, path) = fixture();
    for partial in ["/", "/etc/", "~/../", "~/code/../../outside/", "../x"] {
        let err = browse(&home, &browse_params(partial, None)).unwrap_err();
        assert!(
            err.message.contains("outside the home directory"),
            "{partial}: {err}"
        );
        assert!(err.cause.is_none(), "a refusal wraps nothing: {err:?}");
    }
    let err = browse(&home, &browse_params("./", Some("/tmp"))).unwrap_err();
    assert!(
        err.message.starts_with("body.cwd: /tmp is outside"),
        "{err}"
    );
    // A symlink leading out is refused; one that stays inside is followed.
    for linked in [
        "~/out-link/",
        "~/rel-out/",
        "~/in-link/../rel-out/secret-dir/",
    ] {
        let err = browse(&home, &browse_params(linked, None)).unwrap_err();
        assert!(
            err.message.contains("leads outside the home directory"),
            "{linked}: {err}"
        );
        assert!(err.cause.is_none());
    }
    let inside = browse(&home, &browse_params("~/in-link/", None)).unwrap();
    assert_eq!(names(&inside, "name"), vec!["app", "lib"]);
    // A directory that is not there is an I/O failure: it carries the cause.
    let err = browse(&home, &browse_params("~/nope/", None)).unwrap_err();
    assert!(
        err.message
            .contains(&path.join("nope").display().to_string()),
        "{err}"
    );
    assert!(
        err.cause.as_deref().unwrap_or("").contains("No such file"),
        "{err:?}"
    );
}

#[test]
fn list_directories_walks_depth_levels_under_cwd() {
    let (_d, home, _path) = fixture();
    let params = |rel: Option<&str>, depth, files| ListDirectoriesParams {
        cwd: "~/code".into(),
        relative_path: rel.map(str::to_string),
        depth,
        include_files: files,
    };
    let one = list_directories(&home, &params(None, None, false)).unwrap();
    assert_eq!(names(&one, "path"), vec!["app", "lib"]);
    assert_eq!(one["entries"][0]["hasChildren"], true);
    assert_eq!(one["entries"][1]["hasChildren"], false);
    assert!(one["entries"][0].get("parentPath").is_none());
    let two = list_directories(&home, &params(None, Some(2), true)).unwrap();
    assert_eq!(
        names(&two, "path"),
        vec!["app", "lib", "app/src", "app/README.md"]
    );
    assert_eq!(two["entries"][3]["kind"], "file");
    assert_eq!(two["entries"][3]["parentPath"], "app");
    let sub = list_directories(&home, &params(Some("app"), None, false)).unwrap();
    assert_eq!(names(&sub, "path"), vec!["app/src"]);
    for bad in ["../..", "/etc", "~/x"] {
        let err = list_directories(&home, &params(Some(bad), None, false)).unwrap_err();
        assert!(err.message.starts_with("body.relativePath"), "{bad}: {err}");
    }
    let outside = ListDirectoriesParams {
        cwd: "/".into(),
        ..params(None, None, false)
    };
    assert!(list_directories(&home, &outside)
        .unwrap_err()
        .message
        .contains("outside"));
    let linked = ListDirectoriesParams {
        cwd: "~/out-link".into(),
        ..params(None, None, false)
    };
    let err = list_directories(&home, &linked).unwrap_err();
    assert!(err.message.contains("leads outside"), "{err}");
}

#[test]
fn search_local_ranks_names_and_never_leaves_home() {
    let (_d, home, path) = fixture();
    let params = |query: &str, files| SearchLocalParams {
        root_path: "~".into(),
        query: query.into(),
        limit: None,
        include_files: files,
    };
    let found = search_local(&home, &params("src", true)).unwrap();
    assert_eq!(names(&found, "name"), vec!["src"]);
    assert_eq!(
        found["entries"][0]["parentPath"],
        path.join("code/app").to_string_lossy().as_ref()
    );
    assert_eq!(found["truncated"], false);
    // Exact before prefix before fuzzy; files only when asked; nothing behind the outward link.
    let ranked = search_local(&home, &params("readme", true)).unwrap();
    assert_eq!(names(&ranked, "name"), vec!["README.md"]);
    assert!(
        search_local(&home, &params("readme", false)).unwrap()["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        search_local(&home, &params("secret", true)).unwrap()["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let dot = search_local(&home, &params(".inn", true)).unwrap();
    assert_eq!(names(&dot, "name"), vec!["inner"]);
    assert!(
        search_local(&home, &params("inner", true)).unwrap()["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let fuzzy = search_local(&home, &params("msc", true)).unwrap();
    assert_eq!(names(&fuzzy, "name"), vec!["Music"]);
}

#[test]
fn a_missing_home_is_a_clear_error() {
    let err = Home::open(None).err().unwrap();
    assert!(err.message.contains("no home directory"), "{err}");
}
