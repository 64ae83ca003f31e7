//! Who a request comes from: the checks every route shares, decided before any work (and
//! before a WebSocket upgrade, so a refused client never gets a socket).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::auth::Principal;

use super::session::AppContext;

/// Marks the control socket's app: its requests come from the state directory's owner.
#[derive(Clone, Copy)]
pub struct ControlSocket;

/// Why a request was not let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Unauthorized,
    RateLimited { retry_after_secs: u64 },
}

impl Refusal {
    pub fn response(&self) -> HttpResponse {
        match self {
            Refusal::Unauthorized => HttpResponse::Unauthorized().json(serde_json::json!({
                "error": "Authentication required: sign this browser in with a pairing link \
                          (run `t3rs pair`), or send a session token."
            })),
            Refusal::RateLimited { retry_after_secs } => HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, retry_after_secs.to_string()))
                .json(serde_json::json!({
                    "error": format!(
                        "Too many failed sign-in attempts from this address; try again in \
                         {retry_after_secs} s."
                    )
                })),
        }
    }
}

/// One query parameter, percent-decoded.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    actix_web::web::Query::<std::collections::HashMap<String, String>>::from_query(query)
        .ok()
        .and_then(|q| q.into_inner().remove(name))
        .filter(|v| !v.is_empty())
}

/// A cookie's value from the `Cookie` header.
pub fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

pub fn remote_ip(req: &HttpRequest) -> std::net::IpAddr {
    req.peer_addr()
        .map(|a| a.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
}

/// Authenticates a request, in DP Code's order: the static `?token=` (v0.0.4), a single-use
/// `?wsToken=` (upgrades only), the session cookie, a bearer session token. A presented
/// credential that fails counts against the address's rate limit.
pub fn authenticate(
    req: &HttpRequest,
    app: &AppContext,
    allow_ws_token: bool,
) -> Result<Principal, Refusal> {
    if req.app_data::<ControlSocket>().is_some() {
        return Ok(Principal::ControlSocket);
    }
    let auth = &app.auth;
    if !auth.enabled() {
        return Ok(Principal::Anyone);
    }
    let ip = remote_ip(req);
    if let Err(retry_after_secs) = auth.rate_check(ip) {
        return Err(Refusal::RateLimited { retry_after_secs });
    }
    let query = req.query_string();
    let static_token = query_param(query, "token");
    if static_token
        .as_deref()
        .is_some_and(|t| auth.static_token_matches(t))
    {
        return Ok(Principal::StaticToken);
    }
    let ws_token = allow_ws_token
        .then(|| query_param(query, "wsToken"))
        .flatten();
    if let Some(token) = &ws_token {
        if let Some(session) = auth.redeem_ws_token(token) {
            return Ok(Principal::Session(Box::new(session)));
        }
    }
    let cookie = cookie_value(req, auth.cookie_name());
    if let Some(token) = &cookie {
        if let Some(session) = auth.session_for_token(token) {
            return Ok(Principal::Session(Box::new(session)));
        }
    }
    let bearer = bearer(req);
    if let Some(token) = &bearer {
        if let Some(session) = auth.session_for_token(token) {
            return Ok(Principal::Session(Box::new(session)));
        }
    }
    if static_token.is_some() || ws_token.is_some() || cookie.is_some() || bearer.is_some() {
        auth.record_failure(ip);
    }
    Err(Refusal::Unauthorized)
}

/// A browser sends `Origin` on upgrades and on cross-site posts; a request that carries one
/// must come from a page of this server (or `--allow-origin`). Requests without one are not
/// from a web page's script.
pub fn origin_refusal(req: &HttpRequest, app: &AppContext) -> Option<HttpResponse> {
    if req.app_data::<ControlSocket>().is_some() {
        return None;
    }
    let origin = req.headers().get(header::ORIGIN)?;
    let origin = origin.to_str().unwrap_or("(not text)");
    if app.hosts.origin_allowed(origin) {
        return None;
    }
    log::warn!("refused a request from origin {origin}");
    Some(HttpResponse::Forbidden().body(format!(
        "Forbidden: origin {origin} may not use this server (start t3rs with \
         --allow-origin {origin} to allow it)"
    )))
}

/// The `Host` check every TCP request passes first (DNS rebinding).
pub fn host_refusal(req: &actix_web::dev::ServiceRequest, app: &AppContext) -> Option<String> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match host {
        Some(host) if app.hosts.host_allowed(&host) => None,
        Some(host) => Some(format!(
            "Forbidden: this server does not answer to the host '{host}'. If you reach it \
             under that name (a reverse proxy, a tunnel), start t3rs with \
             --allowed-host {host}\n"
        )),
        None => Some(
            "Forbidden: the request names no Host; this server answers only to the hosts it \
             was started for (see --allowed-host)\n"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_decode() {
        assert_eq!(
            query_param("a=1&token=s%20p", "token").as_deref(),
            Some("s p")
        );
        assert_eq!(query_param("a=1", "token"), None);
        assert_eq!(query_param("token=", "token"), None);
        assert_eq!(
            query_param("wsToken=x.y", "wsToken").as_deref(),
            Some("x.y")
        );
    }

    #[test]
    fn cookies_and_bearers_are_read_by_name() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "a=1; t3_session_1=tok.sig; b=2"))
            .insert_header((header::AUTHORIZATION, "Bearer  abc "))
            .to_http_request();
        assert_eq!(
            cookie_value(&req, "t3_session_1").as_deref(),
            Some("tok.sig")
        );
        assert_eq!(cookie_value(&req, "t3_session_2"), None);
        assert_eq!(bearer(&req).as_deref(), Some("abc"));
    }
}
