//! Who may open a WebSocket: the token check and the origin check, both decided before the
//! upgrade so a refused client never gets a socket.

use subtle::ConstantTimeEq;

use crate::settings::normalize_origin;

/// Why an upgrade was refused; maps to 401 and 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Unauthorized,
    ForbiddenOrigin(String),
}

/// Compares in constant time for equal lengths so the token cannot be guessed byte by byte.
pub fn token_matches(expected: &str, provided: Option<&str>) -> bool {
    match provided {
        Some(provided) => bool::from(expected.as_bytes().ct_eq(provided.as_bytes())),
        None => false,
    }
}

/// Reads `token` from a query string, percent-decoded.
pub fn token_from_query(query: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Q {
        token: Option<String>,
    }
    actix_web::web::Query::<Q>::from_query(query)
        .ok()
        .and_then(|q| q.into_inner().token)
}

/// A browser always sends `Origin` on a WebSocket upgrade; other clients usually do not. A
/// request with an origin is allowed when the origin is this server itself (same host and port
/// as the `Host` header) or on the allow list.
pub fn origin_allowed(origin: Option<&str>, host: Option<&str>, allow: &[String]) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Some(normalized) = normalize_origin(origin) else {
        return allow.iter().any(|a| a == origin.trim());
    };
    if allow.contains(&normalized) {
        return true;
    }
    let Some(host) = host else {
        return false;
    };
    let authority = normalized
        .split_once("://")
        .map(|(_, authority)| authority)
        .unwrap_or_default();
    let default_port = if normalized.starts_with("https://") {
        443
    } else {
        80
    };
    let host = host.trim().to_ascii_lowercase();
    let host_has_port = host.rfind(':').is_some_and(|i| !host[i..].contains(']'));
    let host = if host_has_port {
        host
    } else {
        format!("{host}:{default_port}")
    };
    authority == host
}

/// Decides an upgrade.
pub fn check_upgrade(
    token: Option<&str>,
    query: &str,
    origin: Option<&str>,
    host: Option<&str>,
    allow: &[String],
) -> Result<(), Refusal> {
    if let Some(expected) = token {
        if !token_matches(expected, token_from_query(query).as_deref()) {
            return Err(Refusal::Unauthorized);
        }
    }
    if !origin_allowed(origin, host, allow) {
        return Err(Refusal::ForbiddenOrigin(
            origin.unwrap_or_default().to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_rules() {
        assert!(token_matches("abc", Some("abc")));
        assert!(!token_matches("abc", Some("abd")));
        assert!(!token_matches("abc", Some("ab")));
        assert!(!token_matches("abc", None));
        assert_eq!(token_from_query("a=1&token=s%20p").as_deref(), Some("s p"));
        assert_eq!(token_from_query("a=1"), None);
    }

    #[test]
    fn origin_rules() {
        let allow = vec!["http://localhost:5173".to_string()];
        assert!(origin_allowed(None, Some("127.0.0.1:3773"), &[]));
        assert!(origin_allowed(
            Some("http://127.0.0.1:3773"),
            Some("127.0.0.1:3773"),
            &[]
        ));
        assert!(origin_allowed(
            Some("http://LOCALHOST:3773"),
            Some("localhost:3773"),
            &[]
        ));
        assert!(!origin_allowed(
            Some("http://evil.example"),
            Some("127.0.0.1:3773"),
            &[]
        ));
        assert!(!origin_allowed(
            Some("http://127.0.0.1:9999"),
            Some("127.0.0.1:3773"),
            &[]
        ));
        assert!(!origin_allowed(Some("null"), Some("127.0.0.1:3773"), &[]));
        assert!(origin_allowed(
            Some("http://localhost:5173"),
            Some("127.0.0.1:3773"),
            &allow
        ));
        assert!(origin_allowed(
            Some("http://example.com"),
            Some("example.com"),
            &[]
        ));
    }

    #[test]
    fn token_is_checked_before_origin() {
        assert_eq!(
            check_upgrade(Some("t"), "token=x", Some("http://evil"), Some("h:1"), &[]),
            Err(Refusal::Unauthorized)
        );
        assert!(matches!(
            check_upgrade(Some("t"), "token=t", Some("http://evil"), Some("h:1"), &[]),
            Err(Refusal::ForbiddenOrigin(_))
        ));
        assert_eq!(check_upgrade(Some("t"), "token=t", None, None, &[]), Ok(()));
    }
}
