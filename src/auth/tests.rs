use super::*;

fn service(db: &sled::Db) -> AuthService {
    AuthService::new(
        SigningKey::new(vec![3; 32]),
        SessionStore::open(db, None).unwrap(),
        AuthConfig {
            policy: Policy::LoopbackBrowser,
            port: 4000,
            static_token: Some("static".into()),
            rate_limit: 20,
        },
    )
}

#[test]
fn a_pairing_credential_becomes_one_session_whose_token_authenticates() {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::open(dir.path().join("db")).unwrap();
    let auth = service(&db);
    assert_eq!(auth.cookie_name(), "t3_session_4000");
    let link = auth
        .issue_pairing(Role::Owner, Some("laptop".into()))
        .unwrap();
    let client = ClientMetadata::from_request(None, Some("Mozilla/5.0"));
    let (record, token) = auth
        .exchange(&link.credential, SessionMethod::Cookie, client.clone())
        .unwrap();
    assert_eq!(record.role, Role::Owner);
    assert_eq!(record.client.label.as_deref(), Some("laptop"));
    assert_eq!(record.client.device_type, "desktop");
    assert_ne!(record.token_digest, token, "the store keeps a digest");
    assert_eq!(
        auth.exchange(&link.credential, SessionMethod::Cookie, client),
        Err(AuthError::BadCredential)
    );
    assert_eq!(
        auth.session_for_token(&token).map(|s| s.session_id),
        Some(record.session_id.clone())
    );
    assert!(auth.session_for_token("nonsense").is_none());
    assert!(auth.static_token_matches("static"));
    assert!(!auth.static_token_matches("stati"));

    let (ws, _) = auth.issue_ws_token(&record);
    assert!(auth.session_for_token(&ws).is_none(), "kinds do not mix");
    assert!(auth.redeem_ws_token(&ws).is_some());
    assert!(auth.redeem_ws_token(&ws).is_none(), "single use");

    let (ws_after, _) = auth.issue_ws_token(&record);
    assert!(auth.revoke_session(&record.session_id).unwrap());
    assert!(auth.session_for_token(&token).is_none());
    assert!(auth.redeem_ws_token(&ws_after).is_none());
    assert!(!auth.revoke_session(&record.session_id).unwrap());
}

#[test]
fn sessions_survive_a_new_service_and_revoke_others_keeps_one() {
    // The binary's restart is tested end to end; here a second service reads the same tree.
    // (Reopening sled in-process races its background flusher for the file lock.)
    let dir = tempfile::tempdir().unwrap();
    let db = sled::open(dir.path().join("db")).unwrap();
    let (keep, token, other) = {
        let auth = service(&db);
        let mut made = Vec::new();
        for _ in 0..2 {
            let link = auth.issue_pairing(Role::Client, None).unwrap();
            made.push(
                auth.exchange(
                    &link.credential,
                    SessionMethod::Bearer,
                    ClientMetadata::default(),
                )
                .unwrap(),
            );
        }
        let (other, _) = made.pop().unwrap();
        let (keep, token) = made.pop().unwrap();
        (keep, token, other)
    };
    let auth = service(&db);
    assert_eq!(
        auth.session_for_token(&token).map(|s| s.session_id),
        Some(keep.session_id.clone())
    );
    let listed = auth.list_clients(Some(&keep.session_id)).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed
        .iter()
        .any(|v| v.current && v.session_id == keep.session_id));
    assert_eq!(auth.revoke_others(Some(&keep.session_id)).unwrap(), 1);
    let listed = auth.list_clients(None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_ne!(listed[0].session_id, other.session_id);
}
