use super::*;

fn root() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn writes_nested_new_file_and_normalises_path() {
    let dir = root();
    let rel = write_file(dir.path(), " ./src//deep/new.txt ", "hello").unwrap();
    assert_eq!(rel, "src/deep/new.txt");
    let written = fs::read_to_string(dir.path().join("src/deep/new.txt")).unwrap();
    assert_eq!(written, "hello");
    // No temp files left behind.
    let names: Vec<_> = fs::read_dir(dir.path().join("src/deep"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("new.txt")]);
}

#[test]
fn replaces_existing_file_contents() {
    let dir = root();
    fs::write(dir.path().join("a.txt"), "old contents that are longer").unwrap();
    write_file(dir.path(), "a.txt", "new").unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("a.txt")).unwrap(), "new");
}

#[test]
fn refuses_parent_escape() {
    let dir = root();
    for rel in ["../x", "a/../../x", "..", "a/../b"] {
        let err = write_file(dir.path(), rel, "x").unwrap_err();
        assert!(
            matches!(err, WorkspaceError::PathEscapesRoot),
            "{rel}: {err}"
        );
        assert_eq!(
            err.to_string(),
            "Workspace file path must stay within the project root."
        );
    }
}

#[test]
fn refuses_absolute_path() {
    let dir = root();
    let err = write_file(dir.path(), "/etc/passwd", "x").unwrap_err();
    assert!(matches!(err, WorkspaceError::PathNotRelative), "{err}");
    assert_eq!(
        err.to_string(),
        "Workspace file path must be relative to the project root."
    );
}

#[test]
fn refuses_empty_dot_and_nul() {
    let dir = root();
    for rel in ["", "   ", ".", "./"] {
        let err = resolve_write_path(dir.path(), rel).unwrap_err();
        assert!(
            matches!(err, WorkspaceError::PathEscapesRoot),
            "{rel:?}: {err}"
        );
    }
    let err = resolve_write_path(dir.path(), "a\0b").unwrap_err();
    assert!(matches!(err, WorkspaceError::InvalidPath { .. }), "{err}");
}

#[test]
fn refuses_existing_directory_as_target() {
    let dir = root();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let err = write_file(dir.path(), "sub", "x").unwrap_err();
    assert!(matches!(err, WorkspaceError::InvalidPath { .. }), "{err}");
    assert!(dir.path().join("sub").is_dir());
}

#[test]
fn missing_root_is_named() {
    let dir = root();
    let missing = dir.path().join("nope");
    let err = write_file(&missing, "a.txt", "x").unwrap_err();
    assert!(matches!(err, WorkspaceError::RootMissing { .. }), "{err}");
    assert!(err.to_string().contains("nope"), "{err}");
    let file = dir.path().join("file");
    fs::write(&file, "").unwrap();
    let err = write_file(&file, "a.txt", "x").unwrap_err();
    assert!(
        matches!(err, WorkspaceError::RootNotDirectory { .. }),
        "{err}"
    );
}

#[test]
fn resolve_returns_path_under_canonical_root() {
    let dir = root();
    let resolved = resolve_write_path(dir.path(), "a/b.txt").unwrap();
    let canonical = fs::canonicalize(dir.path()).unwrap();
    assert_eq!(resolved, canonical.join("a").join("b.txt"));
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    #[test]
    fn refuses_symlinked_directory_pointing_outside() {
        let dir = root();
        let outside = root();
        symlink(outside.path(), dir.path().join("link")).unwrap();
        let err = write_file(dir.path(), "link/x", "x").unwrap_err();
        assert!(matches!(err, WorkspaceError::PathEscapesRoot), "{err}");
        let err = write_file(dir.path(), "link/new/deeper/x", "x").unwrap_err();
        assert!(matches!(err, WorkspaceError::PathEscapesRoot), "{err}");
        assert!(!outside.path().join("x").exists());
        assert!(!outside.path().join("new").exists());
    }

    #[test]
    fn refuses_symlinked_file_pointing_outside() {
        let dir = root();
        let outside = root();
        let victim = outside.path().join("victim.txt");
        fs::write(&victim, "original").unwrap();
        symlink(&victim, dir.path().join("link.txt")).unwrap();
        let err = write_file(dir.path(), "link.txt", "pwned").unwrap_err();
        assert!(matches!(err, WorkspaceError::PathEscapesRoot), "{err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "original");
    }

    #[test]
    fn refuses_dangling_symlink() {
        let dir = root();
        let outside = root();
        symlink(outside.path().join("ghost"), dir.path().join("ghost")).unwrap();
        let err = write_file(dir.path(), "ghost", "x").unwrap_err();
        assert!(matches!(err, WorkspaceError::PathEscapesRoot), "{err}");
        assert!(!outside.path().join("ghost").exists());
    }

    #[test]
    fn writes_through_symlink_inside_root_keeping_link() {
        let dir = root();
        fs::create_dir(dir.path().join("real")).unwrap();
        fs::write(dir.path().join("real/target.txt"), "old").unwrap();
        symlink("real/target.txt", dir.path().join("alias.txt")).unwrap();
        let rel = write_file(dir.path(), "alias.txt", "new").unwrap();
        assert_eq!(rel, "alias.txt");
        let link_meta = fs::symlink_metadata(dir.path().join("alias.txt")).unwrap();
        assert!(link_meta.file_type().is_symlink());
        assert_eq!(
            fs::read_to_string(dir.path().join("real/target.txt")).unwrap(),
            "new"
        );
        // A symlinked directory that stays inside is fine as well.
        symlink("real", dir.path().join("alias_dir")).unwrap();
        write_file(dir.path(), "alias_dir/sub/x.txt", "x").unwrap();
        assert!(dir.path().join("real/sub/x.txt").is_file());
    }

    #[test]
    fn follows_links_that_stay_inside_wherever_they_are() {
        let dir = root();
        fs::create_dir_all(dir.path().join("a")).unwrap();
        fs::create_dir_all(dir.path().join("c")).unwrap();
        // A nested link that climbs, but not out of the root.
        symlink("../c", dir.path().join("a/b")).unwrap();
        write_file(dir.path(), "a/b/new/x.txt", "x").unwrap();
        assert!(dir.path().join("c/new/x.txt").is_file());
        // A final link given as an absolute path inside the root, through a chain.
        let canonical = fs::canonicalize(dir.path()).unwrap();
        fs::write(dir.path().join("c/real.txt"), "old").unwrap();
        symlink(canonical.join("c/real.txt"), dir.path().join("abs.txt")).unwrap();
        symlink("abs.txt", dir.path().join("chain.txt")).unwrap();
        write_file(dir.path(), "chain.txt", "new").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("c/real.txt")).unwrap(),
            "new"
        );
        assert!(fs::symlink_metadata(dir.path().join("chain.txt"))
            .unwrap()
            .file_type()
            .is_symlink());
        // A link cycle is refused rather than followed for ever.
        symlink("loop2", dir.path().join("loop1")).unwrap();
        symlink("loop1", dir.path().join("loop2")).unwrap();
        assert!(write_file(dir.path(), "loop1", "x").is_err());
    }

    #[test]
    fn refuses_links_that_climb_out_part_way() {
        let dir = root();
        let outside = root();
        fs::create_dir(dir.path().join("a")).unwrap();
        symlink("../..", dir.path().join("a/up")).unwrap();
        symlink(outside.path(), dir.path().join("a/abs")).unwrap();
        for rel in ["a/up/x", "a/up/new/x", "a/abs/x"] {
            let err = write_file(dir.path(), rel, "x").unwrap_err();
            assert!(
                matches!(err, WorkspaceError::PathEscapesRoot),
                "{rel}: {err}"
            );
        }
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    /// A directory swapped for a symlink to outside while writes run: each write lands
    /// inside or fails, never outside (the end-to-end test does this over a socket).
    #[test]
    fn a_swapped_directory_never_redirects_a_write() {
        let dir = root();
        let outside = root();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let swapper = {
            let (sub, parked, stop) = (sub.clone(), dir.path().join("parked"), stop.clone());
            let target = outside.path().to_path_buf();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = fs::rename(&sub, &parked);
                    let _ = symlink(&target, &sub);
                    std::thread::yield_now();
                    let _ = fs::remove_file(&sub);
                    let _ = fs::rename(&parked, &sub);
                }
            })
        };
        let mut written = 0;
        for i in 0..300 {
            if write_file(dir.path(), &format!("sub/f{i}.txt"), "x").is_ok() {
                written += 1;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        swapper.join().unwrap();
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
        // Once the swapping stops, writes land again; every success is inside (in `sub`,
        // or in `parked` when a write recreated `sub` while it was missing).
        write_file(dir.path(), "sub/after.txt", "x").unwrap();
        let count = |d: &Path| fs::read_dir(d).map(|d| d.count()).unwrap_or(0);
        assert_eq!(count(&sub) + count(&dir.path().join("parked")), written + 1);
    }

    #[test]
    fn atomic_replace_keeps_permissions() {
        let dir = root();
        let path = dir.path().join("script.sh");
        fs::write(&path, "#!/bin/sh\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o751)).unwrap();
        write_file(dir.path(), "script.sh", "#!/bin/sh\necho hi\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o751);
        assert_eq!(fs::read_to_string(&path).unwrap(), "#!/bin/sh\necho hi\n");
    }

    /// The process umask, read without changing it (Linux only).
    fn current_umask() -> Option<u32> {
        let status = fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("Umask:"))?;
        u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
    }

    #[test]
    fn new_file_gets_default_mode_not_tempfile_mode() {
        // tempfile defaults to 0600; a new project file must look like any
        // other file the user creates instead.
        let dir = root();
        write_file(dir.path(), "fresh.txt", "x").unwrap();
        let mode = fs::metadata(dir.path().join("fresh.txt"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        match current_umask() {
            Some(umask) => assert_eq!(mode, 0o666 & !umask, "mode {mode:o}"),
            None => assert_eq!(mode & 0o600, 0o600, "mode {mode:o}"),
        }
    }
}

#[cfg(unix)]
mod reads {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn reads_inside_the_root_and_through_a_link_that_stays_inside() {
        let dir = root();
        fs::create_dir(dir.path().join("real")).unwrap();
        fs::write(dir.path().join("real/a.txt"), "alpha\n").unwrap();
        symlink("real/a.txt", dir.path().join("alias.txt")).unwrap();
        symlink(dir.path().join("real"), dir.path().join("absolute-alias")).unwrap();
        assert_eq!(read_file(dir.path(), "real/a.txt", 100).unwrap(), "alpha\n");
        assert_eq!(read_file(dir.path(), "alias.txt", 100).unwrap(), "alpha\n");
        // An absolute link into the root itself is resolved beneath it, as for writes.
        let canonical = fs::canonicalize(dir.path()).unwrap();
        fs::remove_file(dir.path().join("alias.txt")).unwrap();
        symlink(canonical.join("real/a.txt"), dir.path().join("alias.txt")).unwrap();
        assert_eq!(read_file(dir.path(), "alias.txt", 100).unwrap(), "alpha\n");
    }

    #[test]
    fn refuses_escapes_large_files_directories_and_non_utf8() {
        let dir = root();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "secret").unwrap();
        symlink(outside.path(), dir.path().join("out")).unwrap();
        symlink(outside.path().join("secret"), dir.path().join("secret")).unwrap();
        for escape in ["../secret", "out/secret", "secret", "/etc/passwd"] {
            let err = read_file(dir.path(), escape, 100).unwrap_err();
            assert!(
                matches!(
                    err,
                    WorkspaceError::PathEscapesRoot | WorkspaceError::PathNotRelative
                ),
                "{escape}: {err}"
            );
        }
        fs::write(dir.path().join("big"), "0123456789").unwrap();
        let err = read_file(dir.path(), "big", 9).unwrap_err();
        assert!(
            matches!(err, WorkspaceError::TooLarge { limit: 9, .. }),
            "{err}"
        );
        assert_eq!(read_file(dir.path(), "big", 10).unwrap(), "0123456789");
        fs::create_dir(dir.path().join("sub")).unwrap();
        let err = read_file(dir.path(), "sub", 100).unwrap_err();
        assert!(err.to_string().contains("regular file"), "{err}");
        fs::write(dir.path().join("bin"), [0xff, 0xfe]).unwrap();
        let err = read_file(dir.path(), "bin", 100).unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");
        let err = read_file(dir.path(), "missing", 100).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
