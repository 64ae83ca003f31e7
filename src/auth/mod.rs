//! Who may drive this server. Authentication is on by default: a browser signs in once with a
//! one-time pairing credential and then holds a session cookie; programs use a bearer session
//! token or T3 Code v0.0.4's static `?token=`. `--no-auth` (loopback only) turns it off.
//! The HTTP side of this lives in `server::auth_routes`; this module holds the state and the
//! rules, with no knowledge of actix-web.

pub mod hosts;
pub mod key;
pub mod pairing;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use actix::{Message, Recipient};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use pairing::{PairingLink, PairingLinks};
use rate_limit::RateLimiter;
use sessions::{ClientMetadata, SessionRecord, SessionStore};
use tokens::{Claims, SigningKey, KIND_SESSION, KIND_WEBSOCKET};

pub const SESSION_LIFETIME: chrono::Duration = chrono::Duration::days(30);
pub const WS_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::minutes(5);
/// The close code a socket gets when its session is revoked.
pub const REVOKED_CLOSE_CODE: u16 = 4001;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Client,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionMethod {
    #[serde(rename = "browser-session-cookie")]
    Cookie,
    #[serde(rename = "bearer-session-token")]
    Bearer,
}

/// `GET /api/auth/session`'s `policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    LoopbackBrowser,
    RemoteReachable,
    UnsafeNoAuth,
}

/// Who a request comes from, once authenticated.
#[derive(Debug, Clone)]
pub enum Principal {
    /// `--no-auth`: everyone.
    Anyone,
    /// The static `--auth-token` (v0.0.4's `?token=`).
    StaticToken,
    /// The control socket in the state directory: the user who owns it.
    ControlSocket,
    Session(Box<SessionRecord>),
}

impl Principal {
    pub fn is_owner(&self) -> bool {
        match self {
            Principal::Anyone | Principal::StaticToken | Principal::ControlSocket => true,
            Principal::Session(s) => s.role == Role::Owner,
        }
    }

    pub fn session_id(&self) -> Option<&str> {
        match self {
            Principal::Session(s) => Some(&s.session_id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("Invalid bootstrap credential.")]
    BadCredential,
    #[error("{0}")]
    Store(String),
}

/// Sent to a live socket whose session was revoked.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct Revoked {
    pub reason: String,
}

/// One signed-in session as `GET /api/auth/clients` shows it (DP Code's `AuthClientSession`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSessionView {
    pub session_id: String,
    pub subject: String,
    pub role: Role,
    pub method: SessionMethod,
    pub client: ClientMetadata,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_connected_at: Option<DateTime<Utc>>,
    pub connected: bool,
    pub current: bool,
}

type LiveSockets = HashMap<String, Vec<(u64, Recipient<Revoked>)>>;

/// The authentication state of one server.
pub struct AuthService {
    key: SigningKey,
    sessions: SessionStore,
    policy: Policy,
    cookie_name: String,
    static_token: Option<String>,
    pairing: Mutex<PairingLinks>,
    /// Websocket tokens already used, until they would have expired anyway.
    used_ws_tokens: Mutex<HashMap<String, i64>>,
    limiter: Mutex<RateLimiter>,
    live: Mutex<LiveSockets>,
    next_socket: std::sync::atomic::AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these maps leaves it consistent (every update is one
    // insert or remove), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct AuthConfig {
    pub policy: Policy,
    pub port: u16,
    pub static_token: Option<String>,
    pub rate_limit: u32,
}

impl AuthService {
    pub fn new(key: SigningKey, sessions: SessionStore, config: AuthConfig) -> AuthService {
        AuthService {
            key,
            sessions,
            policy: config.policy,
            cookie_name: format!("t3_session_{}", config.port),
            static_token: config.static_token,
            pairing: Mutex::new(PairingLinks::default()),
            used_ws_tokens: Mutex::new(HashMap::new()),
            limiter: Mutex::new(RateLimiter::new(config.rate_limit)),
            live: Mutex::new(HashMap::new()),
            next_socket: std::sync::atomic::AtomicU64::new(1),
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    pub fn enabled(&self) -> bool {
        self.policy != Policy::UnsafeNoAuth
    }

    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    pub fn static_token_matches(&self, provided: &str) -> bool {
        self.static_token.as_deref().is_some_and(|expected| {
            bool::from(subtle::ConstantTimeEq::ct_eq(
                expected.as_bytes(),
                provided.as_bytes(),
            ))
        })
    }

    /// `Err(seconds)` while `ip` may not try again.
    pub fn rate_check(&self, ip: IpAddr) -> Result<(), u64> {
        lock(&self.limiter).check(ip, Instant::now())
    }

    pub fn record_failure(&self, ip: IpAddr) {
        lock(&self.limiter).record_failure(ip, Instant::now());
    }

    pub fn issue_pairing(&self, role: Role, label: Option<String>) -> std::io::Result<PairingLink> {
        lock(&self.pairing).issue(role, label, Utc::now())
    }

    pub fn pairing_links(&self) -> Vec<PairingLink> {
        lock(&self.pairing).active(Utc::now())
    }

    pub fn revoke_pairing(&self, id: &str) -> bool {
        lock(&self.pairing).revoke(id)
    }

    /// Uses up a pairing credential for a new session; returns it and its token.
    pub fn exchange(
        &self,
        credential: &str,
        method: SessionMethod,
        client: ClientMetadata,
    ) -> Result<(SessionRecord, String), AuthError> {
        let now = Utc::now();
        let link = lock(&self.pairing)
            .redeem(credential, now)
            .ok_or(AuthError::BadCredential)?;
        let mut client = client;
        if client.label.is_none() {
            client.label = link.label.clone();
        }
        let session_id = uuid::Uuid::new_v4().to_string();
        let expires_at = now + SESSION_LIFETIME;
        let claims = Claims {
            v: 1,
            kind: KIND_SESSION.into(),
            sid: session_id.clone(),
            iat: now.timestamp_millis(),
            exp: expires_at.timestamp_millis(),
            sub: Some(link.subject.clone()),
            role: Some(role_name(link.role).into()),
            method: Some(method_name(method).into()),
            nonce: None,
        };
        let token = self.key.sign(&claims);
        let record = SessionRecord {
            session_id,
            subject: link.subject,
            role: link.role,
            method,
            client,
            issued_at: now,
            expires_at,
            token_digest: tokens::digest_hex(&token),
            last_connected_at: None,
        };
        self.sessions
            .put(&record)
            .map_err(|e| AuthError::Store(format!("saving the session failed: {e}")))?;
        Ok((record, token))
    }

    /// The live session a session token stands for.
    pub fn session_for_token(&self, token: &str) -> Option<SessionRecord> {
        let now = Utc::now();
        let claims = self
            .key
            .verify(token, KIND_SESSION, now.timestamp_millis())?;
        let record = self.sessions.get(&claims.sid).ok().flatten()?;
        let digest = tokens::digest_hex(token.trim());
        let same = subtle::ConstantTimeEq::ct_eq(digest.as_bytes(), record.token_digest.as_bytes());
        (bool::from(same) && record.expires_at > now).then_some(record)
    }

    /// A token that opens one WebSocket for `session`, once, within five minutes.
    pub fn issue_ws_token(&self, session: &SessionRecord) -> (String, DateTime<Utc>) {
        let now = Utc::now();
        let expires_at = (now + WS_TOKEN_LIFETIME).min(session.expires_at);
        let nonce = tokens::random_bytes(16)
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
            .unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
        let claims = Claims {
            v: 1,
            kind: KIND_WEBSOCKET.into(),
            sid: session.session_id.clone(),
            iat: now.timestamp_millis(),
            exp: expires_at.timestamp_millis(),
            sub: None,
            role: None,
            method: None,
            nonce: Some(nonce),
        };
        (self.key.sign(&claims), expires_at)
    }

    /// The session a websocket token was issued for, using the token up.
    pub fn redeem_ws_token(&self, token: &str) -> Option<SessionRecord> {
        let now = Utc::now().timestamp_millis();
        let claims = self.key.verify(token, KIND_WEBSOCKET, now)?;
        {
            let mut used = lock(&self.used_ws_tokens);
            used.retain(|_, exp| *exp > now);
            let digest = tokens::digest_hex(token.trim());
            if used.insert(digest, claims.exp).is_some() {
                return None;
            }
        }
        let record = self.sessions.get(&claims.sid).ok().flatten()?;
        (record.expires_at.timestamp_millis() > now).then_some(record)
    }

    /// Records a new socket of `session_id`; returns the handle to forget it by.
    pub fn register_socket(&self, session_id: &str, socket: Recipient<Revoked>) -> u64 {
        let handle = self
            .next_socket
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        lock(&self.live)
            .entry(session_id.to_string())
            .or_default()
            .push((handle, socket));
        if let Err(err) = self.sessions.touch(session_id, Utc::now()) {
            log::warn!("recording a session's connection failed: {err}");
        }
        handle
    }

    pub fn forget_socket(&self, session_id: &str, handle: u64) {
        let mut live = lock(&self.live);
        if let Some(sockets) = live.get_mut(session_id) {
            sockets.retain(|(h, _)| *h != handle);
            if sockets.is_empty() {
                live.remove(session_id);
            }
        }
    }

    pub fn list_clients(&self, current: Option<&str>) -> Result<Vec<ClientSessionView>, String> {
        let now = Utc::now();
        let live = lock(&self.live);
        let mut views: Vec<ClientSessionView> = self
            .sessions
            .all()?
            .into_iter()
            .filter(|s| s.expires_at > now)
            .map(|s| ClientSessionView {
                connected: live.contains_key(&s.session_id),
                current: current == Some(s.session_id.as_str()),
                session_id: s.session_id,
                subject: s.subject,
                role: s.role,
                method: s.method,
                client: s.client,
                issued_at: s.issued_at,
                expires_at: s.expires_at,
                last_connected_at: s.last_connected_at,
            })
            .collect();
        views.sort_by_key(|v| v.issued_at);
        Ok(views)
    }

    /// Ends a session: its record goes and its open sockets close with 4001.
    pub fn revoke_session(&self, session_id: &str) -> Result<bool, String> {
        let existed = self.sessions.remove(session_id)?;
        let sockets = lock(&self.live).remove(session_id).unwrap_or_default();
        for (_, socket) in sockets {
            socket.do_send(Revoked {
                reason: "this session was revoked; pair again".into(),
            });
        }
        Ok(existed)
    }

    /// Ends every session but `keep`.
    pub fn revoke_others(&self, keep: Option<&str>) -> Result<usize, String> {
        let mut count = 0;
        for record in self.sessions.all()? {
            if Some(record.session_id.as_str()) != keep
                && self.revoke_session(&record.session_id)?
            {
                count += 1;
            }
        }
        Ok(count)
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Client => "client",
    }
}

pub fn method_name(method: SessionMethod) -> &'static str {
    match method {
        SessionMethod::Cookie => "browser-session-cookie",
        SessionMethod::Bearer => "bearer-session-token",
    }
}

#[cfg(test)]
mod tests;
