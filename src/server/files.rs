//! What a real browser asks for besides the socket: any page path of the client (a reload on
//! `/<threadId>` or `/settings` answers `index.html`, as T3's server does), the root files of the
//! client's build (`favicon.ico`, `robots.txt`…), and a project's favicon.

use std::path::{Path, PathBuf};

use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse};

use super::session::AppContext;
use super::{auth, pages};
use crate::store::attachments;

/// Paths that belong to the server, never to the client's router: a miss there is a 404.
const SERVER_PREFIXES: &[&str] = &["/api/", "/assets/", "/attachments/", "/ws/"];

/// The biggest favicon served; anything larger is not an icon.
const FAVICON_MAX_BYTES: u64 = 1024 * 1024;

/// Where a project's icon usually is, in the order looked at (the places web frameworks put it:
/// the root, `public/`, Next's `app/` and `src/app/`, `static/`, `assets/`).
const FAVICON_CANDIDATES: &[&str] = &[
    "favicon.ico",
    "favicon.svg",
    "favicon.png",
    "public/favicon.ico",
    "public/favicon.svg",
    "public/favicon.png",
    "app/favicon.ico",
    "app/icon.svg",
    "app/icon.png",
    "src/app/favicon.ico",
    "src/app/icon.svg",
    "src/app/icon.png",
    "src/favicon.ico",
    "src/favicon.svg",
    "static/favicon.ico",
    "static/favicon.svg",
    "static/favicon.png",
    "assets/favicon.ico",
    "assets/favicon.svg",
    "assets/favicon.png",
];

/// A plain file name: no separator, no leading dot, nothing a path could be built from.
pub(super) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Every request no route took: a root file of the client's build, else (for a GET outside
/// the server's own paths) the client itself, with `/`'s sign-in rule; else 404.
pub async fn fallback(req: HttpRequest, app: web::Data<AppContext>) -> HttpResponse {
    if req.method() != Method::GET {
        return not_found();
    }
    let path = req.path();
    let server_path = path == "/ws"
        || path.starts_with("/pair")
        || SERVER_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix) || path == prefix.trim_end_matches('/'));
    if server_path {
        return not_found();
    }
    if let Some(name) = path.strip_prefix('/') {
        if name != "index.html" && is_plain_name(name) {
            let file = app.web_dir.join(name);
            if let Some(bytes) = super::read_off_worker(file).await {
                return root_file(name, bytes);
            }
        }
    }
    super::index(req, app).await
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound().body("Not found")
}

/// A file at the top of the client's build, typed by its name among the types a build has;
/// anything else is opaque bytes. Only scripts go without a policy of their own (a worker's
/// would bind it); nothing here is sniffed.
fn root_file(name: &str, bytes: Vec<u8>) -> HttpResponse {
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if extension == "html" {
        return pages::html(HttpResponse::Ok())
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(bytes);
    }
    let content_type = match extension {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "xml" => "application/xml",
        _ => attachments::content_type_for(Path::new(name)),
    };
    // Not named by content hash: revalidated, so an upgrade's copy is used at once. Icons may be
    // a day old instead: the browser asks for the page's icon again on every history navigation
    // (each thread opened), and a revalidation each time is a request and a timing entry kept.
    let cache = if matches!(extension, "svg" | "png" | "ico" | "webp") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, cache));
    if !matches!(extension, "js" | "mjs") {
        response.insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"));
    }
    response.body(bytes)
}

#[derive(serde::Deserialize)]
pub struct FaviconQuery {
    cwd: Option<String>,
}

/// `GET /api/project-favicon?cwd=`: the icon of a directory the `cwd` policy allows (a
/// project, a t3rs worktree, the server's `--cwd`), for the same callers as `/attachments`;
/// 404 when it has none.
pub async fn project_favicon(
    req: HttpRequest,
    query: web::Query<FaviconQuery>,
    app: web::Data<AppContext>,
) -> HttpResponse {
    if let Err(refusal) = auth::authenticate(&req, &app, false) {
        return refusal.response();
    }
    let Some(cwd) = query.into_inner().cwd.filter(|c| !c.is_empty()) else {
        return HttpResponse::BadRequest().body("missing the cwd parameter");
    };
    if let Err(message) = app.runtime.cwd_policy.check("cwd", &cwd) {
        log::debug!("no favicon for {cwd}: {message}");
        return not_found();
    }
    let found = actix_web::rt::task::spawn_blocking(move || find_favicon(Path::new(&cwd)))
        .await
        .ok()
        .flatten();
    match found {
        Some((path, bytes)) => {
            let content_type = attachments::sniff_image_type(&bytes)
                .unwrap_or_else(|| attachments::content_type_for(&path));
            HttpResponse::Ok()
                .content_type(content_type)
                // An SVG opened as a page runs nothing.
                .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
                .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
                .body(bytes)
        }
        None => not_found(),
    }
}

/// The first icon among [`FAVICON_CANDIDATES`] that is a regular file inside `cwd` once every
/// symlink is resolved, and small enough to be one.
fn find_favicon(cwd: &Path) -> Option<(PathBuf, Vec<u8>)> {
    let root = std::fs::canonicalize(cwd).ok()?;
    FAVICON_CANDIDATES.iter().find_map(|candidate| {
        let path = std::fs::canonicalize(root.join(candidate)).ok()?;
        let meta = std::fs::metadata(&path).ok()?;
        if !path.starts_with(&root) || !meta.is_file() || meta.len() > FAVICON_MAX_BYTES {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        Some((path, bytes))
    })
}
