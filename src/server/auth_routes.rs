//! DP Code's `/api/auth/*` endpoints. The owner endpoints are served on the TCP port (for an
//! owner session) and on the control socket in the state directory (for `t3rs pair` and
//! `t3rs auth`), by the same handlers.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::auth::sessions::ClientMetadata;
use crate::auth::{method_name, role_name, Principal, Role, SessionMethod};

use super::auth::{authenticate, origin_refusal, remote_ip, Refusal};
use super::session::AppContext;

fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": message }))
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8], what: &str) -> Result<T, Box<HttpResponse>> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            &format!("Invalid {what} payload: {e}."),
        ))
    })
}

/// The endpoint's caller, or the answer that refuses it. Posts from a foreign origin are
/// refused first (cross-site request forgery).
fn caller(req: &HttpRequest, app: &AppContext) -> Result<Principal, Box<HttpResponse>> {
    if let Some(refused) = origin_refusal(req, app) {
        return Err(Box::new(refused));
    }
    authenticate(req, app, false).map_err(|r| Box::new(r.response()))
}

fn owner(req: &HttpRequest, app: &AppContext) -> Result<Principal, Box<HttpResponse>> {
    let principal = caller(req, app)?;
    if principal.is_owner() {
        Ok(principal)
    } else {
        Err(Box::new(error(
            StatusCode::FORBIDDEN,
            "Only owner sessions can manage network access.",
        )))
    }
}

macro_rules! try_or_respond {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(response) => return *response,
        }
    };
}

/// `GET /api/auth/session`: never 401; says whether the caller is signed in and how to.
pub async fn session_state(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    let auth = &app.auth;
    let mut body = json!({
        "authenticated": false,
        "auth": {
            "policy": auth.policy(),
            "bootstrapMethods": ["one-time-token"],
            "sessionMethods": ["browser-session-cookie", "bearer-session-token"],
            "sessionCookieName": auth.cookie_name(),
        },
    });
    match authenticate(&req, &app, false) {
        Ok(Principal::Session(session)) => {
            body["authenticated"] = json!(true);
            body["role"] = json!(role_name(session.role));
            body["sessionMethod"] = json!(method_name(session.method));
            body["expiresAt"] = json!(session.expires_at);
        }
        Ok(_) => {
            body["authenticated"] = json!(true);
            body["role"] = json!("owner");
        }
        Err(_) => {}
    }
    HttpResponse::Ok().json(body)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BootstrapInput {
    credential: String,
}

fn exchange(
    req: &HttpRequest,
    app: &AppContext,
    body: &[u8],
    method: SessionMethod,
) -> Result<(crate::auth::sessions::SessionRecord, String), Box<HttpResponse>> {
    if let Some(refused) = origin_refusal(req, app) {
        return Err(Box::new(refused));
    }
    let ip = remote_ip(req);
    if let Err(retry_after_secs) = app.auth.rate_check(ip) {
        return Err(Box::new(
            Refusal::RateLimited { retry_after_secs }.response(),
        ));
    }
    let input: BootstrapInput = parse(body, "bootstrap")?;
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let client = ClientMetadata::from_request(Some(ip.to_string()), user_agent);
    app.auth
        .exchange(input.credential.trim(), method, client)
        .map_err(|err| {
            Box::new(if err == crate::auth::AuthError::BadCredential {
                app.auth.record_failure(ip);
                error(StatusCode::UNAUTHORIZED, &err.to_string())
            } else {
                error(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string())
            })
        })
}

fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// `POST /api/auth/bootstrap`: a pairing credential for a browser session cookie.
pub async fn bootstrap(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppContext>,
) -> HttpResponse {
    let (session, token) = try_or_respond!(exchange(&req, &app, &body, SessionMethod::Cookie));
    let cookie = format!(
        "{}={token}; Expires={}; HttpOnly; Path=/; SameSite=Strict",
        app.auth.cookie_name(),
        http_date(session.expires_at)
    );
    log::info!(
        "paired a browser session {} ({})",
        session.session_id,
        role_name(session.role)
    );
    HttpResponse::Ok()
        .insert_header((header::SET_COOKIE, cookie))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({
            "authenticated": true,
            "role": role_name(session.role),
            "sessionMethod": method_name(session.method),
            "expiresAt": session.expires_at,
        }))
}

/// `POST /api/auth/bootstrap/bearer`: the same for programs, which get the token itself.
pub async fn bootstrap_bearer(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppContext>,
) -> HttpResponse {
    let (session, token) = try_or_respond!(exchange(&req, &app, &body, SessionMethod::Bearer));
    log::info!("paired a bearer session {}", session.session_id);
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({
            "authenticated": true,
            "role": role_name(session.role),
            "sessionMethod": method_name(session.method),
            "expiresAt": session.expires_at,
            "sessionToken": token,
        }))
}

/// `POST /api/auth/ws-token`: a single-use token for one WebSocket of the caller's session.
pub async fn ws_token(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    match try_or_respond!(caller(&req, &app)) {
        Principal::Session(session) => {
            let (token, expires_at) = app.auth.issue_ws_token(&session);
            HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(json!({ "token": token, "expiresAt": expires_at }))
        }
        _ => error(
            StatusCode::BAD_REQUEST,
            "A WebSocket token is issued for a signed-in session; this request has none \
             (the static token or --no-auth need no WebSocket token).",
        ),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PairingInput {
    label: Option<String>,
    /// t3rs's addition: `t3rs pair --owner` pairs a device that may manage access too.
    role: Option<Role>,
}

/// `POST /api/auth/pairing-token`: a new one-time link, with the URLs that carry it.
pub async fn pairing_token(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppContext>,
) -> HttpResponse {
    try_or_respond!(owner(&req, &app));
    let input: PairingInput = try_or_respond!(parse(&body, "pairing credential"));
    let label = input
        .label
        .map(|l| l.trim().chars().take(100).collect::<String>())
        .filter(|l| !l.is_empty());
    match app
        .auth
        .issue_pairing(input.role.unwrap_or(Role::Client), label)
    {
        Ok(link) => {
            let mut body = json!({
                "id": link.id,
                "credential": link.credential,
                "expiresAt": link.expires_at,
                "pairingUrls": app.pairing_urls(&link.credential),
            });
            if let Some(label) = link.label {
                body["label"] = json!(label);
            }
            HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(body)
        }
        Err(err) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot make a credential: {err}"),
        ),
    }
}

pub async fn pairing_links(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    try_or_respond!(owner(&req, &app));
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(app.auth.pairing_links())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeLinkInput {
    id: String,
}

pub async fn revoke_pairing_link(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppContext>,
) -> HttpResponse {
    try_or_respond!(owner(&req, &app));
    let input: RevokeLinkInput = try_or_respond!(parse(&body, "revoke pairing link"));
    HttpResponse::Ok().json(json!({ "revoked": app.auth.revoke_pairing(input.id.trim()) }))
}

pub async fn clients(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    let principal = try_or_respond!(owner(&req, &app));
    match app.auth.list_clients(principal.session_id()) {
        Ok(list) => HttpResponse::Ok().json(list),
        Err(err) => error(StatusCode::INTERNAL_SERVER_ERROR, &err),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RevokeClientInput {
    session_id: String,
}

pub async fn revoke_client(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppContext>,
) -> HttpResponse {
    let principal = try_or_respond!(owner(&req, &app));
    let input: RevokeClientInput = try_or_respond!(parse(&body, "revoke client"));
    let target = input.session_id.trim();
    if principal.session_id() == Some(target) {
        return error(
            StatusCode::BAD_REQUEST,
            "Use revoke other clients to keep the current owner session active.",
        );
    }
    match app.auth.revoke_session(target) {
        Ok(revoked) => {
            if revoked {
                log::info!("revoked session {target}");
            }
            HttpResponse::Ok().json(json!({ "revoked": revoked }))
        }
        Err(err) => error(StatusCode::INTERNAL_SERVER_ERROR, &err),
    }
}

pub async fn revoke_other_clients(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    let principal = try_or_respond!(owner(&req, &app));
    match app.auth.revoke_others(principal.session_id()) {
        Ok(count) => {
            log::info!("revoked {count} session(s)");
            HttpResponse::Ok().json(json!({ "revokedCount": count }))
        }
        Err(err) => error(StatusCode::INTERNAL_SERVER_ERROR, &err),
    }
}

/// The `/api/auth` routes; `owner_only` leaves out the sign-in ones (the control socket).
pub fn routes(owner_only: bool) -> actix_web::Scope {
    let scope = web::scope("/api/auth")
        .route("/pairing-token", web::post().to(pairing_token))
        .route("/pairing-links", web::get().to(pairing_links))
        .route("/pairing-links/revoke", web::post().to(revoke_pairing_link))
        .route("/clients", web::get().to(clients))
        .route("/clients/revoke", web::post().to(revoke_client))
        .route(
            "/clients/revoke-others",
            web::post().to(revoke_other_clients),
        );
    if owner_only {
        return scope;
    }
    scope
        .route("/session", web::get().to(session_state))
        .route("/bootstrap", web::post().to(bootstrap))
        .route("/bootstrap/bearer", web::post().to(bootstrap_bearer))
        .route("/ws-token", web::post().to(ws_token))
}
