use std::os::unix::fs::PermissionsExt;

use super::*;

#[test]
fn a_write_creates_then_replaces_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.json");
    AtomicWrite::to(&path).syncing_dir().write(b"one").unwrap();
    AtomicWrite::to(&path).write(b"two").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"two");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn permissions_are_kept_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    AtomicWrite::to(&path)
        .keeping_permissions()
        .write(b"new")
        .unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o644);
    AtomicWrite::to(&path).write(b"newer").unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent").join("f");
    let err = AtomicWrite::to(&path).write(b"x").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(!path.exists());
}
