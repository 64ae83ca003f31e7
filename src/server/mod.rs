//! The actix-web edge: the Host check every request passes, routes, the WebSocket upgrade
//! (auth and origin decided before it), the per-connection [`session::Session`] actor, and the
//! control socket for `t3rs pair` and `t3rs auth`.

pub mod auth;
pub mod auth_routes;
pub mod control;
mod files;
pub mod limits;
pub mod pages;
#[cfg(test)]
mod readme_methods;
mod requests;
pub mod session;
mod snapshot_frames;
pub use snapshot_frames::MIN_FRAME_BYTES as MIN_SNAPSHOT_FRAME_BYTES;

use actix_web::dev::Service as _;
use actix_web::http::header;
use actix_web::{guard, web, App, HttpRequest, HttpResponse, HttpServer};
use actix_web_actors::ws;

use crate::store::attachments;
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
    if let Some(refused) = auth::origin_refusal(&req, &app) {
        return Ok(refused);
    }
    let principal = match auth::authenticate(&req, &app, true) {
        Ok(principal) => principal,
        Err(refusal) => {
            log::warn!(
                "refused a WebSocket upgrade from {}: {refusal:?}",
                auth::remote_ip(&req)
            );
            return Ok(refusal.response());
        }
    };
    let Some(slot) = app.connections.take() else {
        let max = app.connections.max();
        log::warn!("refused a WebSocket upgrade: {max} connections are open (max_connections)");
        return Ok(HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .body(format!(
                "Too many connections: {max} are open (max_connections = {max}). Try again later."
            )));
    };
    let cap = app.frame_cap();
    let session = Session::new(
        app.get_ref().clone(),
        principal.session_id().map(str::to_string),
    )
    .with_slot(slot);
    ws::WsResponseBuilder::new(session, &req, stream)
        .frame_size(cap)
        .start()
}

/// `GET /`: the browser client for a signed-in browser, else the page saying how to sign in.
async fn index(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    match auth::authenticate(&req, &app, false) {
        Ok(_) => {}
        Err(refusal @ auth::Refusal::RateLimited { .. }) => return refusal.response(),
        Err(auth::Refusal::Unauthorized) => return pages::sign_in_page(),
    }
    match read_off_worker(app.web_dir.join("index.html")).await {
        Some(page) => pages::html(HttpResponse::Ok())
            // The page names its hashed assets; it must be fetched fresh after an upgrade.
            .insert_header(("Cache-Control", "no-cache"))
            .body(page),
        None => pages::html(HttpResponse::Ok()).body(format!(
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
    if !files::is_plain_name(&name) {
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

/// `GET /attachments/{id}`: a stored image, for the same callers as the WebSocket. Its type is
/// the one its bytes show, never its name's, and it may run nothing if opened as a page.
async fn attachment(
    req: HttpRequest,
    id: web::Path<String>,
    app: web::Data<AppContext>,
) -> HttpResponse {
    if let Err(refusal) = auth::authenticate(&req, &app, false) {
        return refusal.response();
    }
    let state_dir = std::sync::Arc::clone(&app.state_dir);
    let id = id.into_inner();
    let found = actix_web::rt::task::spawn_blocking(move || {
        let path = attachments::find(&state_dir, &id)?;
        let bytes = std::fs::read(&path).ok()?;
        Some((attachments::sniff_image_type(&bytes), bytes))
    })
    .await
    .ok()
    .flatten();
    match found {
        Some((Some(content_type), bytes)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
            .insert_header(("Cache-Control", "private, max-age=31536000, immutable"))
            .body(bytes),
        Some((None, _)) => HttpResponse::UnsupportedMediaType().body("not an image"),
        None => HttpResponse::NotFound().body("Not Found"),
    }
}

async fn not_a_websocket() -> HttpResponse {
    HttpResponse::BadRequest().body("expected a WebSocket upgrade")
}

/// Binds the TCP listener first, so the port is known (it may have been 0) before the Host
/// allowlist and the cookie name, which both name it, are made.
pub fn listen(host: &str, port: u16) -> std::io::Result<std::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(addr),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        // A restart must not wait for the old connections' TIME_WAIT to pass.
        socket.set_reuse_address(true)?;
        match socket.bind(&addr.into()).and_then(|()| socket.listen(1024)) {
            Ok(()) => return Ok(socket.into()),
            Err(err) => last = Some(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other(format!("{host} names no address"))))
}

/// Serves the TCP listener until stopped.
pub fn serve(
    listener: std::net::TcpListener,
    app: AppContext,
) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::new(app);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap_fn(|req, srv| {
                let refusal = req
                    .app_data::<web::Data<AppContext>>()
                    .and_then(|app| auth::host_refusal(&req, app));
                let fut = match refusal {
                    Some(body) => {
                        log::warn!("refused a request for another host: {}", body.trim());
                        let response = HttpResponse::Forbidden()
                            .content_type("text/plain; charset=utf-8")
                            .body(body);
                        return futures_util::future::Either::Left(std::future::ready(Ok(req
                            .into_response(response)
                            .map_into_right_body())));
                    }
                    None => srv.call(req),
                };
                futures_util::future::Either::Right(async move {
                    let mut res = fut.await?;
                    let headers = res.headers_mut();
                    headers.insert(
                        header::X_CONTENT_TYPE_OPTIONS,
                        header::HeaderValue::from_static("nosniff"),
                    );
                    headers.insert(
                        header::REFERRER_POLICY,
                        header::HeaderValue::from_static("no-referrer"),
                    );
                    Ok(res.map_into_left_body())
                })
            })
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
            .service(auth_routes::routes(false))
            .route("/pair", web::get().to(pages::pair_page))
            .route("/pair.js", web::get().to(pages::pair_script))
            .route("/pair.css", web::get().to(pages::pair_style))
            .route("/attachments/{id}", web::get().to(attachment))
            .route("/assets/{name}", web::get().to(asset))
            .route(
                "/api/project-favicon",
                web::get().to(files::project_favicon),
            )
            // A page path of the client (a reload on `/<threadId>`), or a root file of its build.
            .default_service(web::to(files::fallback))
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
    .listen(listener)?;
    Ok(server.run())
}
