//! End-to-end tests of DP Code's server methods (dpcode.md §3: `server.getEnvironment`,
//! `server.getDiagnostics`, `server.listWorktrees`, `homeDir`/`worktreesDir` in getConfig and
//! the welcome), its folder browsing under the home directory (§6) and `cause` on errors (§8),
//! against the real binary with a throw-away HOME.

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::{git, Client, Server};
use serde_json::{json, Value};

struct Fixture {
    _dir: tempfile::TempDir,
    /// The canonical home: code/{app,lib}, .dots/, notes.txt, out-link -> outside/.
    home: PathBuf,
    state: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = std::fs::canonicalize(dir.path()).expect("canonical");
    let home = base.join("home");
    for d in ["code/app/src", "code/lib", ".dots/inner", "outside/private"] {
        let parent = if d.starts_with("outside") {
            &base
        } else {
            &home
        };
        std::fs::create_dir_all(parent.join(d)).expect("mkdir");
    }
    std::fs::write(home.join("notes.txt"), "secret file contents").expect("write");
    std::fs::write(home.join("code/app/main.rs"), "fn main() {}").expect("write");
    symlink(base.join("outside"), home.join("out-link")).expect("symlink");
    Fixture {
        _dir: dir,
        state: base.join("state"),
        home,
    }
}

fn start(f: &Fixture, cwd: &Path) -> Server {
    let mut cmd = common::base_command(&f.state);
    cmd.arg("--cwd")
        .arg(cwd)
        .env("HOME", &f.home)
        .env("SHELL", "/bin/bash");
    Server::start_command(cmd)
}

async fn connected(server: &Server) -> (Client, Value) {
    let mut client = Client::connect(&server.url("/ws")).await;
    let welcome = client.welcome().await;
    (client, welcome)
}

fn error_of(reply: &Value) -> &Value {
    assert!(reply.get("result").is_none(), "expected an error: {reply}");
    &reply["error"]
}

#[tokio::test]
async fn the_environment_id_survives_a_restart_and_describes_this_server() {
    let f = fixture();
    let cwd = f.home.join("code");
    let server = start(&f, &cwd);
    let (mut client, _) = connected(&server).await;
    let first = client
        .request(json!({"_tag": "server.getEnvironment"}))
        .await["result"]
        .clone();
    assert_eq!(first["platform"]["os"], "linux", "{first}");
    assert!(["x64", "arm64", "other"].contains(&first["platform"]["arch"].as_str().unwrap_or("")));
    assert_eq!(first["serverVersion"], env!("CARGO_PKG_VERSION"));
    assert!(!first["label"].as_str().unwrap_or("").is_empty());
    assert_eq!(first["capabilities"]["repositoryIdentity"], false);
    assert_eq!(first["capabilities"]["terminalOutputAck"], true);
    let methods = first["capabilities"]["methods"]
        .as_array()
        .expect("methods")
        .clone();
    assert!(methods.contains(&json!("filesystem.browse")), "{methods:?}");
    let id = first["environmentId"].as_str().expect("id").to_string();
    assert!(!id.is_empty());
    drop(client);
    server.stop();

    let server = start(&f, &cwd);
    let (mut client, _) = connected(&server).await;
    let again = client
        .request(json!({"_tag": "server.getEnvironment"}))
        .await;
    assert_eq!(again["result"]["environmentId"], id.as_str());
}

#[tokio::test]
async fn welcome_and_config_name_the_home_and_worktrees_directories() {
    let f = fixture();
    let server = start(&f, &f.home.join("code"));
    let (mut client, welcome) = connected(&server).await;
    let home = f.home.to_string_lossy().into_owned();
    let worktrees = f.state.join("worktrees").to_string_lossy().into_owned();
    assert_eq!(welcome["homeDir"], home.as_str(), "{welcome}");
    assert_eq!(welcome["worktreesDir"], worktrees.as_str());
    // v0.0.4's fields stay as they were.
    assert_eq!(welcome["projectName"], "code");
    let config = client.request(json!({"_tag": "server.getConfig"})).await["result"].clone();
    assert_eq!(config["homeDir"], home.as_str(), "{config}");
    assert_eq!(config["worktreesDir"], worktrees.as_str());
    assert!(
        config["keybindings"].is_array() && config["cwd"].is_string(),
        "{config}"
    );
}

#[tokio::test]
async fn diagnostics_list_the_shells_with_their_rss_and_the_store_state() {
    let f = fixture();
    let cwd = f.home.join("code");
    let server = start(&f, &cwd);
    let (mut client, _) = connected(&server).await;
    let open = json!({"_tag": "terminal.open", "threadId": "d", "terminalId": "t", "cwd": cwd.to_string_lossy()});
    assert!(client.request(open).await.get("result").is_some());
    let write = json!({"_tag": "terminal.write", "threadId": "d", "terminalId": "t", "data": "sleep 123\r"});
    client.request(write).await;
    let deadline = std::time::Instant::now() + common::DEADLINE;
    let report = loop {
        let report = client
            .request(json!({"_tag": "server.getDiagnostics"}))
            .await["result"]
            .clone();
        let listed = report["childProcesses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if listed.iter().any(|c| c["args"] == "sleep 123") || std::time::Instant::now() > deadline {
            break report;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(report["process"]["pid"], server.pid(), "{report}");
    assert!(
        report["process"]["memory"]["rssBytes"]
            .as_u64()
            .unwrap_or(0)
            > 1_000_000
    );
    assert!(report["process"]["uptimeSeconds"].is_u64());
    assert!(report["generatedAt"].is_string());
    let children = report["childProcesses"].as_array().expect("children");
    let sleep = children
        .iter()
        .find(|c| c["args"] == "sleep 123")
        .expect("sleep listed");
    assert!(sleep["rssBytes"].as_u64().unwrap_or(0) > 0, "{sleep}");
    // A grandchild: its parent is the terminal's shell, a child of the server.
    let shell = children
        .iter()
        .find(|c| c["pid"] == sleep["ppid"])
        .expect("its shell listed");
    assert_eq!(shell["ppid"], server.pid(), "{shell}");
    assert!(children.len() <= 80);
    let total: u64 = children
        .iter()
        .map(|c| c["rssBytes"].as_u64().unwrap_or(0))
        .sum();
    assert!(report["childProcessTotalRssBytes"].as_u64().unwrap_or(0) >= total);
    assert!(report["childProcessTotalCount"].as_u64().unwrap_or(0) >= children.len() as u64);
    // The auto-bootstrapped project and thread.
    assert_eq!(
        report["projection"],
        json!({"projectCount": 1, "threadCount": 1})
    );
    assert_eq!(report["store"]["readOnly"], false);
    // History lives in the store; what memory holds of it is the store's cache, bounded by
    // the config (the default here).
    assert_eq!(
        report["history"]["cacheBoundBytes"],
        8 * 1024 * 1024,
        "{report}"
    );
    assert!(
        report["history"]["storeBytesOnDisk"].as_u64().unwrap_or(0) > 0,
        "{report}"
    );
    assert_eq!(report["store"]["readOnlyReason"], Value::Null);
    // The search index's size (issue 18): the one thread's signature and little more.
    let index = &report["searchIndex"];
    assert_eq!(index["threadCount"], 1, "{index}");
    let bytes = index["bytes"].as_u64().unwrap_or(0);
    assert!((2048..8192).contains(&bytes), "{index}");
    assert!(index["building"].is_boolean(), "{index}");
}

#[tokio::test]
async fn list_worktrees_answers_the_projects_linked_worktrees() {
    let f = fixture();
    let repo = f.home.join("code");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(
        &repo,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "one",
        ],
    );
    let linked = f.home.join("wt-feature");
    git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            linked.to_str().unwrap_or_default(),
        ],
    );
    let server = start(&f, &repo);
    let (mut client, welcome) = connected(&server).await;
    let reply = client
        .request(json!({"_tag": "server.listWorktrees"}))
        .await;
    let listed = reply["result"]["worktrees"]
        .as_array()
        .expect("worktrees")
        .clone();
    assert_eq!(
        listed.len(),
        1,
        "only the linked worktree, not the main checkout: {reply}"
    );
    assert_eq!(listed[0]["path"], linked.to_string_lossy().as_ref());
    assert_eq!(listed[0]["workspaceRoot"], repo.to_string_lossy().as_ref());
    assert_eq!(listed[0]["branch"], "feature");
    assert_eq!(listed[0]["threadIds"], json!([]));

    // Threads' worktrees come from the read model: one in the linked worktree joins its entry,
    // one in a directory git does not know is listed on its own, one whose directory is gone
    // is not.
    let project = welcome["bootstrapProjectId"]
        .as_str()
        .expect("bootstrapped")
        .to_string();
    let elsewhere = f.home.join("thread-dir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    for (thread, path) in [
        ("in-linked", linked.clone()),
        ("elsewhere", elsewhere.clone()),
        ("gone", f.home.join("no-such-dir")),
    ] {
        let command = json!({"type": "thread.create", "commandId": format!("c-{thread}"),
            "threadId": thread, "projectId": project, "title": thread, "model": "gpt-5.4",
            "runtimeMode": "full-access", "interactionMode": "default", "branch": "side",
            "worktreePath": path.to_string_lossy(), "createdAt": "2026-01-01T00:00:00.000Z"});
        let reply = client
            .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
            .await;
        assert!(reply.get("result").is_some(), "{reply}");
    }
    let reply = client
        .request(json!({"_tag": "server.listWorktrees"}))
        .await;
    let listed = reply["result"]["worktrees"]
        .as_array()
        .expect("worktrees")
        .clone();
    let paths: Vec<&str> = listed.iter().filter_map(|w| w["path"].as_str()).collect();
    let expected = [
        elsewhere.to_string_lossy().into_owned(),
        linked.to_string_lossy().into_owned(),
    ];
    assert_eq!(
        paths,
        expected.iter().map(String::as_str).collect::<Vec<_>>(),
        "{reply}"
    );
    assert_eq!(listed[0]["threadIds"], json!(["elsewhere"]));
    assert_eq!(listed[0]["branch"], "side");
    assert_eq!(listed[1]["threadIds"], json!(["in-linked"]));
    assert_eq!(listed[1]["branch"], "feature", "git's branch wins");
}

#[tokio::test]
async fn folder_browsing_lists_names_under_home_and_nothing_outside() {
    let f = fixture();
    let server = start(&f, &f.home.join("code"));
    let (mut client, _) = connected(&server).await;
    let home = f.home.to_string_lossy().into_owned();

    let listed = client
        .request(json!({"_tag": "filesystem.browse", "partialPath": "~/"}))
        .await;
    assert_eq!(listed["result"]["parentPath"], home.as_str(), "{listed}");
    let names: Vec<&str> = listed["result"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    // Directories only (no file, no symlink), hidden ones shown after a '/', as DP Code does.
    assert_eq!(names, vec![".dots", "code"]);
    assert!(!listed.to_string().contains("secret file contents"));
    let prefixed = client
        .request(json!({"_tag": "filesystem.browse", "partialPath": format!("{home}/co")}))
        .await;
    assert_eq!(
        prefixed["result"]["entries"],
        json!([{"name": "code", "fullPath": format!("{home}/code")}])
    );

    let dirs = client
        .request(json!({"_tag": "projects.listDirectories", "cwd": "~/code", "depth": 2, "includeFiles": true}))
        .await;
    let paths: Vec<&str> = dirs["result"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        vec!["app", "lib", "app/src", "app/main.rs"],
        "{dirs}"
    );

    let found = client
        .request(json!({"_tag": "projects.searchLocalEntries", "rootPath": home, "query": "main"}))
        .await;
    assert_eq!(
        found["result"]["entries"][0]["path"],
        format!("{home}/code/app/main.rs"),
        "{found}"
    );
    assert_eq!(found["result"]["truncated"], false);

    // Outside home, lexically or through a symlink: refused, and the refusal wraps nothing.
    for request in [
        json!({"_tag": "filesystem.browse", "partialPath": "/etc/"}),
        json!({"_tag": "filesystem.browse", "partialPath": "~/../"}),
        json!({"_tag": "filesystem.browse", "partialPath": "~/out-link/"}),
        json!({"_tag": "projects.listDirectories", "cwd": "/"}),
        json!({"_tag": "projects.listDirectories", "cwd": "~/code", "relativePath": "../.."}),
        json!({"_tag": "projects.searchLocalEntries", "rootPath": "~/out-link", "query": "private"}),
    ] {
        let reply = client.request(request.clone()).await;
        let error = error_of(&reply);
        let message = error["message"].as_str().unwrap_or("");
        assert!(
            message.contains("outside") || message.contains("must stay within"),
            "{request}: {reply}"
        );
        assert!(error.get("cause").is_none(), "{reply}");
    }
}

#[tokio::test]
async fn bad_input_is_named_per_field_without_a_cause() {
    let f = fixture();
    let server = start(&f, &f.home.join("code"));
    let (mut client, _) = connected(&server).await;
    let long = "a".repeat(513);
    for (request, field) in [
        (json!({"_tag": "filesystem.browse"}), "body"),
        (
            json!({"_tag": "filesystem.browse", "partialPath": 7}),
            "body.partialPath",
        ),
        (
            json!({"_tag": "filesystem.browse", "partialPath": " "}),
            "body.partialPath",
        ),
        (
            json!({"_tag": "filesystem.browse", "partialPath": long}),
            "body.partialPath",
        ),
        (
            json!({"_tag": "filesystem.browse", "partialPath": "~/", "cwd": ""}),
            "body.cwd",
        ),
        (
            json!({"_tag": "projects.listDirectories", "cwd": ""}),
            "body.cwd",
        ),
        (
            json!({"_tag": "projects.listDirectories", "cwd": "~", "depth": 0}),
            "body.depth",
        ),
        (
            json!({"_tag": "projects.listDirectories", "cwd": "~", "depth": 33}),
            "body.depth",
        ),
        (
            json!({"_tag": "projects.listDirectories", "cwd": "~", "relativePath": ""}),
            "body.relativePath",
        ),
        (
            json!({"_tag": "projects.listDirectories", "cwd": "~", "includeFiles": 1}),
            "body.includeFiles",
        ),
        (
            json!({"_tag": "projects.searchLocalEntries", "rootPath": "", "query": "a"}),
            "body.rootPath",
        ),
        (
            json!({"_tag": "projects.searchLocalEntries", "rootPath": "~", "query": ""}),
            "body.query",
        ),
        (
            json!({"_tag": "projects.searchLocalEntries", "rootPath": "~", "query": "a", "limit": 101}),
            "body.limit",
        ),
        (
            json!({"_tag": "projects.searchLocalEntries", "rootPath": "~", "query": "a", "includeFiles": "no"}),
            "body.includeFiles",
        ),
        (
            json!({"_tag": "terminal.ackOutput", "threadId": "t", "bytes": 0}),
            "body.bytes",
        ),
        (
            json!({"_tag": "terminal.ackOutput", "threadId": "", "bytes": 1}),
            "body.threadId",
        ),
    ] {
        let reply = client.request(request.clone()).await;
        let error = error_of(&reply);
        let message = error["message"].as_str().unwrap_or("");
        assert!(
            message.contains(&format!("{field}:")) || message.contains(&format!("{field} ")),
            "{request}: {reply}"
        );
        assert!(
            error.get("cause").is_none(),
            "a validation error wraps nothing: {reply}"
        );
    }
    // The connection is still up.
    assert!(client
        .request(json!({"_tag": "server.getEnvironment"}))
        .await
        .get("result")
        .is_some());
}

#[tokio::test]
async fn an_underlying_io_error_is_carried_as_cause() {
    let f = fixture();
    let server = start(&f, &f.home.join("code"));
    let (mut client, _) = connected(&server).await;
    let reply = client
        .request(json!({"_tag": "filesystem.browse", "partialPath": "~/missing/"}))
        .await;
    let error = error_of(&reply);
    assert!(
        error["message"].as_str().unwrap_or("").contains("missing"),
        "{reply}"
    );
    assert!(
        error["cause"]
            .as_str()
            .unwrap_or("")
            .contains("No such file or directory"),
        "{reply}"
    );
    let reply = client
        .request(json!({"_tag": "projects.listDirectories", "cwd": "~/notes.txt"}))
        .await;
    assert!(
        error_of(&reply)["cause"]
            .as_str()
            .unwrap_or("")
            .contains("Not a directory"),
        "{reply}"
    );
}

#[tokio::test]
async fn write_file_wraps_its_io_error_as_cause_and_its_refusals_have_none() {
    let f = fixture();
    let cwd = f.home.join("code");
    let server = start(&f, &cwd);
    let (mut client, _) = connected(&server).await;
    let cwd = cwd.to_string_lossy().into_owned();
    // A file where a directory is needed: the OS refuses, and says why in `cause`.
    let reply = client
        .request(json!({"_tag": "projects.writeFile", "cwd": cwd, "relativePath": "app/main.rs/x", "contents": "x"}))
        .await;
    let error = error_of(&reply);
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Unable to"),
        "{reply}"
    );
    assert!(
        error["cause"]
            .as_str()
            .unwrap_or("")
            .contains("Not a directory"),
        "{reply}"
    );
    let reply = client
        .request(json!({"_tag": "projects.writeFile", "cwd": cwd, "relativePath": "../x", "contents": "x"}))
        .await;
    assert_eq!(
        error_of(&reply)["message"],
        "Workspace file path must stay within the project root."
    );
    assert!(error_of(&reply).get("cause").is_none(), "{reply}");
    let ok = client
        .request(json!({"_tag": "projects.writeFile", "cwd": cwd, "relativePath": "new.txt", "contents": "x"}))
        .await;
    assert_eq!(ok["result"]["relativePath"], "new.txt", "{ok}");
}
