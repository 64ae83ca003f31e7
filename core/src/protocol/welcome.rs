//! `server.welcome` and `server.configUpdated` payloads.

use serde::Serialize;

use super::keybindings::ServerConfigIssue;
use super::provider_status::ServerProviderStatus;

/// The first push on every connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WelcomePayload {
    pub cwd: String,
    pub project_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap_project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap_thread_id: Option<String>,
    /// DP Code's additions (dpcode.md §3): the server user's home directory (where folder
    /// browsing is confined) and where t3rs creates worktrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worktrees_dir: Option<String>,
}

impl WelcomePayload {
    /// `projectName` is the last path segment of cwd, as T3 Code names it.
    pub fn for_cwd(cwd: &str) -> Self {
        let project_name = cwd
            .split(['/', '\\'])
            .rfind(|s| !s.is_empty())
            .unwrap_or("project")
            .to_string();
        Self {
            cwd: cwd.to_string(),
            project_name,
            bootstrap_project_id: None,
            bootstrap_thread_id: None,
            home_dir: None,
            worktrees_dir: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigUpdatedPayload {
    pub issues: Vec<ServerConfigIssue>,
    pub providers: Vec<ServerProviderStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_name_is_last_segment() {
        assert_eq!(
            WelcomePayload::for_cwd("/home/me/code/app/").project_name,
            "app"
        );
        assert_eq!(WelcomePayload::for_cwd("/").project_name, "project");
        let json = serde_json::to_value(WelcomePayload::for_cwd("/a/b")).unwrap();
        assert_eq!(json, serde_json::json!({"cwd": "/a/b", "projectName": "b"}));
    }
}
