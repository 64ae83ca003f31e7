//! HTTP for real browsers, against the real binary with authentication on: a reload on any page
//! path of the client answers its `index.html`, the root files of its build are served inert,
//! and `/api/project-favicon` serves a known project's icon.
#![allow(clippy::disallowed_methods)] // test code starts the binary directly

mod common;

use common::{http, Client, Server, ServerBuilder};
use serde_json::json;

const PAGE: &str = "<!doctype html><title>app</title>";

/// A built client: its page, root files and one asset.
fn web_dir(dir: &std::path::Path) -> std::path::PathBuf {
    let web = dir.join("web");
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(web.join("index.html"), PAGE).unwrap();
    std::fs::write(web.join("favicon.ico"), b"\x00\x00\x01\x00icon").unwrap();
    std::fs::write(web.join("robots.txt"), "User-agent: *\nDisallow: /\n").unwrap();
    std::fs::write(web.join("assets").join("app.js"), "console.log(1)").unwrap();
    web
}

fn start(dir: &std::path::Path) -> Server {
    let server_cwd = dir.join("server-cwd");
    std::fs::create_dir_all(&server_cwd).unwrap();
    ServerBuilder::new(&dir.join("state"))
        .with_auth()
        .arg("--web-dir")
        .arg(web_dir(dir).to_string_lossy())
        .arg("--cwd")
        .arg(server_cwd.to_string_lossy())
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start()
}

/// Trades the start-up pairing credential for a browser session; returns the cookie pair.
fn session_cookie(server: &Server) -> String {
    let answer = http(
        server.port,
        "POST",
        "/api/auth/bootstrap",
        &[],
        Some(&json!({ "credential": server.pairing_credential() })),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let cookie = answer.header("set-cookie").expect("a cookie");
    cookie.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn a_reload_on_any_page_path_answers_the_client_and_root_files_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let cookie = session_cookie(&server);
    let with_cookie = [("Cookie", cookie.as_str())];

    // A thread that exists, reloaded on its own path.
    let mut client = Client::connect_with_headers(&server.url("/ws"), &with_cookie)
        .await
        .unwrap();
    client.welcome().await;
    let root = dir.path().join("server-cwd").to_string_lossy().into_owned();
    for command in [
        json!({"type": "project.create", "commandId": "c1", "projectId": "p1", "title": "p1",
               "workspaceRoot": root, "createdAt": "2026-01-01T00:00:00.000Z"}),
        json!({"type": "thread.create", "commandId": "c2", "threadId": "t-reload",
               "projectId": "p1", "title": "A thread", "model": "gpt-5.4",
               "runtimeMode": "full-access", "interactionMode": "default",
               "branch": null, "worktreePath": null, "createdAt": "2026-01-01T00:00:00.000Z"}),
    ] {
        let v = client
            .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
            .await;
        assert!(v["result"]["sequence"].is_u64(), "{v}");
    }

    for path in [
        "/t-reload",
        "/settings",
        "/index.html",
        "/a/deeper/route?x=1",
    ] {
        let page = http(server.port, "GET", path, &with_cookie, None);
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert_eq!(page.body, PAGE, "{path}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        let csp = page.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert_eq!(page.header("cache-control"), Some("no-cache"), "{path}");
    }
    // Signed out, a page path gets the sign-in page, as `/` does.
    let signed_out = http(server.port, "GET", "/settings", &[], None);
    assert_eq!(signed_out.status, 401);
    assert_ne!(signed_out.body, PAGE);

    // Root files of the build, typed by name and inert, to anyone (as `/assets/*` is).
    let icon = http(server.port, "GET", "/favicon.ico", &[], None);
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), Some("image/x-icon"));
    assert_eq!(icon.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        icon.header("content-security-policy"),
        Some("default-src 'none'")
    );
    // Icons are kept for a day (the browser asks for one on every thread opened); the rest are
    // revalidated, so an upgrade's copy is used at once.
    assert_eq!(icon.header("cache-control"), Some("public, max-age=86400"));
    let robots = http(server.port, "GET", "/robots.txt", &[], None);
    assert_eq!(robots.status, 200);
    assert_eq!(
        robots.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(robots.body.starts_with("User-agent"));
    assert_eq!(robots.header("cache-control"), Some("no-cache"));

    // The server's own paths stay 404 when nothing is there; other methods too.
    for path in [
        "/api/nothing",
        "/api",
        "/assets/missing.js",
        "/assets/a/b.js",
        "/attachments/a/b",
        "/ws/x",
        "/pairing",
    ] {
        let answer = http(server.port, "GET", path, &with_cookie, None);
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    assert_eq!(
        http(server.port, "POST", "/settings", &with_cookie, None).status,
        404
    );

    // The Host check still runs first.
    let evil = format!("evil.example:{}", server.port);
    for path in ["/settings", "/favicon.ico", "/api/project-favicon?cwd=/tmp"] {
        let answer = http(server.port, "GET", path, &[("Host", evil.as_str())], None);
        assert_eq!(answer.status, 403, "{path}");
    }
}

#[tokio::test]
async fn a_known_projects_favicon_is_served_and_anything_else_is_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let cookie = session_cookie(&server);
    let with_cookie = [("Cookie", cookie.as_str())];

    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("public")).unwrap();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    std::fs::write(project.join("public").join("favicon.svg"), svg).unwrap();
    let bare = dir.path().join("bare");
    std::fs::create_dir_all(&bare).unwrap();
    let unknown = dir.path().join("unknown");
    std::fs::create_dir_all(&unknown).unwrap();
    std::fs::write(unknown.join("favicon.ico"), b"\x00\x00\x01\x00icon").unwrap();
    // A link out of the project is not followed.
    let escaping = dir.path().join("escaping");
    std::fs::create_dir_all(&escaping).unwrap();
    std::os::unix::fs::symlink(unknown.join("favicon.ico"), escaping.join("favicon.ico")).unwrap();

    let mut client = Client::connect_with_headers(&server.url("/ws"), &with_cookie)
        .await
        .unwrap();
    client.welcome().await;
    for (i, root) in [&project, &bare, &escaping].iter().enumerate() {
        let v = client
            .request(json!({"_tag": "orchestration.dispatchCommand", "command":
                {"type": "project.create", "commandId": format!("c{i}"),
                 "projectId": format!("p{i}"), "title": "p",
                 "workspaceRoot": root.to_string_lossy(), "createdAt": "2026-01-01T00:00:00.000Z"}}))
            .await;
        assert!(v["result"]["sequence"].is_u64(), "{v}");
    }

    let url = |cwd: &std::path::Path| format!("/api/project-favicon?cwd={}", cwd.display());
    let icon = http(server.port, "GET", &url(&project), &with_cookie, None);
    assert_eq!(icon.status, 200, "{}", icon.body);
    assert_eq!(icon.body, svg);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
    assert_eq!(icon.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        icon.header("content-security-policy"),
        Some("default-src 'none'")
    );
    // Like an attachment, only to a session.
    assert_eq!(
        http(server.port, "GET", &url(&project), &[], None).status,
        401
    );

    for cwd in [&bare, &unknown, &escaping] {
        let answer = http(server.port, "GET", &url(cwd), &with_cookie, None);
        assert_eq!(answer.status, 404, "{}: {}", cwd.display(), answer.body);
    }
    let relative = http(
        server.port,
        "GET",
        "/api/project-favicon?cwd=project",
        &with_cookie,
        None,
    );
    assert_eq!(relative.status, 404);
    let missing = http(
        server.port,
        "GET",
        "/api/project-favicon",
        &with_cookie,
        None,
    );
    assert_eq!(missing.status, 400);
}
