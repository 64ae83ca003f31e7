//! Test support shared by unit, actor and end-to-end tests: the agent CLIs the Makefile
//! installs (codex, Claude Code, the ACP adapters codex-acp and claude-agent-acp) and the
//! scripted model server from ../shared/tools/fake-model, with the hermetic environments that
//! point each agent at it. Not used by the server itself; it lives in the library so every kind
//! of test can reach the same code.
#![allow(clippy::expect_used, clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// Where the codex CLI the Makefile installs is (or `T3RS_TEST_CODEX`).
pub fn codex_path() -> PathBuf {
    std::env::var_os("T3RS_TEST_CODEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/node_modules/.bin/codex")
        })
}

/// Where the scripted model server is: shared/ beside this repository (or `T3RS_FAKE_MODEL`).
pub fn fake_model_path() -> PathBuf {
    std::env::var_os("T3RS_FAKE_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/tools/fake-model/fake_model.py")
        })
}

/// The real codex CLI, which must be there.
pub fn real_codex() -> PathBuf {
    let path = codex_path();
    assert!(
        path.exists(),
        "codex CLI not found at {}; run `make test` (it installs it) or set T3RS_TEST_CODEX",
        path.display()
    );
    path
}

/// An installed tool: `var` if set, else `.tools/node_modules/.bin/<name>` (where `make agents`
/// puts it).
fn tool_path(var: &str, name: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(".tools/node_modules/.bin")
            .join(name)
    })
}

fn must_exist(path: PathBuf, what: &str, var: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} not found at {}; run `make agents` (`make test` does) or set {var}",
        path.display()
    );
    path
}

/// Where Claude Code (`claude`, the native binary) is (or `T3RS_TEST_CLAUDE`).
pub fn claude_path() -> PathBuf {
    tool_path("T3RS_TEST_CLAUDE", "claude")
}

/// Where the codex ACP adapter is (or `T3RS_TEST_CODEX_ACP`). It is an npm wrapper that starts
/// a native child: kill its process group, not only its pid.
pub fn codex_acp_path() -> PathBuf {
    tool_path("T3RS_TEST_CODEX_ACP", "codex-acp")
}

/// Where the Claude ACP adapter is (or `T3RS_TEST_CLAUDE_AGENT_ACP`); it runs the Claude Agent
/// SDK's own bundled CLI (`cli.js`, with node), not [`claude_path`].
pub fn claude_agent_acp_path() -> PathBuf {
    tool_path("T3RS_TEST_CLAUDE_AGENT_ACP", "claude-agent-acp")
}

/// The real Claude Code CLI, which must be there.
pub fn real_claude() -> PathBuf {
    must_exist(claude_path(), "Claude Code", "T3RS_TEST_CLAUDE")
}

/// The real codex-acp adapter, which must be there.
pub fn real_codex_acp() -> PathBuf {
    must_exist(codex_acp_path(), "codex-acp", "T3RS_TEST_CODEX_ACP")
}

/// The real claude-agent-acp adapter, which must be there.
pub fn real_claude_agent_acp() -> PathBuf {
    must_exist(
        claude_agent_acp_path(),
        "claude-agent-acp",
        "T3RS_TEST_CLAUDE_AGENT_ACP",
    )
}

/// Whether the tests run as root. Claude Code refuses `--dangerously-skip-permissions`
/// (bypassPermissions mode, which claude-agent-acp also asks for when `IS_SANDBOX` is any other
/// non-empty value) as root unless `IS_SANDBOX=1`. t3rs never sets `IS_SANDBOX` (it passes the
/// user's through); [`AgentEnv`] removes an inherited one, and a test that needs bypass mode as
/// root sets `IS_SANDBOX=1` itself, saying why.
pub fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective uid (Linux; this saves a nix feature).
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A hermetic environment for an agent process (or for a t3rs server whose children are
/// agents): what to remove from the inherited environment, then what to set. Built by
/// [`FakeModel::claude_env`] and [`FakeModel::codex_acp_env`].
#[derive(Debug, Clone, Default)]
pub struct AgentEnv {
    /// Names removed: t3rs's own configuration and secrets (the rules of `crate::spawn`, which a
    /// child of t3rs would lose too), every inherited credential or setting of the agent, and
    /// `IS_SANDBOX`.
    pub remove: Vec<OsString>,
    /// Set after the removals.
    pub set: Vec<(OsString, OsString)>,
}

impl AgentEnv {
    /// Removes, from the current process's environment, the variables t3rs never hands a child
    /// and those whose name starts with one of `prefixes` or is one of `names`.
    fn scrubbing(prefixes: &[&str], names: &[&str]) -> AgentEnv {
        let remove = std::env::vars_os()
            .map(|(k, _)| k)
            .filter(|k| {
                let k = k.to_string_lossy();
                crate::spawn::REMOVED_NAMES.contains(&k.as_ref())
                    || names.contains(&k.as_ref())
                    || crate::spawn::REMOVED_PREFIXES
                        .iter()
                        .chain(prefixes)
                        .any(|p| k.starts_with(p))
            })
            .collect();
        AgentEnv {
            remove,
            set: Vec::new(),
        }
    }

    fn with(mut self, key: &str, value: impl Into<OsString>) -> AgentEnv {
        self.set.push((key.into(), value.into()));
        self
    }

    /// Applies it to a command.
    pub fn apply(&self, cmd: &mut std::process::Command) {
        for k in &self.remove {
            cmd.env_remove(k);
        }
        for (k, v) in &self.set {
            cmd.env(k, v);
        }
    }

    /// The value this environment sets for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&OsString> {
        self.set
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// ../shared/tools/fake-model/fake_model.py on a free loopback port, answering from a script;
/// every request it receives is logged to `log`.
pub struct FakeModel {
    child: std::process::Child,
    pub port: u16,
    pub log: PathBuf,
}

impl FakeModel {
    pub fn start(dir: &Path, steps: Value) -> FakeModel {
        FakeModel::start_script(dir, json!({ "steps": steps }))
    }

    /// A whole script: `{steps, side?}` (`side` answers requests that offer no tools, such as
    /// Claude Code's one-shot `-p` calls).
    pub fn start_script(dir: &Path, script_json: Value) -> FakeModel {
        let script = dir.join("model-script.json");
        std::fs::write(&script, script_json.to_string()).expect("script");
        let server = fake_model_path();
        assert!(
            server.exists(),
            "the scripted model server is not at {}; shared/ must sit beside this repository (or set T3RS_FAKE_MODEL)",
            server.display()
        );
        let log = dir.join("model-requests.jsonl");
        let mut child = std::process::Command::new("python3")
            .arg(&server)
            .arg("--script")
            .arg(&script)
            .arg("--port")
            .arg("0")
            .arg("--log")
            .arg(&log)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs the fake model");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("fake model port line");
        let port = line
            .split_whitespace()
            .last()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("fake model did not report its port: {line:?}"));
        FakeModel { child, port, log }
    }

    /// A CODEX_HOME whose config selects this model, with no retries (a scripted failure is
    /// final) and with /tmp outside the sandbox's writable roots, so writes outside the
    /// workspace need approval.
    pub fn codex_home(&self, dir: &Path) -> PathBuf {
        let home = dir.join("codex-home");
        std::fs::create_dir_all(&home).expect("codex home");
        let config = format!(
            "model_provider = \"fake\"\nmodel = \"fake-model\"\n\n\
             [model_providers.fake]\nname = \"fake\"\nbase_url = \"http://127.0.0.1:{}/v1\"\n\
             wire_api = \"responses\"\nenv_key = \"FAKE_KEY\"\nrequest_max_retries = 0\n\
             stream_max_retries = 0\n\n[sandbox_workspace_write]\nexclude_slash_tmp = true\n\
             exclude_tmpdir_env_var = true\n",
            self.port
        );
        std::fs::write(home.join("config.toml"), config).expect("codex config");
        home
    }

    /// Claude Code (and the Claude Agent SDK inside claude-agent-acp) pointed at this model, as
    /// ../shared/tools/fake-model/README.md says: a throw-away `HOME` and `CLAUDE_CONFIG_DIR`
    /// under `dir`, a dummy API key, no auto-updater, no nonessential traffic, no retries (a
    /// scripted HTTP error is final). Every inherited `ANTHROPIC_*` / `CLAUDE_*` variable (OAuth
    /// tokens, Bedrock/Vertex switches, model overrides) and `IS_SANDBOX` are removed.
    pub fn claude_env(&self, dir: &Path) -> AgentEnv {
        let home = dir.join("claude-home");
        let config = home.join(".claude");
        std::fs::create_dir_all(&config).expect("claude config dir");
        AgentEnv::scrubbing(
            &["ANTHROPIC_", "CLAUDE_", "CLAUDECODE", "DEBUG_CLAUDE"],
            &["IS_SANDBOX", "DISABLE_AUTOUPDATER"],
        )
        .with("HOME", home)
        .with("CLAUDE_CONFIG_DIR", config)
        .with(
            "ANTHROPIC_BASE_URL",
            format!("http://127.0.0.1:{}", self.port),
        )
        .with("ANTHROPIC_API_KEY", "dummy")
        .with("DISABLE_AUTOUPDATER", "1")
        .with("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .with("CLAUDE_CODE_MAX_RETRIES", "0")
    }

    /// codex-acp pointed at this model: [`FakeModel::codex_home`] as `CODEX_HOME`, a throw-away
    /// `HOME`, and no inherited `OPENAI_*` / `CODEX_*` variable or `IS_SANDBOX`.
    pub fn codex_acp_env(&self, dir: &Path) -> AgentEnv {
        let home = dir.join("acp-home");
        std::fs::create_dir_all(&home).expect("acp home");
        AgentEnv::scrubbing(&["OPENAI_", "CODEX_"], &["IS_SANDBOX"])
            .with("HOME", home)
            .with("CODEX_HOME", self.codex_home(dir))
            .with("FAKE_KEY", "unused")
    }

    /// The JSON bodies of the requests received so far.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
