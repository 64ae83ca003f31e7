//! The provider health snapshot sent in `server.getConfig` and `server.configUpdated`.

use serde::{Deserialize, Serialize};

/// Coding-agent providers t3rs knows about. Only codex is supported by the protocol version
/// we speak, so a closed enum keeps unknown providers out of the wire format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProviderKind {
    Codex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProviderState {
    Ready,
    Warning,
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthStatus {
    Authenticated,
    Unauthenticated,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerProviderStatus {
    pub provider: ProviderKind,
    pub status: ProviderState,
    pub available: bool,
    pub auth_status: AuthStatus,
    /// ISO-8601 UTC with milliseconds, matching JavaScript's `Date.toISOString()` so the web
    /// client can parse it the same way as the reference server's value.
    pub checked_at: String,
    /// The reference schema treats the message as optional non-empty text, so it is omitted
    /// rather than sent as `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// t3rs extension; clients that validate strictly against the reference schema ignore
    /// unknown keys, so this is safe to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> ServerProviderStatus {
        ServerProviderStatus {
            provider: ProviderKind::Codex,
            status: ProviderState::Warning,
            available: true,
            auth_status: AuthStatus::Unauthenticated,
            checked_at: "2024-01-02T03:04:05.678Z".to_string(),
            message: Some("hello".to_string()),
            version: Some("0.40.0".to_string()),
        }
    }

    #[test]
    fn provider_status_serializes_with_exact_keys() {
        let value = serde_json::to_value(sample()).unwrap();
        assert_eq!(
            value,
            json!({
                "provider": "codex",
                "status": "warning",
                "available": true,
                "authStatus": "unauthenticated",
                "checkedAt": "2024-01-02T03:04:05.678Z",
                "message": "hello",
                "version": "0.40.0",
            })
        );
    }

    #[test]
    fn provider_status_omits_absent_optionals() {
        let mut status = sample();
        status.message = None;
        status.version = None;
        status.status = ProviderState::Ready;
        status.auth_status = AuthStatus::Authenticated;
        let value = serde_json::to_value(&status).unwrap();
        assert_eq!(
            value,
            json!({
                "provider": "codex",
                "status": "ready",
                "available": true,
                "authStatus": "authenticated",
                "checkedAt": "2024-01-02T03:04:05.678Z",
            })
        );
        let obj = value.as_object().unwrap();
        assert!(!obj.contains_key("message"));
        assert!(!obj.contains_key("version"));
    }

    #[test]
    fn provider_status_round_trips() {
        let status = sample();
        let text = serde_json::to_string(&status).unwrap();
        let back: ServerProviderStatus = serde_json::from_str(&text).unwrap();
        assert_eq!(back, status);

        let minimal: ServerProviderStatus = serde_json::from_value(json!({
            "provider": "codex",
            "status": "error",
            "available": false,
            "authStatus": "unknown",
            "checkedAt": "2024-01-02T03:04:05.678Z",
        }))
        .unwrap();
        assert_eq!(minimal.status, ProviderState::Error);
        assert_eq!(minimal.auth_status, AuthStatus::Unknown);
        assert_eq!(minimal.message, None);
    }

    #[test]
    fn unknown_enum_values_are_rejected() {
        let bad = json!({
            "provider": "claude",
            "status": "ready",
            "available": true,
            "authStatus": "unknown",
            "checkedAt": "x",
        });
        assert!(serde_json::from_value::<ServerProviderStatus>(bad).is_err());
    }
}
