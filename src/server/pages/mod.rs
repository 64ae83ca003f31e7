//! The pages the server itself serves besides the app: the pairing page that trades a one-time
//! credential for a session, and the page an unsigned browser gets instead of the app. Both
//! keep to the app's content security policy (no inline script or style).

use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder};

/// The app's and these pages' policy. xterm.js adds `<style>` elements and the composer shows
/// images as data URLs, hence those two allowances.
pub const CSP: &str = "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; \
                       style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/// Headers every HTML page gets (`nosniff` and `no-referrer` come with every response, from
/// the middleware in front of the routes).
pub fn html(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
    builder
}

pub async fn pair_page() -> HttpResponse {
    html(HttpResponse::Ok())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(include_str!("pair.html"))
}

/// A file of these pages; revalidated so an upgrade's new copy is used at once.
fn page_file(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

pub async fn pair_script() -> HttpResponse {
    page_file("text/javascript; charset=utf-8", include_str!("pair.js"))
}

pub async fn pair_style() -> HttpResponse {
    page_file("text/css; charset=utf-8", include_str!("pair.css"))
}

/// What `/` shows a browser without a session.
pub fn sign_in_page() -> HttpResponse {
    html(HttpResponse::Unauthorized())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(include_str!("signin.html"))
}
