//! Start-up and shutdown. Readiness is strict: the store is open, the actor tree is running and
//! provider status is known before the port is bound, so the first connection already gets a
//! welcome from a ready server. Shutdown closes every socket with 1001, flushes the store and
//! returns within about two seconds.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use t3rs_actors::push_relay::CloseAll;
use t3rs_actors::Ask;
use tokio::signal::unix::{signal, SignalKind};

use crate::auth::hosts::{interface_addresses, HostAllowlist};
use crate::auth::sessions::SessionStore;
use crate::auth::{AuthConfig, AuthService, Policy, Role};
use crate::protocol::welcome::WelcomePayload;
use crate::provider::health::check_codex;
use crate::runtime::engine::{load_state, Checkpoint, LoadError};
use crate::runtime::providers::{ProviderSettings, StopAllSessions};
use crate::runtime::root::{self, RuntimeParts};
use crate::runtime::server_config::GetConfig;
use crate::runtime::settings::{FlagOverrides, SettingsParts, SettingsShare, SETTINGS_FILE};
use crate::runtime::startup;
use crate::runtime::terminals::{self, CloseAllTerminals};
use crate::server::{self, session::AppContext};
use crate::settings::Settings;
use crate::state_dir::StateDirLock;
use crate::store::event_log::EventLog;
use crate::store::guarded_tree::GuardedTree;
use crate::store::health::StoreHealth;
use crate::store::space::DiskSpace;
use crate::store::Store;
use crate::workspace::editors::available_editors;
use open_store::open_store;

mod open_store;

/// `codex --version` answers in well under a second on an idle machine, but a Node launcher
/// starting beside a build on two busy cores has taken over 4 s: a shorter bound reported a
/// working codex as broken. Only a hung CLI waits this long.
const PROVIDER_CHECK_TIMEOUT: Duration = Duration::from_secs(12);
const STOP_TIMEOUT: Duration = Duration::from_millis(1500);
/// How long codex may take to answer one request (starting a conversation is the slow one).
const CODEX_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A start-up line on stdout. Whoever started the server may have closed its end of the pipe
/// (a script that read the port and went on); that must not take the server down.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*).and_then(|()| out.flush());
    }};
}

fn notify_systemd(state: sd_notify::NotifyState<'_>) {
    // Outside systemd NOTIFY_SOCKET is unset and this does nothing.
    if let Err(err) = sd_notify::notify(false, &[state]) {
        log::debug!("sd_notify failed: {err}");
    }
}

fn open_browser(url: &str) {
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !has_display || std::env::var_os("NOTIFY_SOCKET").is_some() {
        return;
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    // Detached, in its own group, without the server's secrets in its environment.
    if let Err(err) = crate::spawn::command(opener).arg(url).spawn_detached() {
        log::info!("could not open a browser ({err}); open {url} yourself");
    }
}

/// The exit status of a store that must not be started as it is (the systemd unit has
/// `RestartPreventExitStatus=78`, so it does not crash-loop): EX_CONFIG.
pub const EXIT_STORE_NEEDS_REPAIR: u8 = 78;

/// An empty log with snapshots of a model at sequence N means the log was lost (`db/` removed
/// or replaced): starting would serve an empty store and later prune the only copy of the
/// model, so start-up refuses and says what it found.
fn snapshots_not_ahead_of_the_log(log: &EventLog, db_existed: bool) -> Result<(), String> {
    let durable = log
        .last_sequence()
        .map_err(|e| format!("cannot read the event log: {e}"))?;
    match log.newest_snapshot_file() {
        Some(snapshot) if durable == 0 && snapshot > 0 => Err(format!(
            "the event log in {} is {} but {} holds a read model at sequence {snapshot}; \
             refusing to start rather than serve an empty store and lose it. Restore db/ from \
             a backup, or run `t3rs doctor --rebuild-from-snapshot` to start a new log from \
             the newest valid snapshot",
            log.snapshot_dir()
                .parent()
                .unwrap_or(log.snapshot_dir())
                .join("db")
                .display(),
            if db_existed { "empty" } else { "missing" },
            log.snapshot_dir().display(),
        )),
        _ => Ok(()),
    }
}

/// Where DP Code's settings are saved, and the binaries the flags set over them.
fn provider_config(settings: &Settings) -> SettingsParts {
    let lossy = |path: &Path| path.to_string_lossy().into_owned();
    let path = settings.state_dir.join(SETTINGS_FILE);
    let overrides = FlagOverrides {
        codex_bin: settings.codex_bin_set.then(|| lossy(&settings.codex_bin)),
        claude_bin: settings.claude_bin.as_deref().map(lossy),
    };
    let share = SettingsShare::new(
        overrides
            .view(&crate::runtime::settings::load(&path))
            .settings,
    );
    SettingsParts {
        path,
        overrides,
        check_timeout: PROVIDER_CHECK_TIMEOUT,
        share,
    }
}

/// Runs the server until SIGTERM/SIGINT. Call inside an actix system.
pub async fn serve(settings: Settings, lock: StateDirLock) -> ExitCode {
    crate::spawn::configure(&settings);
    log::info!(
        "state directory {} (locked via {})",
        settings.state_dir.display(),
        lock.path().display()
    );
    let opening = std::time::Instant::now();
    let db_existed = settings.state_dir.join("db").exists();
    let space = DiskSpace::new(&settings.state_dir, settings.disk_reserve_bytes);
    let store = match open_store(&settings.state_dir, settings.history_cache_bytes, &space) {
        Ok(store) => store,
        Err((err, code)) => {
            eprintln!("t3rs: {err}");
            return ExitCode::from(code);
        }
    };
    let health = StoreHealth::new(space.clone());
    match health.write_block() {
        Some(reason) => log::warn!("starting read-only: {reason}"),
        None => space.ensure_ballast(),
    }
    log::info!("store opened in {:?}", opening.elapsed());
    let log = match EventLog::open(&store) {
        Ok(log) => log,
        Err(err) => {
            eprintln!("t3rs: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(reason) = snapshots_not_ahead_of_the_log(&log, db_existed) {
        eprintln!("t3rs: {reason}");
        return ExitCode::from(EXIT_STORE_NEEDS_REPAIR);
    }
    let terminal_history = match terminals::open_history(&settings.state_dir, store.db()) {
        Ok(tree) => tree,
        Err(err) => {
            eprintln!("t3rs: cannot open the terminal history: {err}");
            return ExitCode::FAILURE;
        }
    };
    let provider_threads = match store.db().open_tree("provider_threads") {
        Ok(tree) => GuardedTree::new(tree, space.clone()),
        Err(err) => {
            eprintln!("t3rs: cannot open the provider thread table: {err}");
            return ExitCode::FAILURE;
        }
    };
    let loaded = std::time::Instant::now();
    let initial_state = match load_state(&log) {
        Ok(state) => state,
        Err(err @ LoadError::LogBehindSnapshot { .. }) => {
            eprintln!("t3rs: {err}");
            return ExitCode::from(EXIT_STORE_NEEDS_REPAIR);
        }
        Err(err) => {
            eprintln!("t3rs: cannot load the event store: {err}");
            return ExitCode::FAILURE;
        }
    };
    // Reads every event beside start-up; damage refuses writes (see `store::verify`).
    crate::store::verify::spawn(log.clone(), health.clone());
    log::info!("read model loaded in {:?}", loaded.elapsed());
    let provider_config = provider_config(&settings);
    // The saved `providers.codex.binaryPath` unless a flag names the binary; later changes
    // reach new sessions through the settings share.
    let effective = provider_config.share.get();
    let codex_bin: std::path::PathBuf = effective
        .provider(crate::protocol::settings::AgentKind::Codex)
        .binary_path
        .into();
    let checking = std::time::Instant::now();
    let codex = check_codex(codex_bin.as_os_str(), PROVIDER_CHECK_TIMEOUT).await;
    log::info!("codex checked in {:?}", checking.elapsed());
    match &codex.message {
        Some(message) => log::warn!("codex: {message}"),
        None => log::info!(
            "codex {} ready",
            codex.version.as_deref().unwrap_or("(unknown version)")
        ),
    }
    let cwd = settings.cwd.to_string_lossy().into_owned();
    let worktrees_root = settings.state_dir.join("worktrees");
    let server_info = crate::runtime::server_info::ServerInfo::load(
        &settings.state_dir,
        &settings.cwd,
        worktrees_root.clone(),
    );
    let (runtime, _arbiters, mut fatal) = root::start(RuntimeParts {
        log,
        initial_state,
        health: health.clone(),
        snapshot_every: settings.snapshot_every,
        push_queue_bytes: settings.push_queue_bytes,
        terminal_history,
        terminal_history_bytes: settings.terminal_history_bytes,
        worktrees_root: worktrees_root.clone(),
        push_queue_limit: settings.push_queue_limit,
        cwd: cwd.clone(),
        keybindings_path: settings.state_dir.join("keybindings.json"),
        providers: vec![codex],
        editors: available_editors(None),
        provider: ProviderSettings {
            codex_bin,
            claude_bin: Some(
                effective
                    .provider(crate::protocol::settings::AgentKind::ClaudeAgent)
                    .binary_path
                    .into(),
            ),
            settings: Some(provider_config.share.clone()),
            codex_env: Vec::new(),
            request_timeout: CODEX_REQUEST_TIMEOUT,
            idle_timeout: settings.provider_idle,
            provider_threads,
            state_dir: settings.state_dir.clone(),
        },
        settings: provider_config,
        server_info: server_info.clone(),
    });
    // Readiness: the config actor is up and its view published before the port opens.
    match runtime.config.send(Ask(GetConfig)).await {
        Ok(Ok(Ok(_))) => {}
        Ok(Ok(Err(err))) => log::warn!("server config: {err}"),
        Ok(Err(err)) => log::warn!("{err}"),
        Err(err) => log::warn!("server config actor: {err}"),
    }
    let mut welcome = WelcomePayload::for_cwd(&cwd);
    welcome.home_dir = server_info
        .home_dir()
        .map(|home| home.to_string_lossy().into_owned());
    welcome.worktrees_dir = Some(worktrees_root.to_string_lossy().into_owned());
    if let Err(err) = startup::settle_sessions_after_restart(&runtime.engine).await {
        // A read-only store (full disk) still serves what it holds; the sessions are settled
        // at the next start that can write.
        if health.write_block().is_none() {
            eprintln!("t3rs: {err}");
            return ExitCode::FAILURE;
        }
        log::warn!("provider sessions not settled after the restart: {err}");
    }
    if settings.auto_bootstrap {
        match startup::bootstrap_project(&runtime.engine, &cwd, &welcome.project_name).await {
            Ok((project_id, thread_id)) => {
                welcome.bootstrap_project_id = Some(project_id);
                welcome.bootstrap_thread_id = Some(thread_id);
            }
            Err(err) if health.write_block().is_some() => {
                log::warn!("no bootstrap project: {err}");
            }
            Err(err) => {
                eprintln!("t3rs: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    let welcome_json = match serde_json::to_string(&welcome) {
        Ok(json) => json,
        Err(err) => {
            eprintln!("t3rs: cannot encode the welcome: {err}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match server::listen(&settings.host, settings.port) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "t3rs: cannot listen on {}:{}: {err}",
                settings.host, settings.port
            );
            return ExitCode::FAILURE;
        }
    };
    let bound = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("t3rs: cannot read the bound address: {err}");
            return ExitCode::FAILURE;
        }
    };
    let auth = match start_auth(&settings, &store, bound.port()) {
        Ok(auth) => Arc::new(auth),
        Err(err) => {
            eprintln!("t3rs: {err}");
            return ExitCode::FAILURE;
        }
    };
    let hosts = HostAllowlist::new(
        &settings.host,
        bound.port(),
        &interface_addresses(),
        settings.allowed_hosts.clone(),
        settings.allow_origins.clone(),
    );
    let app = AppContext {
        runtime: runtime.clone(),
        welcome_json: Arc::new(welcome_json),
        max_message_bytes: settings.max_message_bytes,
        state_dir: Arc::new(settings.state_dir.clone()),
        auth: Arc::clone(&auth),
        pairing_bases: Arc::new(pairing_bases(&settings.host, bound, &hosts)),
        hosts: Arc::new(hosts),
        web_dir: Arc::new(settings.web_dir.clone()),
        max_requests_in_flight: settings.max_requests_in_flight,
        snapshot_frame_bytes: settings.snapshot_frame_bytes,
        connections: server::limits::ConnectionSlots::new(settings.max_connections),
    };
    let server = match server::serve(listener, app.clone()) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("t3rs: cannot serve on {bound}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let handle = server.handle();
    let server_task = actix_rt::spawn(server);
    let control = match server::control::serve(&settings.state_dir, app.clone()) {
        Ok(control) => Some(control),
        Err(err) => {
            log::warn!(
                "no control socket at {} ({err}): `t3rs pair` and `t3rs auth` cannot reach \
                 this server",
                server::control::socket_path(&settings.state_dir).display()
            );
            None
        }
    };
    let control_handle = control.as_ref().map(|c| c.handle());
    let control_task = control.map(actix_rt::spawn);
    let url = format!("http://{bound}");
    // Tests and scripts read this line to learn the port; keep its shape.
    say!("t3rs listening on {url}");
    let wildcard = settings
        .host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified());
    if wildcard || !settings.allowed_hosts.is_empty() {
        say!("  answering to {}", app.hosts.authorities().join(", "));
    }
    if settings.auth_token.is_some() {
        say!("  (the static auth token also admits ?token=<token>)");
    }
    let open_url = if auth.enabled() {
        match auth.issue_pairing(Role::Owner, Some("first browser".into())) {
            Ok(link) => {
                let urls = app.pairing_urls(&link.credential);
                // Scripts read this line for the link; keep its shape.
                for pairing in &urls {
                    say!("  pair a browser (one use, 5 minutes): {pairing}");
                }
                say!("  later: run `t3rs pair` for a new link");
                urls.into_iter().next()
            }
            Err(err) => {
                log::warn!("no pairing link at start: {err}; run `t3rs pair`");
                None
            }
        }
    } else {
        say!("  authentication is OFF (--no-auth): any local program can drive agents");
        Some(url.clone())
    };
    notify_systemd(sd_notify::NotifyState::Ready);
    if !settings.no_browser {
        if let Some(open_url) = open_url {
            open_browser(&open_url);
        }
    }

    let failure = tokio::select! {
        reason = wait_for_stop_signal() => {
            log::info!("{reason}: shutting down");
            None
        }
        raised = wait_for_fatal(&mut fatal) => {
            eprintln!(
                "t3rs: {}; exiting with code {} so the service manager restarts it",
                raised.reason, raised.code
            );
            Some(raised.code)
        }
    };
    notify_systemd(sd_notify::NotifyState::Stopping);
    let closed = tokio::time::timeout(
        STOP_TIMEOUT,
        runtime.bus.send(CloseAll {
            reason: "server shutting down".into(),
        }),
    )
    .await;
    if let Ok(Ok(count)) = closed {
        log::info!("closed {count} connection(s)");
    }
    if tokio::time::timeout(STOP_TIMEOUT, handle.stop(true))
        .await
        .is_err()
    {
        log::warn!("connections still open after {STOP_TIMEOUT:?}; stopping anyway");
    }
    server_task.abort();
    if let Some(control) = control_handle {
        control.stop(false).await;
    }
    if let Some(task) = control_task {
        task.abort();
    }
    let _ = std::fs::remove_file(server::control::socket_path(&settings.state_dir));
    match tokio::time::timeout(STOP_TIMEOUT, runtime.providers.ask(StopAllSessions)).await {
        Ok(Ok(count)) if count > 0 => log::info!("stopped {count} provider session(s)"),
        Ok(_) => {}
        Err(_) => log::warn!("provider sessions still stopping after {STOP_TIMEOUT:?}"),
    }
    // Shells go before the store closes, so their last output is in the saved history.
    match tokio::time::timeout(STOP_TIMEOUT, runtime.terminals.ask(CloseAllTerminals)).await {
        Ok(Ok(count)) if count > 0 => log::info!("closed {count} terminal(s)"),
        Ok(_) => {}
        Err(_) => log::warn!("terminals still closing after {STOP_TIMEOUT:?}"),
    }
    match tokio::time::timeout(STOP_TIMEOUT, runtime.engine.send(Ask(Checkpoint))).await {
        Ok(Ok(Ok(sequence))) => log::info!("snapshot at sequence {sequence}"),
        _ => log::warn!("no final snapshot; the next start replays the log tail"),
    }
    // On a thread of its own, bounded: a store that failed may never return from a flush,
    // and the process must still exit.
    let (flushed_tx, flushed) = std::sync::mpsc::channel();
    let flushing = std::thread::Builder::new()
        .name("final-flush".into())
        .spawn(move || {
            let _ = flushed_tx.send(store.flush().map(|_| ()).map_err(|e| e.to_string()));
        });
    let flushed = match flushing {
        Ok(_) => flushed
            .recv_timeout(STOP_TIMEOUT)
            .unwrap_or_else(|_| Err(format!("no answer within {STOP_TIMEOUT:?}"))),
        Err(err) => Err(format!("cannot start the flush: {err}")),
    };
    match (flushed, failure) {
        (Ok(()), Some(code)) => ExitCode::from(code),
        (Ok(()), None) => ExitCode::SUCCESS,
        (Err(err), failure) => {
            eprintln!("t3rs: flushing the store failed: {err}");
            ExitCode::from(failure.unwrap_or(1))
        }
    }
}

/// The signing key, the session table and the policy; the state directory made private.
fn start_auth(settings: &Settings, store: &Store, port: u16) -> Result<AuthService, String> {
    crate::auth::key::restrict_state_dir(&settings.state_dir).map_err(|e| {
        format!(
            "cannot make the state directory {} private: {e}",
            settings.state_dir.display()
        )
    })?;
    let key = crate::auth::key::load_or_create(&settings.state_dir)?;
    let space = DiskSpace::new(&settings.state_dir, settings.disk_reserve_bytes);
    let sessions = SessionStore::open(store.db(), Some(space))?;
    let policy = if settings.no_auth {
        Policy::UnsafeNoAuth
    } else if crate::settings::is_loopback_host(&settings.host).unwrap_or(false) {
        Policy::LoopbackBrowser
    } else {
        Policy::RemoteReachable
    };
    Ok(AuthService::new(
        key,
        sessions,
        AuthConfig {
            policy,
            port,
            static_token: settings.auth_token.clone(),
            rate_limit: settings.auth_rate_limit,
        },
    ))
}

/// Where a pairing link can be opened: loopback first, then the other addresses and names
/// the server answers to (a phone on the same network or tailnet needs one of those).
fn pairing_bases(host: &str, bound: std::net::SocketAddr, hosts: &HostAllowlist) -> Vec<String> {
    let loopback = if bound.is_ipv6() && host.contains(':') {
        format!("http://[::1]:{}", bound.port())
    } else {
        format!("http://127.0.0.1:{}", bound.port())
    };
    let mut bases = vec![loopback.clone()];
    for authority in hosts.authorities() {
        let base = format!("http://{authority}");
        let local = authority.starts_with("localhost:")
            || authority.starts_with("127.")
            || authority.starts_with("[::1]");
        if !local && !bases.contains(&base) {
            bases.push(base);
        }
    }
    bases
}

/// The reason Root gives when a vital actor is down for good; never returns otherwise.
async fn wait_for_fatal(fatal: &mut root::FatalReceiver) -> root::Fatal {
    match fatal.wait_for(Option::is_some).await {
        Ok(raised) => raised.clone().unwrap_or(root::Fatal {
            reason: String::new(),
            code: root::EXIT_FATAL,
        }),
        // Root is gone without a word: nothing more can be said, so wait for a signal.
        Err(_) => std::future::pending().await,
    }
}

async fn wait_for_stop_signal() -> &'static str {
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        log::error!("cannot install signal handlers; stop with SIGKILL");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}

/// Everything before the actor system: settings, logging, the lock.
pub fn main_with(cli: crate::settings::Cli) -> ExitCode {
    match cli.command {
        Some(crate::settings::Command::Pair(args)) => return crate::control_client::run_pair(args),
        Some(crate::settings::Command::Auth(args)) => return crate::control_client::run_auth(args),
        Some(crate::settings::Command::Doctor(args)) => return crate::doctor::run(args),
        _ => {}
    }
    let settings = match Settings::resolve(cli.serve_args()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("t3rs: {err}");
            return ExitCode::from(2);
        }
    };
    let lock = match StateDirLock::acquire(&settings.state_dir) {
        Ok(lock) => lock,
        Err(err) => {
            eprintln!("t3rs: {err}");
            return ExitCode::FAILURE;
        }
    };
    actix_rt::System::new().block_on(serve(settings, lock))
}
