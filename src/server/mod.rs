//! The actix-web edge: routes, the WebSocket upgrade (auth and origin decided before it), and the
//! per-connection [`session::Session`] actor.

pub mod auth;
pub mod session;

use std::net::SocketAddr;

use actix_web::http::header;
use actix_web::{guard, web, App, HttpRequest, HttpResponse, HttpServer};
use actix_web_actors::ws;

use crate::store::attachments;
use auth::{check_upgrade, Refusal};
use session::{AppContext, Session};

fn is_websocket_upgrade(ctx: &guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

async fn upgrade(
    req: HttpRequest,
    stream: web::Payload,
    app: web::Data<AppContext>,
) -> Result<HttpResponse, actix_web::Error> {
    let headers = req.headers();
    let header_str = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    let verdict = check_upgrade(
        app.auth_token.as_deref(),
        req.query_string(),
        header_str(header::ORIGIN),
        header_str(header::HOST),
        &app.allow_origins,
    );
    match verdict {
        Err(Refusal::Unauthorized) => {
            log::warn!("refused a WebSocket upgrade without a valid token");
            return Ok(HttpResponse::Unauthorized().body("Unauthorized WebSocket connection"));
        }
        Err(Refusal::ForbiddenOrigin(origin)) => {
            log::warn!("refused a cross-origin WebSocket upgrade from {origin}");
            return Ok(HttpResponse::Forbidden().body(format!(
                "Forbidden: origin {origin} may not open a WebSocket here (start t3rs with \
                 --allow-origin {origin} to allow it)"
            )));
        }
        Ok(()) => {}
    }
    let cap = app.frame_cap();
    ws::WsResponseBuilder::new(Session::new(app.get_ref().clone()), &req, stream)
        .frame_size(cap)
        .start()
}

/// `GET /`: the browser client, or a page saying how to build it.
async fn index(app: web::Data<AppContext>) -> HttpResponse {
    match read_off_worker(app.web_dir.join("index.html")).await {
        Some(page) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            // The page names its hashed assets; it must be fetched fresh after an upgrade.
            .insert_header(("Cache-Control", "no-cache"))
            .body(page),
        None => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(format!(
                "<!doctype html><title>t3rs</title><h1>t3rs {}</h1>\
                 <p>The server is running, but the browser client is not built at <code>{}</code>. \
                 Run <code>make run</code> (it builds <code>web/</code>), or point \
                 <code>--web-dir</code> at a built client. T3 Code clients connect by WebSocket \
                 (<code>/</code> or <code>/ws</code>).</p>",
                env!("CARGO_PKG_VERSION"),
                app.web_dir.display()
            )),
    }
}

/// `GET /assets/{name}`: one of the client's built files. Only plain file names directly in
/// `assets/` are served, so no request can reach outside it.
async fn asset(app: web::Data<AppContext>, name: web::Path<String>) -> HttpResponse {
    let name = name.into_inner();
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !plain {
        return HttpResponse::NotFound().body("Not found");
    }
    let content_type = match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("json") | Some("map") => "application/json",
        // Images (and anything else) as the attachment store types them.
        _ => attachments::content_type_for(std::path::Path::new(&name)),
    };
    match read_off_worker(app.web_dir.join("assets").join(&name)).await {
        Some(bytes) => HttpResponse::Ok()
            .content_type(content_type)
            // Vite names assets by content hash.
            .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
            .body(bytes),
        None => HttpResponse::NotFound().body("Not found"),
    }
}

/// Reads a file on the blocking pool, not on the worker that serves other connections.
async fn read_off_worker(path: std::path::PathBuf) -> Option<Vec<u8>> {
    actix_web::rt::task::spawn_blocking(move || std::fs::read(path).ok())
        .await
        .ok()
        .flatten()
}

/// `GET /attachments/{id}`: a stored image, behind the same token as the WebSocket.
async fn attachment(
    req: HttpRequest,
    id: web::Path<String>,
    app: web::Data<AppContext>,
) -> HttpResponse {
    if let Some(expected) = app.auth_token.as_deref() {
        if !auth::token_matches(
            expected,
            auth::token_from_query(req.query_string()).as_deref(),
        ) {
            return HttpResponse::Unauthorized().body("Unauthorized");
        }
    }
    let state_dir = std::sync::Arc::clone(&app.state_dir);
    let id = id.into_inner();
    let found = actix_web::rt::task::spawn_blocking(move || {
        let path = attachments::find(&state_dir, &id)?;
        let bytes = std::fs::read(&path).ok()?;
        Some((attachments::content_type_for(&path), bytes))
    })
    .await
    .ok()
    .flatten();
    match found {
        Some((content_type, bytes)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header(("Cache-Control", "private, max-age=31536000, immutable"))
            .body(bytes),
        None => HttpResponse::NotFound().body("Not Found"),
    }
}

async fn not_a_websocket() -> HttpResponse {
    HttpResponse::BadRequest().body("expected a WebSocket upgrade")
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().body("Not found")
}

/// Binds the listener and returns the server future with the addresses actually bound (the port
/// may have been 0).
pub fn bind(
    host: &str,
    port: u16,
    app: AppContext,
) -> std::io::Result<(actix_web::dev::Server, Vec<SocketAddr>)> {
    let data = web::Data::new(app);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .service(
                web::resource("/")
                    .route(
                        web::get()
                            .guard(guard::fn_guard(is_websocket_upgrade))
                            .to(upgrade),
                    )
                    .route(web::get().to(index)),
            )
            .service(
                web::resource("/ws")
                    .route(
                        web::get()
                            .guard(guard::fn_guard(is_websocket_upgrade))
                            .to(upgrade),
                    )
                    .route(web::get().to(not_a_websocket)),
            )
            .route("/attachments/{id}", web::get().to(attachment))
            .route("/assets/{name}", web::get().to(asset))
            .default_service(web::to(not_found))
    })
    // The binary handles SIGTERM/SIGINT itself: it must close sockets with 1001 and flush the
    // store, which actix's own handler does not know about.
    .disable_signals()
    .shutdown_timeout(1)
    // Without NODELAY a push followed by a reply in separate writes stalls ~40 ms (Nagle).
    .on_connect(|conn, _ext| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    })
    .bind((host, port))?;
    let addrs = server.addrs();
    Ok((server.run(), addrs))
}
