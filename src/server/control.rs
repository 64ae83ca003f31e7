//! The control socket, `<state dir>/control.sock` (mode 0600, in a 0700 directory): the owner
//! endpoints of `/api/auth` for `t3rs pair` and `t3rs auth`, which run as the same user. Being
//! able to open the socket is the authentication.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use actix_web::{web, App, HttpServer};

use super::auth::ControlSocket;
use super::auth_routes;
use super::session::AppContext;

pub const SOCKET_FILE: &str = "control.sock";

pub fn socket_path(state_dir: &Path) -> PathBuf {
    state_dir.join(SOCKET_FILE)
}

/// Binds the socket (replacing a stale one: the state-dir lock says no other server runs here).
pub fn serve(state_dir: &Path, app: AppContext) -> std::io::Result<actix_web::dev::Server> {
    let path = socket_path(state_dir);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let data = web::Data::new(app);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(ControlSocket)
            .service(auth_routes::routes(true))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .bind_uds(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(server.run())
}
