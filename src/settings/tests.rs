use super::*;

fn args_with_file(file: &Path) -> ServeArgs {
    ServeArgs {
        config: Some(file.to_path_buf()),
        state_dir: Some(PathBuf::from("/tmp/t3rs-test-state")),
        cwd: Some(PathBuf::from("/")),
        ..ServeArgs::default()
    }
}

#[test]
fn flag_beats_file_beats_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t3rs.toml");
    std::fs::write(
        &file,
        "port = 4000\nhost = \"127.0.0.1\"\nno_browser = true\n",
    )
    .unwrap();
    let from_file = Settings::resolve(args_with_file(&file)).unwrap();
    assert_eq!(from_file.port, 4000);
    assert!(from_file.no_browser);
    assert_eq!(from_file.max_message_bytes, DEFAULT_MAX_MESSAGE_BYTES);
    let flagged = Settings::resolve(ServeArgs {
        port: Some(5000),
        ..args_with_file(&file)
    })
    .unwrap();
    assert_eq!(flagged.port, 5000);
}

#[test]
fn unknown_file_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t3rs.toml");
    std::fs::write(&file, "prot = 1\n").unwrap();
    let err = Settings::resolve(args_with_file(&file))
        .unwrap_err()
        .to_string();
    assert!(err.contains("prot"), "{err}");
}

#[test]
fn no_auth_is_for_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t3rs.toml");
    std::fs::write(&file, "").unwrap();
    let err = Settings::resolve(ServeArgs {
        host: Some("0.0.0.0".into()),
        no_auth: Some(true),
        ..args_with_file(&file)
    })
    .unwrap_err();
    assert!(matches!(err, SettingsError::PublicWithoutAuth { .. }));
    assert!(err.to_string().contains("--no-auth"), "{err}");
    // Sessions protect a public bind; no token is needed any more.
    assert!(Settings::resolve(ServeArgs {
        host: Some("0.0.0.0".into()),
        ..args_with_file(&file)
    })
    .is_ok());
    assert!(Settings::resolve(ServeArgs {
        no_auth: Some(true),
        ..args_with_file(&file)
    })
    .is_ok_and(|s| s.no_auth));
    assert!(is_loopback_host("localhost").unwrap());
    assert!(is_loopback_host("::1").unwrap());
}

#[test]
fn documented_config_file_names_exactly_the_real_keys() {
    let doc = include_str!("../../config/t3rs.toml");
    let uncommented: String = doc
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter(|l| {
            let key = |k: &str| k.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            l.split_once(" = ").is_some_and(|(k, _)| key(k))
                // A table header (`#[process_deadlines]`): its keys follow it.
                || l.strip_prefix('[').and_then(|l| l.strip_suffix(']')).is_some_and(key)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let parsed: FileConfig = toml::from_str(&uncommented).unwrap();
    // Every key is documented with an example value, so every field is Some.
    let debug = format!("{parsed:?}");
    assert!(!debug.contains("None"), "undocumented key in {debug}");
}

#[test]
fn token_file_is_read_and_must_be_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t3rs.toml");
    std::fs::write(&file, "").unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let args = || ServeArgs {
        auth_token_file: Some(token.clone()),
        ..args_with_file(&file)
    };
    let err = Settings::resolve(args()).unwrap_err().to_string();
    assert!(err.contains("chmod 600"), "{err}");
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        Settings::resolve(args()).unwrap().auth_token.as_deref(),
        Some("s3cret")
    );
    let both = Settings::resolve(ServeArgs {
        auth_token: Some("x".into()),
        ..args()
    });
    assert!(matches!(both, Err(SettingsError::TwoTokens)));
}

#[test]
fn origins_normalise() {
    assert_eq!(
        normalize_origin("HTTP://LocalHost:5173/").as_deref(),
        Some("http://localhost:5173")
    );
    assert_eq!(
        normalize_origin("https://example.com").as_deref(),
        Some("https://example.com:443")
    );
    assert_eq!(
        normalize_origin("http://[::1]").as_deref(),
        Some("http://[::1]:80")
    );
    assert_eq!(normalize_origin("null"), None);
    assert_eq!(normalize_origin("file:///x"), None);
}

#[test]
fn snapshot_frame_bytes_comes_from_flag_file_or_default_and_has_a_floor() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t3rs.toml");
    std::fs::write(&file, "no_browser = true\n").unwrap();
    let default = Settings::resolve(args_with_file(&file)).unwrap();
    assert_eq!(default.snapshot_frame_bytes, DEFAULT_SNAPSHOT_FRAME_BYTES);
    std::fs::write(&file, "snapshot_frame_bytes = 4096\n").unwrap();
    let from_file = Settings::resolve(args_with_file(&file)).unwrap();
    assert_eq!(from_file.snapshot_frame_bytes, 4096);
    let flagged = Settings::resolve(ServeArgs {
        snapshot_frame_bytes: Some(1),
        ..args_with_file(&file)
    })
    .unwrap();
    // A frame must hold a whole UTF-8 character and then some.
    assert_eq!(
        flagged.snapshot_frame_bytes,
        crate::server::MIN_SNAPSHOT_FRAME_BYTES
    );
}
