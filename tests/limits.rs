//! Bounds a long-running server keeps whatever its clients do.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{Client, ServerBuilder};
use serde_json::json;

fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Threads: line")
}

/// Each workspace root gets a project actor on its own arbiter, at most 64 live; a retired
/// one's thread must end, so asking about many directories keeps the thread count bounded.
#[tokio::test]
async fn retired_project_arbiters_stop() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("work");
    for n in 0..100 {
        let project = cwd.join(format!("p{n}"));
        std::fs::create_dir_all(&project).unwrap();
        std::fs::write(project.join("a.txt"), "a").unwrap();
    }
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--cwd")
        .arg(cwd.to_string_lossy())
        .start();
    let mut client = Client::connect(&server.url("/")).await;
    let mut at_64 = 0;
    for n in 0..100 {
        let project = cwd.join(format!("p{n}")).to_string_lossy().into_owned();
        let v = client
            .request(
                json!({"_tag": "projects.searchEntries", "cwd": project, "query": "a", "limit": 5}),
            )
            .await;
        assert!(v.get("error").is_none(), "{v}");
        if n == 63 {
            at_64 = threads(server.pid());
        }
    }
    // Stopping is asynchronous; give the retired threads a moment to end.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut now = threads(server.pid());
    while now > at_64 + 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        now = threads(server.pid());
    }
    assert!(
        now <= at_64 + 4,
        "threads grew from {at_64} (64 projects) to {now} (100 projects)"
    );
}
