//! Test support shared by unit, actor and end-to-end tests: the codex CLI the Makefile
//! installs and the scripted model server from ../shared/tools/fake-model. Not used by the
//! server itself; it lives in the library so every kind of test can reach the same code.
#![allow(clippy::expect_used, clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

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

/// ../shared/tools/fake-model/fake_model.py on a free loopback port, answering from a script;
/// every request it receives is logged to `log`.
pub struct FakeModel {
    child: std::process::Child,
    pub port: u16,
    pub log: PathBuf,
}

impl FakeModel {
    pub fn start(dir: &Path, steps: Value) -> FakeModel {
        let script = dir.join("model-script.json");
        std::fs::write(&script, json!({ "steps": steps }).to_string()).expect("script");
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
