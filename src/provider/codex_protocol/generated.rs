//! codex app-server messages, generated from codex-cli 0.169.0's JSON Schema by `make codex-protocol`
//! (src/provider/codex_protocol/generator). Do not edit: regenerate, and review the diff.
//!
//! Tolerant reader: every field is optional and unknown fields are ignored (see the generator's doc).
#![allow(clippy::large_enum_variant)]

/// The method names t3rs speaks, as this codex spells them.
pub mod method {
    /// ClientRequest `initialize`; params: [`super::InitializeParams`].
    pub const INITIALIZE: &str = "initialize";
    /// ClientRequest `thread/start`; params: [`super::ThreadStartParams`].
    pub const THREAD_START: &str = "thread/start";
    /// ClientRequest `thread/resume`; params: [`super::ThreadResumeParams`].
    pub const THREAD_RESUME: &str = "thread/resume";
    /// ClientRequest `thread/revert`; params: [`super::ThreadRevertParams`].
    pub const THREAD_REVERT: &str = "thread/revert";
    /// ClientRequest `turn/start`; params: [`super::TurnStartParams`].
    pub const TURN_START: &str = "turn/start";
    /// ClientRequest `turn/interrupt`; params: [`super::TurnInterruptParams`].
    pub const TURN_INTERRUPT: &str = "turn/interrupt";
    /// ClientRequest `turn/steer`; params: [`super::TurnSteerParams`].
    pub const TURN_STEER: &str = "turn/steer";
    /// ClientNotification `initialized`; no params.
    pub const INITIALIZED: &str = "initialized";
    /// ServerNotification `turn/started`; params: [`super::TurnStartedNotification`].
    pub const TURN_STARTED: &str = "turn/started";
    /// ServerNotification `turn/completed`; params: [`super::TurnCompletedNotification`].
    pub const TURN_COMPLETED: &str = "turn/completed";
    /// ServerNotification `item/started`; params: [`super::ItemStartedNotification`].
    pub const ITEM_STARTED: &str = "item/started";
    /// ServerNotification `item/completed`; params: [`super::ItemCompletedNotification`].
    pub const ITEM_COMPLETED: &str = "item/completed";
    /// ServerNotification `item/agentMessage/delta`; params: [`super::AgentMessageDeltaNotification`].
    pub const ITEM_AGENT_MESSAGE_DELTA: &str = "item/agentMessage/delta";
    /// ServerNotification `item/plan/delta`; params: [`super::PlanDeltaNotification`].
    pub const ITEM_PLAN_DELTA: &str = "item/plan/delta";
    /// ServerNotification `turn/plan/updated`; params: [`super::TurnPlanUpdatedNotification`].
    pub const TURN_PLAN_UPDATED: &str = "turn/plan/updated";
    /// ServerNotification `thread/tokenUsage/updated`; params: [`super::ThreadTokenUsageUpdatedNotification`].
    pub const THREAD_TOKEN_USAGE_UPDATED: &str = "thread/tokenUsage/updated";
    /// ServerNotification `error`; params: [`super::ErrorNotification`].
    pub const ERROR: &str = "error";
    /// ServerNotification `warning`; params: [`super::WarningNotification`].
    pub const WARNING: &str = "warning";
    /// ServerNotification `configWarning`; params: [`super::ConfigWarningNotification`].
    pub const CONFIG_WARNING: &str = "configWarning";
    /// ServerNotification `deprecationNotice`; params: [`super::DeprecationNoticeNotification`].
    pub const DEPRECATION_NOTICE: &str = "deprecationNotice";
    /// ServerRequest `item/commandExecution/requestApproval`; params: [`super::CommandExecutionRequestApprovalParams`].
    pub const ITEM_COMMAND_EXECUTION_REQUEST_APPROVAL: &str =
        "item/commandExecution/requestApproval";
    /// ServerRequest `item/fileChange/requestApproval`; params: [`super::FileChangeRequestApprovalParams`].
    pub const ITEM_FILE_CHANGE_REQUEST_APPROVAL: &str = "item/fileChange/requestApproval";
    /// ServerRequest `item/tool/requestUserInput`; params: [`super::ToolRequestUserInputParams`].
    pub const ITEM_TOOL_REQUEST_USER_INPUT: &str = "item/tool/requestUserInput";
}

///A path that is guaranteed to be absolute and normalized (though it is not guaranteed to be canonicalized or exist on the filesystem).
///
///IMPORTANT: When deserializing an `AbsolutePathBuf`, a base path must be set using [AbsolutePathBufGuard::new]. If no base path is set, the deserialization will fail unless the path being deserialized is already absolute.
#[derive(
    ::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd,
)]
#[serde(transparent)]
pub struct AbsolutePathBuf(pub ::std::string::String);
impl ::std::ops::Deref for AbsolutePathBuf {
    type Target = ::std::string::String;
    fn deref(&self) -> &::std::string::String {
        &self.0
    }
}
impl ::std::convert::From<AbsolutePathBuf> for ::std::string::String {
    fn from(value: AbsolutePathBuf) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::string::String> for AbsolutePathBuf {
    fn from(value: ::std::string::String) -> Self {
        Self(value)
    }
}
impl ::std::fmt::Display for AbsolutePathBuf {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        self.0.fmt(f)
    }
}
impl ::std::str::FromStr for AbsolutePathBuf {
    type Err = ::std::convert::Infallible;
    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
        Ok(Self(value.to_string()))
    }
}
///`ActivePermissionProfile`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ActivePermissionProfile {
    ///Parent profile identifier from the selected permissions profile's `extends` setting, when present.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub extends: ::std::option::Option<::std::string::String>,
    ///Identifier from `default_permissions` or the implicit built-in default, such as `:workspace` or a user-defined `[permissions.<id>]` profile.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<::std::string::String>,
}
///`ActiveTurnNotSteerableCodexErrorInfoActiveTurnNotSteerable`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ActiveTurnNotSteerableCodexErrorInfoActiveTurnNotSteerable {
    #[serde(
        rename = "turnKind",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_kind: ::std::option::Option<NonSteerableTurnKind>,
}
///`AdditionalContextEntry`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AdditionalContextEntry {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub kind: ::std::option::Option<AdditionalContextKind>,
    ///Optional name for untrusted context, used to label its tool output.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub value: ::std::option::Option<::std::string::String>,
}
///`AdditionalContextKind`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum AdditionalContextKind {
    #[serde(rename = "untrusted")]
    Untrusted,
    #[serde(rename = "application")]
    Application,
}
impl ::std::fmt::Display for AdditionalContextKind {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Untrusted => f.write_str("untrusted"),
            Self::Application => f.write_str("application"),
        }
    }
}
impl ::std::str::FromStr for AdditionalContextKind {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "untrusted" => Ok(Self::Untrusted),
            "application" => Ok(Self::Application),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for AdditionalContextKind {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for AdditionalContextKind {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`AdditionalFileSystemPermissions`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AdditionalFileSystemPermissions {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub entries: ::std::option::Option<::std::vec::Vec<FileSystemSandboxEntry>>,
    #[serde(
        rename = "globScanMaxDepth",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub glob_scan_max_depth: ::std::option::Option<::std::num::NonZeroU32>,
    ///This will be removed in favor of `entries`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub read: ::std::option::Option<::std::vec::Vec<LegacyAppPathString>>,
    ///This will be removed in favor of `entries`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub write: ::std::option::Option<::std::vec::Vec<LegacyAppPathString>>,
}
///`AdditionalNetworkPermissions`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AdditionalNetworkPermissions {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub enabled: ::std::option::Option<bool>,
}
///`AdditionalPermissionProfile`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AdditionalPermissionProfile {
    #[serde(
        rename = "fileSystem",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub file_system: ::std::option::Option<AdditionalFileSystemPermissions>,
    ///Partial overlay used for per-command permission requests.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub network: ::std::option::Option<AdditionalNetworkPermissions>,
}
///`AgentMessageDelivery`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum AgentMessageDelivery {
    #[serde(rename = "async")]
    Async,
}
impl ::std::fmt::Display for AgentMessageDelivery {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Async => f.write_str("async"),
        }
    }
}
impl ::std::str::FromStr for AgentMessageDelivery {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "async" => Ok(Self::Async),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for AgentMessageDelivery {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for AgentMessageDelivery {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`AgentMessageDeltaNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AgentMessageDeltaNotification {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub delta: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "itemId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub item_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///A presentation instruction for Chat to apply to this answer when recovering history.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AgentMessageDisplay {
    ///Unknown actions must be left for the producing client to handle.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub action: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "blockType",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub block_type: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "checkTrustedContacts",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub check_trusted_contacts: ::std::option::Option<bool>,
    #[serde(
        rename = "cyberTrustedAccess",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub cyber_trusted_access: ::std::option::Option<bool>,
}
///`AgentMessageInputContent`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum AgentMessageInputContent {
    ///InputTextAgentMessageInputContent
    #[serde(rename = "input_text")]
    InputText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///EncryptedContentAgentMessageInputContent
    #[serde(rename = "encrypted_content")]
    EncryptedContent {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
    },
}
///`AgentMessageModeration`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AgentMessageModeration {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub display: ::std::option::Option<AgentMessageDisplay>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub moderated: ::std::option::Option<bool>,
}
///`AgentPath`
#[derive(
    ::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd,
)]
#[serde(transparent)]
pub struct AgentPath(pub ::std::string::String);
impl ::std::ops::Deref for AgentPath {
    type Target = ::std::string::String;
    fn deref(&self) -> &::std::string::String {
        &self.0
    }
}
impl ::std::convert::From<AgentPath> for ::std::string::String {
    fn from(value: AgentPath) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::string::String> for AgentPath {
    fn from(value: ::std::string::String) -> Self {
        Self(value)
    }
}
impl ::std::fmt::Display for AgentPath {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        self.0.fmt(f)
    }
}
impl ::std::str::FromStr for AgentPath {
    type Err = ::std::convert::Infallible;
    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
        Ok(Self(value.to_string()))
    }
}
///Configures who approval requests are routed to for review. Examples include sandbox escapes, blocked network access, MCP approval prompts, and ARC escalations. Defaults to `user`. `auto_review` uses a carefully prompted subagent to gather relevant context and apply a risk-based decision framework before approving or denying the request. The legacy value `guardian_subagent` is accepted for compatibility.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ApprovalsReviewer {
    #[serde(rename = "user")]
    User,
    #[serde(rename = "auto_review")]
    AutoReview,
    #[serde(rename = "guardian_subagent")]
    GuardianSubagent,
}
impl ::std::fmt::Display for ApprovalsReviewer {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::User => f.write_str("user"),
            Self::AutoReview => f.write_str("auto_review"),
            Self::GuardianSubagent => f.write_str("guardian_subagent"),
        }
    }
}
impl ::std::str::FromStr for ApprovalsReviewer {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "user" => Ok(Self::User),
            "auto_review" => Ok(Self::AutoReview),
            "guardian_subagent" => Ok(Self::GuardianSubagent),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ApprovalsReviewer {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ApprovalsReviewer {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`AskForApproval`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub enum AskForApproval {
    #[serde(rename = "untrusted")]
    Untrusted,
    #[serde(rename = "on-request")]
    OnRequest,
    #[serde(rename = "never")]
    Never,
    #[serde(rename = "granular")]
    Granular {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        mcp_elicitations: ::std::option::Option<bool>,
        #[serde(default)]
        request_permissions: bool,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        rules: ::std::option::Option<bool>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        sandbox_approval: ::std::option::Option<bool>,
        #[serde(default)]
        skill_approval: bool,
    },
}
///`AsyncUserInputQuestion`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AsyncUserInputQuestion {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub options: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub title: ::std::option::Option<::std::string::String>,
}
///`ByteRange`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ByteRange {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub end: ::std::option::Option<u32>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub start: ::std::option::Option<u32>,
}
///Location used to resolve a selected capability root.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum CapabilityRootLocation {
    ///EnvironmentCapabilityRootLocation
    ///
    ///A path owned by an execution environment.
    #[serde(rename = "environment")]
    Environment {
        #[serde(
            rename = "environmentId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        environment_id: ::std::option::Option<::std::string::String>,
        ///Absolute path for the root in the selected environment.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
    },
}
///`ClientInfo`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ClientInfo {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub title: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub version: ::std::option::Option<::std::string::String>,
}
///This translation layer make sure that we expose codex error code in camel case.
///
///When an upstream HTTP status is available (for example, from the Responses API or a provider), it is forwarded in `httpStatusCode` on the relevant `codexErrorInfo` variant.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(untagged, deny_unknown_fields)]
pub enum CodexErrorInfo {
    Variant0(CodexErrorInfoVariant0),
    Variant1(CodexErrorInfoVariant1),
    Variant2 {
        #[serde(rename = "httpConnectionFailed")]
        http_connection_failed: HttpConnectionFailedCodexErrorInfoHttpConnectionFailed,
    },
    Variant3 {
        #[serde(rename = "responseStreamConnectionFailed")]
        response_stream_connection_failed:
            ResponseStreamConnectionFailedCodexErrorInfoResponseStreamConnectionFailed,
    },
    Variant4 {
        #[serde(rename = "responseStreamDisconnected")]
        response_stream_disconnected:
            ResponseStreamDisconnectedCodexErrorInfoResponseStreamDisconnected,
    },
    Variant5 {
        #[serde(rename = "responseTooManyFailedAttempts")]
        response_too_many_failed_attempts:
            ResponseTooManyFailedAttemptsCodexErrorInfoResponseTooManyFailedAttempts,
    },
    Variant6 {
        #[serde(rename = "activeTurnNotSteerable")]
        active_turn_not_steerable: ActiveTurnNotSteerableCodexErrorInfoActiveTurnNotSteerable,
    },
    Variant7(CodexErrorInfoVariant7),
}
impl ::std::convert::From<CodexErrorInfoVariant0> for CodexErrorInfo {
    fn from(value: CodexErrorInfoVariant0) -> Self {
        Self::Variant0(value)
    }
}
impl ::std::convert::From<CodexErrorInfoVariant1> for CodexErrorInfo {
    fn from(value: CodexErrorInfoVariant1) -> Self {
        Self::Variant1(value)
    }
}
impl ::std::convert::From<CodexErrorInfoVariant7> for CodexErrorInfo {
    fn from(value: CodexErrorInfoVariant7) -> Self {
        Self::Variant7(value)
    }
}
///`CodexErrorInfoVariant0`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CodexErrorInfoVariant0 {
    #[serde(rename = "contextWindowExceeded")]
    ContextWindowExceeded,
    #[serde(rename = "sessionBudgetExceeded")]
    SessionBudgetExceeded,
    #[serde(rename = "usageLimitExceeded")]
    UsageLimitExceeded,
    #[serde(rename = "rateLimitExceeded")]
    RateLimitExceeded,
    #[serde(rename = "flexUnavailable")]
    FlexUnavailable,
    #[serde(rename = "serverOverloaded")]
    ServerOverloaded,
    #[serde(rename = "modelNotFound")]
    ModelNotFound,
    #[serde(rename = "policyCapacityUnavailable")]
    PolicyCapacityUnavailable,
    #[serde(rename = "cyberPolicy")]
    CyberPolicy,
    #[serde(rename = "misalignmentPolicyViolation")]
    MisalignmentPolicyViolation,
    #[serde(rename = "tooManyDenials")]
    TooManyDenials,
    #[serde(rename = "internalServerError")]
    InternalServerError,
    #[serde(rename = "unauthorized")]
    Unauthorized,
    #[serde(rename = "badRequest")]
    BadRequest,
    #[serde(rename = "threadRollbackFailed")]
    ThreadRollbackFailed,
    #[serde(rename = "sandboxError")]
    SandboxError,
    #[serde(rename = "other")]
    Other,
}
impl ::std::fmt::Display for CodexErrorInfoVariant0 {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::ContextWindowExceeded => f.write_str("contextWindowExceeded"),
            Self::SessionBudgetExceeded => f.write_str("sessionBudgetExceeded"),
            Self::UsageLimitExceeded => f.write_str("usageLimitExceeded"),
            Self::RateLimitExceeded => f.write_str("rateLimitExceeded"),
            Self::FlexUnavailable => f.write_str("flexUnavailable"),
            Self::ServerOverloaded => f.write_str("serverOverloaded"),
            Self::ModelNotFound => f.write_str("modelNotFound"),
            Self::PolicyCapacityUnavailable => f.write_str("policyCapacityUnavailable"),
            Self::CyberPolicy => f.write_str("cyberPolicy"),
            Self::MisalignmentPolicyViolation => f.write_str("misalignmentPolicyViolation"),
            Self::TooManyDenials => f.write_str("tooManyDenials"),
            Self::InternalServerError => f.write_str("internalServerError"),
            Self::Unauthorized => f.write_str("unauthorized"),
            Self::BadRequest => f.write_str("badRequest"),
            Self::ThreadRollbackFailed => f.write_str("threadRollbackFailed"),
            Self::SandboxError => f.write_str("sandboxError"),
            Self::Other => f.write_str("other"),
        }
    }
}
impl ::std::str::FromStr for CodexErrorInfoVariant0 {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "contextWindowExceeded" => Ok(Self::ContextWindowExceeded),
            "sessionBudgetExceeded" => Ok(Self::SessionBudgetExceeded),
            "usageLimitExceeded" => Ok(Self::UsageLimitExceeded),
            "rateLimitExceeded" => Ok(Self::RateLimitExceeded),
            "flexUnavailable" => Ok(Self::FlexUnavailable),
            "serverOverloaded" => Ok(Self::ServerOverloaded),
            "modelNotFound" => Ok(Self::ModelNotFound),
            "policyCapacityUnavailable" => Ok(Self::PolicyCapacityUnavailable),
            "cyberPolicy" => Ok(Self::CyberPolicy),
            "misalignmentPolicyViolation" => Ok(Self::MisalignmentPolicyViolation),
            "tooManyDenials" => Ok(Self::TooManyDenials),
            "internalServerError" => Ok(Self::InternalServerError),
            "unauthorized" => Ok(Self::Unauthorized),
            "badRequest" => Ok(Self::BadRequest),
            "threadRollbackFailed" => Ok(Self::ThreadRollbackFailed),
            "sandboxError" => Ok(Self::SandboxError),
            "other" => Ok(Self::Other),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CodexErrorInfoVariant0 {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CodexErrorInfoVariant0 {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///The workspace's inference hook explicitly denied this request.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CodexErrorInfoVariant1 {
    #[serde(rename = "inferenceHookDenied")]
    InferenceHookDenied,
}
impl ::std::fmt::Display for CodexErrorInfoVariant1 {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::InferenceHookDenied => f.write_str("inferenceHookDenied"),
        }
    }
}
impl ::std::str::FromStr for CodexErrorInfoVariant1 {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inferenceHookDenied" => Ok(Self::InferenceHookDenied),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CodexErrorInfoVariant1 {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CodexErrorInfoVariant1 {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`CodexErrorInfoVariant7`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum CodexErrorInfoVariant7 {
    String(::std::string::String),
    Object(::serde_json::Map<::std::string::String, ::serde_json::Value>),
}
impl ::std::convert::From<::serde_json::Map<::std::string::String, ::serde_json::Value>>
    for CodexErrorInfoVariant7
{
    fn from(value: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> Self {
        Self::Object(value)
    }
}
///`CollabAgentState`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CollabAgentState {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<CollabAgentStatus>,
}
///`CollabAgentStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CollabAgentStatus {
    #[serde(rename = "pendingInit")]
    PendingInit,
    #[serde(rename = "running")]
    Running,
    #[serde(rename = "interrupted")]
    Interrupted,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "errored")]
    Errored,
    #[serde(rename = "shutdown")]
    Shutdown,
    #[serde(rename = "notFound")]
    NotFound,
}
impl ::std::fmt::Display for CollabAgentStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::PendingInit => f.write_str("pendingInit"),
            Self::Running => f.write_str("running"),
            Self::Interrupted => f.write_str("interrupted"),
            Self::Completed => f.write_str("completed"),
            Self::Errored => f.write_str("errored"),
            Self::Shutdown => f.write_str("shutdown"),
            Self::NotFound => f.write_str("notFound"),
        }
    }
}
impl ::std::str::FromStr for CollabAgentStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "pendingInit" => Ok(Self::PendingInit),
            "running" => Ok(Self::Running),
            "interrupted" => Ok(Self::Interrupted),
            "completed" => Ok(Self::Completed),
            "errored" => Ok(Self::Errored),
            "shutdown" => Ok(Self::Shutdown),
            "notFound" => Ok(Self::NotFound),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CollabAgentStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CollabAgentStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`CollabAgentTool`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CollabAgentTool {
    #[serde(rename = "spawnAgent")]
    SpawnAgent,
    #[serde(rename = "sendInput")]
    SendInput,
    #[serde(rename = "resumeAgent")]
    ResumeAgent,
    #[serde(rename = "wait")]
    Wait,
    #[serde(rename = "closeAgent")]
    CloseAgent,
    #[serde(rename = "sendMessage")]
    SendMessage,
    #[serde(rename = "followupTask")]
    FollowupTask,
    #[serde(rename = "interruptAgent")]
    InterruptAgent,
    #[serde(rename = "listAgents")]
    ListAgents,
}
impl ::std::fmt::Display for CollabAgentTool {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::SpawnAgent => f.write_str("spawnAgent"),
            Self::SendInput => f.write_str("sendInput"),
            Self::ResumeAgent => f.write_str("resumeAgent"),
            Self::Wait => f.write_str("wait"),
            Self::CloseAgent => f.write_str("closeAgent"),
            Self::SendMessage => f.write_str("sendMessage"),
            Self::FollowupTask => f.write_str("followupTask"),
            Self::InterruptAgent => f.write_str("interruptAgent"),
            Self::ListAgents => f.write_str("listAgents"),
        }
    }
}
impl ::std::str::FromStr for CollabAgentTool {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "spawnAgent" => Ok(Self::SpawnAgent),
            "sendInput" => Ok(Self::SendInput),
            "resumeAgent" => Ok(Self::ResumeAgent),
            "wait" => Ok(Self::Wait),
            "closeAgent" => Ok(Self::CloseAgent),
            "sendMessage" => Ok(Self::SendMessage),
            "followupTask" => Ok(Self::FollowupTask),
            "interruptAgent" => Ok(Self::InterruptAgent),
            "listAgents" => Ok(Self::ListAgents),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CollabAgentTool {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CollabAgentTool {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`CollabAgentToolCallStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CollabAgentToolCallStatus {
    #[serde(rename = "inProgress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
    #[serde(rename = "interrupted")]
    Interrupted,
}
impl ::std::fmt::Display for CollabAgentToolCallStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::InProgress => f.write_str("inProgress"),
            Self::Completed => f.write_str("completed"),
            Self::Failed => f.write_str("failed"),
            Self::Interrupted => f.write_str("interrupted"),
        }
    }
}
impl ::std::str::FromStr for CollabAgentToolCallStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inProgress" => Ok(Self::InProgress),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            "interrupted" => Ok(Self::Interrupted),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CollabAgentToolCallStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CollabAgentToolCallStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///Collaboration mode for a Codex session.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CollaborationMode {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub mode: ::std::option::Option<ModeKind>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub settings: ::std::option::Option<Settings>,
}
///`CommandAction`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum CommandAction {
    ///ReadCommandAction
    #[serde(rename = "read")]
    Read {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        command: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<LegacyAppPathString>,
    },
    ///ListFilesCommandAction
    #[serde(rename = "listFiles")]
    ListFiles {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        command: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
    },
    ///SearchCommandAction
    #[serde(rename = "search")]
    Search {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        command: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        query: ::std::option::Option<::std::string::String>,
    },
    ///UnknownCommandAction
    #[serde(rename = "unknown")]
    Unknown {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        command: ::std::option::Option<::std::string::String>,
    },
}
///`CommandExecutionApprovalDecision`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub enum CommandExecutionApprovalDecision {
    ///User approved the command.
    #[serde(rename = "accept")]
    Accept,
    ///User approved the command and future prompts in the same session-scoped approval cache should run without prompting.
    #[serde(rename = "acceptForSession")]
    AcceptForSession,
    ///User approved the command, and wants to apply the proposed execpolicy amendment so future matching commands can run without prompting.
    #[serde(rename = "acceptWithExecpolicyAmendment")]
    AcceptWithExecpolicyAmendment {
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        execpolicy_amendment: ::std::vec::Vec<::std::string::String>,
    },
    ///User chose a persistent network policy rule (allow/deny) for this host.
    #[serde(rename = "applyNetworkPolicyAmendment")]
    ApplyNetworkPolicyAmendment {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        network_policy_amendment: ::std::option::Option<NetworkPolicyAmendment>,
    },
    ///User denied the command. The agent will continue the turn.
    #[serde(rename = "decline")]
    Decline,
    ///User denied the command. The turn will also be immediately interrupted.
    #[serde(rename = "cancel")]
    Cancel,
}
///Distinguishes a command approval from input sent to an existing terminal.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CommandExecutionApprovalKind {
    #[serde(rename = "command")]
    Command,
    #[serde(rename = "writeStdin")]
    WriteStdin,
    ///A managed checkpoint requiring a fresh human decision. Only `accept`, `decline`, and `cancel` are valid. Requires the `requiredHumanApproval` initialize capability. This prompt does not itself start a command execution item.
    #[serde(rename = "humanCommand")]
    HumanCommand,
}
impl ::std::fmt::Display for CommandExecutionApprovalKind {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Command => f.write_str("command"),
            Self::WriteStdin => f.write_str("writeStdin"),
            Self::HumanCommand => f.write_str("humanCommand"),
        }
    }
}
impl ::std::str::FromStr for CommandExecutionApprovalKind {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "command" => Ok(Self::Command),
            "writeStdin" => Ok(Self::WriteStdin),
            "humanCommand" => Ok(Self::HumanCommand),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CommandExecutionApprovalKind {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CommandExecutionApprovalKind {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`CommandExecutionRequestApprovalParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct CommandExecutionRequestApprovalParams {
    ///Optional additional permissions requested for this command.
    #[serde(
        rename = "additionalPermissions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub additional_permissions: ::std::option::Option<AdditionalPermissionProfile>,
    ///Unique identifier for this specific approval callback.
    ///
    ///For regular shell/unified_exec approvals, this is null.
    ///
    ///For zsh-exec-bridge subcommand approvals, multiple callbacks can belong to one parent `itemId`, so `approvalId` is a distinct opaque callback id (a UUID) used to disambiguate routing. Stdin approvals also use a distinct callback id; inspect `kind` to distinguish them.
    #[serde(
        rename = "approvalId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approval_id: ::std::option::Option<::std::string::String>,
    ///Ordered list of decisions the client may present for this prompt.
    #[serde(
        rename = "availableDecisions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub available_decisions:
        ::std::option::Option<::std::vec::Vec<CommandExecutionApprovalDecision>>,
    ///The command to be executed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub command: ::std::option::Option<::std::string::String>,
    ///Best-effort parsed command actions for friendly display.
    #[serde(
        rename = "commandActions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub command_actions: ::std::option::Option<::std::vec::Vec<CommandAction>>,
    ///The command's working directory.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<LegacyAppPathString>,
    ///Environment in which the command will run.
    #[serde(
        rename = "environmentId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub environment_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "itemId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub item_id: ::std::option::Option<::std::string::String>,
    ///Kind of action under review. Defaults to `command` for older servers.
    #[serde(default = "defaults::command_execution_request_approval_params_kind")]
    pub kind: CommandExecutionApprovalKind,
    ///Optional context for a managed-network approval prompt.
    #[serde(
        rename = "networkApprovalContext",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub network_approval_context: ::std::option::Option<NetworkApprovalContext>,
    ///Optional proposed execpolicy amendment to allow similar commands without prompting.
    #[serde(
        rename = "proposedExecpolicyAmendment",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub proposed_execpolicy_amendment:
        ::std::option::Option<::std::vec::Vec<::std::string::String>>,
    ///Optional proposed network policy amendments (allow/deny host) for future requests.
    #[serde(
        rename = "proposedNetworkPolicyAmendments",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub proposed_network_policy_amendments:
        ::std::option::Option<::std::vec::Vec<NetworkPolicyAmendment>>,
    ///Optional explanatory reason (e.g. request for network access).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub reason: ::std::option::Option<::std::string::String>,
    ///Unix timestamp (in milliseconds) when this approval request started.
    #[serde(
        rename = "startedAtMs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub started_at_ms: ::std::option::Option<i64>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
impl ::std::default::Default for CommandExecutionRequestApprovalParams {
    fn default() -> Self {
        Self {
            additional_permissions: Default::default(),
            approval_id: Default::default(),
            available_decisions: Default::default(),
            command: Default::default(),
            command_actions: Default::default(),
            cwd: Default::default(),
            environment_id: Default::default(),
            item_id: Default::default(),
            kind: defaults::command_execution_request_approval_params_kind(),
            network_approval_context: Default::default(),
            proposed_execpolicy_amendment: Default::default(),
            proposed_network_policy_amendments: Default::default(),
            reason: Default::default(),
            started_at_ms: Default::default(),
            thread_id: Default::default(),
            turn_id: Default::default(),
        }
    }
}
///`CommandExecutionRequestApprovalResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CommandExecutionRequestApprovalResponse {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub decision: ::std::option::Option<CommandExecutionApprovalDecision>,
}
///`CommandExecutionSource`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CommandExecutionSource {
    #[serde(rename = "agent")]
    Agent,
    #[serde(rename = "userShell")]
    UserShell,
    #[serde(rename = "unifiedExecStartup")]
    UnifiedExecStartup,
    #[serde(rename = "unifiedExecInteraction")]
    UnifiedExecInteraction,
}
impl ::std::fmt::Display for CommandExecutionSource {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Agent => f.write_str("agent"),
            Self::UserShell => f.write_str("userShell"),
            Self::UnifiedExecStartup => f.write_str("unifiedExecStartup"),
            Self::UnifiedExecInteraction => f.write_str("unifiedExecInteraction"),
        }
    }
}
impl ::std::str::FromStr for CommandExecutionSource {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "agent" => Ok(Self::Agent),
            "userShell" => Ok(Self::UserShell),
            "unifiedExecStartup" => Ok(Self::UnifiedExecStartup),
            "unifiedExecInteraction" => Ok(Self::UnifiedExecInteraction),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CommandExecutionSource {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CommandExecutionSource {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`CommandExecutionStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CommandExecutionStatus {
    #[serde(rename = "inProgress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
    #[serde(rename = "declined")]
    Declined,
}
impl ::std::fmt::Display for CommandExecutionStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::InProgress => f.write_str("inProgress"),
            Self::Completed => f.write_str("completed"),
            Self::Failed => f.write_str("failed"),
            Self::Declined => f.write_str("declined"),
        }
    }
}
impl ::std::str::FromStr for CommandExecutionStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inProgress" => Ok(Self::InProgress),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            "declined" => Ok(Self::Declined),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CommandExecutionStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CommandExecutionStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`ConfigWarningNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ConfigWarningNotification {
    ///Optional extra guidance or error details.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub details: ::std::option::Option<::std::string::String>,
    ///Optional path to the config file that triggered the warning.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<::std::string::String>,
    ///Optional range for the error location inside the config file.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub range: ::std::option::Option<TextRange>,
    ///Concise summary of the warning.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub summary: ::std::option::Option<::std::string::String>,
}
///Reasoning settings interpreted by the backend for the routed model.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ConfigurationReasoning {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub effort: ::std::option::Option<ReasoningEffort>,
}
///`ContentItem`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ContentItem {
    ///InputTextContentItem
    #[serde(rename = "input_text")]
    InputText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///InputImageContentItem
    #[serde(rename = "input_image")]
    InputImage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        detail: ::std::option::Option<ImageDetail>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        file_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        image_url: ::std::option::Option<::std::string::String>,
    },
    ///InputAudioContentItem
    ///
    ///Inline audio data or an uploaded file loaded by the Responses API.
    #[serde(rename = "input_audio")]
    InputAudio {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        audio_url: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        file_id: ::std::option::Option<::std::string::String>,
    },
    ///OutputTextContentItem
    #[serde(rename = "output_text")]
    OutputText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        annotations: ::std::option::Option<::std::vec::Vec<::serde_json::Value>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        logprobs: ::std::option::Option<::std::vec::Vec<::serde_json::Value>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
}
///Requested cyber treatment for an OpenAI model turn. Authorization and model-tier restrictions remain server-owned.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum CyberAccessProgram {
    #[serde(rename = "standard")]
    Standard,
    #[serde(rename = "daybreakBlue")]
    DaybreakBlue,
    #[serde(rename = "daybreakRed")]
    DaybreakRed,
}
impl ::std::fmt::Display for CyberAccessProgram {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Standard => f.write_str("standard"),
            Self::DaybreakBlue => f.write_str("daybreakBlue"),
            Self::DaybreakRed => f.write_str("daybreakRed"),
        }
    }
}
impl ::std::str::FromStr for CyberAccessProgram {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "standard" => Ok(Self::Standard),
            "daybreakBlue" => Ok(Self::DaybreakBlue),
            "daybreakRed" => Ok(Self::DaybreakRed),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for CyberAccessProgram {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for CyberAccessProgram {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`DeprecationNoticeNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct DeprecationNoticeNotification {
    ///Optional extra guidance, such as migration steps or rationale.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub details: ::std::option::Option<::std::string::String>,
    ///Concise summary of what is deprecated.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub summary: ::std::option::Option<::std::string::String>,
}
///`DynamicToolCallOutputContentItem`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum DynamicToolCallOutputContentItem {
    ///InputTextDynamicToolCallOutputContentItem
    #[serde(rename = "inputText")]
    InputText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///InputImageDynamicToolCallOutputContentItem
    #[serde(rename = "inputImage")]
    InputImage {
        #[serde(
            rename = "imageUrl",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        image_url: ::std::option::Option<::std::string::String>,
    },
    ///InputAudioDynamicToolCallOutputContentItem
    #[serde(rename = "inputAudio")]
    InputAudio {
        #[serde(
            rename = "audioUrl",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        audio_url: ::std::option::Option<::std::string::String>,
    },
}
///`DynamicToolCallStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum DynamicToolCallStatus {
    #[serde(rename = "inProgress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
}
impl ::std::fmt::Display for DynamicToolCallStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::InProgress => f.write_str("inProgress"),
            Self::Completed => f.write_str("completed"),
            Self::Failed => f.write_str("failed"),
        }
    }
}
impl ::std::str::FromStr for DynamicToolCallStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inProgress" => Ok(Self::InProgress),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for DynamicToolCallStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for DynamicToolCallStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`DynamicToolNamespaceTool`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum DynamicToolNamespaceTool {
    ///FunctionDynamicToolNamespaceTool
    #[serde(rename = "function")]
    Function {
        #[serde(
            rename = "deferLoading",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        defer_loading: ::std::option::Option<bool>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        description: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "inputSchema",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        input_schema: ::std::option::Option<::serde_json::Value>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
    },
}
///`DynamicToolSpec`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum DynamicToolSpec {
    ///FunctionDynamicToolSpec
    #[serde(rename = "function")]
    Function {
        #[serde(
            rename = "deferLoading",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        defer_loading: ::std::option::Option<bool>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        description: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "inputSchema",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        input_schema: ::std::option::Option<::serde_json::Value>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
    },
    ///NamespaceDynamicToolSpec
    #[serde(rename = "namespace")]
    Namespace {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        description: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        tools: ::std::vec::Vec<DynamicToolNamespaceTool>,
    },
}
///`ErrorNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ErrorNotification {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub error: ::std::option::Option<TurnError>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "willRetry",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub will_retry: ::std::option::Option<bool>,
}
///`FileChangeApprovalDecision`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum FileChangeApprovalDecision {
    ///User approved the file changes.
    #[serde(rename = "accept")]
    Accept,
    ///User approved the file changes and future changes to the same files should run without prompting.
    #[serde(rename = "acceptForSession")]
    AcceptForSession,
    ///User denied the file changes. The agent will continue the turn.
    #[serde(rename = "decline")]
    Decline,
    ///User denied the file changes. The turn will also be immediately interrupted.
    #[serde(rename = "cancel")]
    Cancel,
}
impl ::std::fmt::Display for FileChangeApprovalDecision {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Accept => f.write_str("accept"),
            Self::AcceptForSession => f.write_str("acceptForSession"),
            Self::Decline => f.write_str("decline"),
            Self::Cancel => f.write_str("cancel"),
        }
    }
}
impl ::std::str::FromStr for FileChangeApprovalDecision {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "accept" => Ok(Self::Accept),
            "acceptForSession" => Ok(Self::AcceptForSession),
            "decline" => Ok(Self::Decline),
            "cancel" => Ok(Self::Cancel),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for FileChangeApprovalDecision {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for FileChangeApprovalDecision {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`FileChangeRequestApprovalParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct FileChangeRequestApprovalParams {
    ///[UNSTABLE] When set, the agent is asking the user to allow writes under this root for the remainder of the session (unclear if this is honored today).
    #[serde(
        rename = "grantRoot",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub grant_root: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "itemId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub item_id: ::std::option::Option<::std::string::String>,
    ///Optional explanatory reason (e.g. request for extra write access).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub reason: ::std::option::Option<::std::string::String>,
    ///Unix timestamp (in milliseconds) when this approval request started.
    #[serde(
        rename = "startedAtMs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub started_at_ms: ::std::option::Option<i64>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`FileChangeRequestApprovalResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct FileChangeRequestApprovalResponse {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub decision: ::std::option::Option<FileChangeApprovalDecision>,
}
///`FileSystemAccessMode`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum FileSystemAccessMode {
    #[serde(rename = "read")]
    Read,
    #[serde(rename = "write")]
    Write,
    #[serde(rename = "deny")]
    Deny,
}
impl ::std::fmt::Display for FileSystemAccessMode {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Read => f.write_str("read"),
            Self::Write => f.write_str("write"),
            Self::Deny => f.write_str("deny"),
        }
    }
}
impl ::std::str::FromStr for FileSystemAccessMode {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            "deny" => Ok(Self::Deny),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for FileSystemAccessMode {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for FileSystemAccessMode {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`FileSystemPath`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum FileSystemPath {
    ///PathFileSystemPath
    #[serde(rename = "path")]
    Path {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<LegacyAppPathString>,
    },
    ///GlobPatternFileSystemPath
    #[serde(rename = "glob_pattern")]
    GlobPattern {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pattern: ::std::option::Option<::std::string::String>,
    },
    ///SpecialFileSystemPath
    #[serde(rename = "special")]
    Special {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        value: ::std::option::Option<FileSystemSpecialPath>,
    },
}
///`FileSystemSandboxEntry`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct FileSystemSandboxEntry {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub access: ::std::option::Option<FileSystemAccessMode>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<FileSystemPath>,
}
///`FileSystemSpecialPath`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind")]
pub enum FileSystemSpecialPath {
    #[serde(rename = "root")]
    Root,
    #[serde(rename = "minimal")]
    Minimal,
    ///KindFileSystemSpecialPath
    #[serde(rename = "project_roots")]
    ProjectRoots {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        subpath: ::std::option::Option<LegacyAppPathString>,
    },
    #[serde(rename = "tmpdir")]
    Tmpdir,
    #[serde(rename = "slash_tmp")]
    SlashTmp,
    #[serde(rename = "unknown")]
    Unknown {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        subpath: ::std::option::Option<LegacyAppPathString>,
    },
}
///`FileUpdateChange`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct FileUpdateChange {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub diff: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub kind: ::std::option::Option<PatchChangeKind>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<::std::string::String>,
}
///`FunctionCallOutputBody`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum FunctionCallOutputBody {
    String(::std::string::String),
    Array(::std::vec::Vec<FunctionCallOutputContentItem>),
}
impl ::std::convert::From<::std::vec::Vec<FunctionCallOutputContentItem>>
    for FunctionCallOutputBody
{
    fn from(value: ::std::vec::Vec<FunctionCallOutputContentItem>) -> Self {
        Self::Array(value)
    }
}
///Responses API compatible content items that can be returned by a tool call. This is a subset of ContentItem with the types we support as function call outputs.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum FunctionCallOutputContentItem {
    ///InputTextFunctionCallOutputContentItem
    #[serde(rename = "input_text")]
    InputText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///InputImageFunctionCallOutputContentItem
    #[serde(rename = "input_image")]
    InputImage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        detail: ::std::option::Option<ImageDetail>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        file_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        image_url: ::std::option::Option<::std::string::String>,
    },
    ///InputAudioFunctionCallOutputContentItem
    ///
    ///Inline audio data or an uploaded file loaded by the Responses API.
    #[serde(rename = "input_audio")]
    InputAudio {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        audio_url: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        file_id: ::std::option::Option<::std::string::String>,
    },
    ///EncryptedContentFunctionCallOutputContentItem
    #[serde(rename = "encrypted_content")]
    EncryptedContent {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
    },
}
///`GitInfo`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct GitInfo {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub branch: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "originUrl",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub origin_url: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub sha: ::std::option::Option<::std::string::String>,
}
///`HookPromptFragment`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct HookPromptFragment {
    #[serde(
        rename = "hookRunId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub hook_run_id: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub text: ::std::option::Option<::std::string::String>,
}
///`HttpConnectionFailedCodexErrorInfoHttpConnectionFailed`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct HttpConnectionFailedCodexErrorInfoHttpConnectionFailed {
    #[serde(
        rename = "httpStatusCode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub http_status_code: ::std::option::Option<u16>,
}
///`ImageDetail`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ImageDetail {
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "low")]
    Low,
    #[serde(rename = "high")]
    High,
    #[serde(rename = "original")]
    Original,
}
impl ::std::fmt::Display for ImageDetail {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Auto => f.write_str("auto"),
            Self::Low => f.write_str("low"),
            Self::High => f.write_str("high"),
            Self::Original => f.write_str("original"),
        }
    }
}
impl ::std::str::FromStr for ImageDetail {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "auto" => Ok(Self::Auto),
            "low" => Ok(Self::Low),
            "high" => Ok(Self::High),
            "original" => Ok(Self::Original),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ImageDetail {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ImageDetail {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`ImageGenerationFailure`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ImageGenerationFailure {
    ///UsageLimitExceededImageGenerationFailure
    #[serde(rename = "usageLimitExceeded")]
    UsageLimitExceeded {
        #[serde(
            rename = "limitId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        limit_id: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "resetsAt",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        resets_at: ::std::option::Option<i64>,
    },
}
///A local image file successfully read for this exact image-generation request.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ImageGenerationInputImage {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<AbsolutePathBuf>,
    ///Lowercase SHA-256 of the file bytes read before image normalization.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub sha256: ::std::option::Option<::std::string::String>,
}
///Client-declared capabilities negotiated during initialize.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct InitializeCapabilities {
    ///Opt into receiving experimental API methods and fields.
    #[serde(rename = "experimentalApi", default)]
    pub experimental_api: bool,
    ///Use explicit gateway OAuth login instead of automatic browser authorization. Applies to this app-server's gateway runtime; later connections cannot undo it.
    #[serde(
        rename = "explicitGatewayOauth",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub explicit_gateway_oauth: ::std::option::Option<bool>,
    ///MCP extension settings declared by the app-server client.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub extensions:
        ::std::option::Option<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
    ///Legacy opt-in for the `openai/form` MCP extension.
    ///
    ///New clients should declare `openai/form` in [`Self::extensions`].
    #[serde(
        rename = "mcpServerOpenaiFormElicitation",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub mcp_server_openai_form_elicitation: ::std::option::Option<bool>,
    ///Exact notification method names that should be suppressed for this connection (for example `thread/started`).
    #[serde(
        rename = "optOutNotificationMethods",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub opt_out_notification_methods: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
    ///Opt into `attestation/generate` requests for upstream `x-oai-attestation`.
    #[serde(rename = "requestAttestation", default)]
    pub request_attestation: bool,
    ///Present `humanCommand` approvals to a person and return only a one-time decision. Requires `experimentalApi`. Pending requests can be replayed to compatible clients.
    #[serde(
        rename = "requiredHumanApproval",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub required_human_approval: ::std::option::Option<bool>,
}
///`InitializeParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct InitializeParams {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub capabilities: ::std::option::Option<InitializeCapabilities>,
    #[serde(
        rename = "clientInfo",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub client_info: ::std::option::Option<ClientInfo>,
}
///`InitializeResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct InitializeResponse {
    ///Absolute path to the server's $CODEX_HOME directory.
    #[serde(
        rename = "codexHome",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub codex_home: ::std::option::Option<AbsolutePathBuf>,
    ///Platform family for the running app-server target, for example `"unix"` or `"windows"`.
    #[serde(
        rename = "platformFamily",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub platform_family: ::std::option::Option<::std::string::String>,
    ///Operating system for the running app-server target, for example `"macos"`, `"linux"`, or `"windows"`.
    #[serde(
        rename = "platformOs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub platform_os: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "userAgent",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub user_agent: ::std::option::Option<::std::string::String>,
}
///Internal Responses API passthrough metadata copied into underlying chat messages.
///
///Responses API strongly types this payload. Do not modify it without first getting API approval and making the corresponding Responses API change.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct InternalChatMessageMetadataPassthrough {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`ItemCompletedNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ItemCompletedNotification {
    ///Unix timestamp (in milliseconds) when this item lifecycle completed.
    #[serde(
        rename = "completedAtMs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub completed_at_ms: ::std::option::Option<i64>,
    ///Native content tokens for the completed assistant message, including a sampled footer. Null when unavailable. Completion telemetry is not part of the stored thread item.
    #[serde(
        rename = "contentTokenCount",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub content_token_count: ::std::option::Option<u64>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub item: ::std::option::Option<ThreadItem>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`ItemStartedNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ItemStartedNotification {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub item: ::std::option::Option<ThreadItem>,
    ///Unix timestamp (in milliseconds) when this item lifecycle started.
    #[serde(
        rename = "startedAtMs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub started_at_ms: ::std::option::Option<i64>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`LegacyAppPathString`
#[derive(
    ::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd,
)]
#[serde(transparent)]
pub struct LegacyAppPathString(pub ::std::string::String);
impl ::std::ops::Deref for LegacyAppPathString {
    type Target = ::std::string::String;
    fn deref(&self) -> &::std::string::String {
        &self.0
    }
}
impl ::std::convert::From<LegacyAppPathString> for ::std::string::String {
    fn from(value: LegacyAppPathString) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::string::String> for LegacyAppPathString {
    fn from(value: ::std::string::String) -> Self {
        Self(value)
    }
}
impl ::std::fmt::Display for LegacyAppPathString {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        self.0.fmt(f)
    }
}
impl ::std::str::FromStr for LegacyAppPathString {
    type Err = ::std::convert::Infallible;
    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
        Ok(Self(value.to_string()))
    }
}
///`LocalShellAction`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum LocalShellAction {
    ///ExecLocalShellAction
    #[serde(rename = "exec")]
    Exec {
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        command: ::std::vec::Vec<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        env: ::std::option::Option<
            ::std::collections::HashMap<::std::string::String, ::std::string::String>,
        >,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        timeout_ms: ::std::option::Option<u64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        user: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        working_directory: ::std::option::Option<::std::string::String>,
    },
}
///`LocalShellStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum LocalShellStatus {
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "in_progress")]
    InProgress,
    #[serde(rename = "incomplete")]
    Incomplete,
}
impl ::std::fmt::Display for LocalShellStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Completed => f.write_str("completed"),
            Self::InProgress => f.write_str("in_progress"),
            Self::Incomplete => f.write_str("incomplete"),
        }
    }
}
impl ::std::str::FromStr for LocalShellStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "completed" => Ok(Self::Completed),
            "in_progress" => Ok(Self::InProgress),
            "incomplete" => Ok(Self::Incomplete),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for LocalShellStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for LocalShellStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`McpAppDisplayMode`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum McpAppDisplayMode {
    #[serde(rename = "inline")]
    Inline,
    #[serde(rename = "fullscreen")]
    Fullscreen,
}
impl ::std::fmt::Display for McpAppDisplayMode {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Inline => f.write_str("inline"),
            Self::Fullscreen => f.write_str("fullscreen"),
        }
    }
}
impl ::std::str::FromStr for McpAppDisplayMode {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inline" => Ok(Self::Inline),
            "fullscreen" => Ok(Self::Fullscreen),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for McpAppDisplayMode {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for McpAppDisplayMode {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///UI resource and display preference for model invocations, captured from the tool descriptor.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct McpAppUi {
    #[serde(
        rename = "preferredModelDisplayMode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub preferred_model_display_mode: ::std::option::Option<McpAppDisplayMode>,
    #[serde(
        rename = "resourceUri",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub resource_uri: ::std::option::Option<::std::string::String>,
}
///`McpToolCallAppContext`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct McpToolCallAppContext {
    #[serde(
        rename = "actionName",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub action_name: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "appName",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub app_name: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "connectorId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub connector_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "linkId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub link_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "resourceUri",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub resource_uri: ::std::option::Option<::std::string::String>,
}
///`McpToolCallError`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct McpToolCallError {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<::std::string::String>,
}
///`McpToolCallResult`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct McpToolCallResult {
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub content: ::std::vec::Vec<::serde_json::Value>,
    #[serde(
        rename = "_meta",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub meta: ::std::option::Option<::serde_json::Value>,
    #[serde(
        rename = "structuredContent",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub structured_content: ::std::option::Option<::serde_json::Value>,
}
///`McpToolCallStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum McpToolCallStatus {
    #[serde(rename = "inProgress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
}
impl ::std::fmt::Display for McpToolCallStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::InProgress => f.write_str("inProgress"),
            Self::Completed => f.write_str("completed"),
            Self::Failed => f.write_str("failed"),
        }
    }
}
impl ::std::str::FromStr for McpToolCallStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inProgress" => Ok(Self::InProgress),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for McpToolCallStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for McpToolCallStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`MemoryCitation`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct MemoryCitation {
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub entries: ::std::vec::Vec<MemoryCitationEntry>,
    #[serde(
        rename = "threadIds",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub thread_ids: ::std::vec::Vec<::std::string::String>,
}
///`MemoryCitationEntry`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct MemoryCitationEntry {
    #[serde(
        rename = "lineEnd",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub line_end: ::std::option::Option<u32>,
    #[serde(
        rename = "lineStart",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub line_start: ::std::option::Option<u32>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub note: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<::std::string::String>,
}
///Classifies assistant text as commentary, a partial answer, or a terminal answer.
///
///Providers do not emit this consistently, so callers must treat `None` as "phase unknown" and keep compatibility behavior for legacy models.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum MessagePhase {
    ///Mid-turn assistant text (for example preamble/progress narration).
    ///
    ///Additional tool calls or assistant output may follow before turn completion.
    #[serde(rename = "commentary")]
    Commentary,
    ///Stable answer text that may be followed by more assistant output or tools.
    #[serde(rename = "partial_answer")]
    PartialAnswer,
    ///The assistant's declared terminal answer text for the current turn.
    #[serde(rename = "final_answer")]
    FinalAnswer,
}
impl ::std::fmt::Display for MessagePhase {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Commentary => f.write_str("commentary"),
            Self::PartialAnswer => f.write_str("partial_answer"),
            Self::FinalAnswer => f.write_str("final_answer"),
        }
    }
}
impl ::std::str::FromStr for MessagePhase {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "commentary" => Ok(Self::Commentary),
            "partial_answer" => Ok(Self::PartialAnswer),
            "final_answer" => Ok(Self::FinalAnswer),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for MessagePhase {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for MessagePhase {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`MisalignmentErrorDetails`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct MisalignmentErrorDetails {
    ///A substantive localized explanation is required before offering continuation.
    #[serde(
        rename = "detailedExplanation",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub detailed_explanation: ::std::option::Option<::std::string::String>,
    ///Open-ended classification; clients must accept categories added by Responses.
    #[serde(
        rename = "errorType",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub error_type: ::std::option::Option<::std::string::String>,
    ///Opaque server-issued block target. Presence alone does not enable target-based continuation.
    #[serde(
        rename = "reviewTarget",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub review_target: ::std::option::Option<::std::string::String>,
    ///Instruction to submit as the next turn's user input if continuation is confirmed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub steer: ::std::option::Option<MisalignmentSteer>,
}
///`MisalignmentSteer`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct MisalignmentSteer {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<::std::string::String>,
}
///Initial collaboration mode to use when the TUI starts.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ModeKind {
    #[serde(rename = "plan")]
    Plan,
    #[serde(rename = "default")]
    Default,
}
impl ::std::fmt::Display for ModeKind {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Plan => f.write_str("plan"),
            Self::Default => f.write_str("default"),
        }
    }
}
impl ::std::str::FromStr for ModeKind {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "plan" => Ok(Self::Plan),
            "default" => Ok(Self::Default),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ModeKind {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ModeKind {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///Controls the effective multi-agent delegation instructions for a turn. `custom` means the configured mode hint defines the policy instead of a built-in policy.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub enum MultiAgentMode {
    #[serde(rename = "explicitRequestOnly")]
    ExplicitRequestOnly,
    #[serde(rename = "proactive")]
    Proactive,
    #[serde(rename = "custom")]
    Custom(::std::string::String),
}
///`NetworkAccess`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum NetworkAccess {
    #[serde(rename = "restricted")]
    Restricted,
    #[serde(rename = "enabled")]
    Enabled,
}
impl ::std::fmt::Display for NetworkAccess {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Restricted => f.write_str("restricted"),
            Self::Enabled => f.write_str("enabled"),
        }
    }
}
impl ::std::str::FromStr for NetworkAccess {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "restricted" => Ok(Self::Restricted),
            "enabled" => Ok(Self::Enabled),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for NetworkAccess {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for NetworkAccess {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`NetworkApprovalContext`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct NetworkApprovalContext {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub host: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub protocol: ::std::option::Option<NetworkApprovalProtocol>,
}
///`NetworkApprovalProtocol`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum NetworkApprovalProtocol {
    #[serde(rename = "http")]
    Http,
    #[serde(rename = "https")]
    Https,
    #[serde(rename = "socks5Tcp")]
    Socks5Tcp,
    #[serde(rename = "socks5Udp")]
    Socks5Udp,
}
impl ::std::fmt::Display for NetworkApprovalProtocol {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Http => f.write_str("http"),
            Self::Https => f.write_str("https"),
            Self::Socks5Tcp => f.write_str("socks5Tcp"),
            Self::Socks5Udp => f.write_str("socks5Udp"),
        }
    }
}
impl ::std::str::FromStr for NetworkApprovalProtocol {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "http" => Ok(Self::Http),
            "https" => Ok(Self::Https),
            "socks5Tcp" => Ok(Self::Socks5Tcp),
            "socks5Udp" => Ok(Self::Socks5Udp),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for NetworkApprovalProtocol {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for NetworkApprovalProtocol {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`NetworkPolicyAmendment`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct NetworkPolicyAmendment {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub action: ::std::option::Option<NetworkPolicyRuleAction>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub host: ::std::option::Option<::std::string::String>,
}
///`NetworkPolicyRuleAction`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum NetworkPolicyRuleAction {
    #[serde(rename = "allow")]
    Allow,
    #[serde(rename = "deny")]
    Deny,
}
impl ::std::fmt::Display for NetworkPolicyRuleAction {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Allow => f.write_str("allow"),
            Self::Deny => f.write_str("deny"),
        }
    }
}
impl ::std::str::FromStr for NetworkPolicyRuleAction {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "allow" => Ok(Self::Allow),
            "deny" => Ok(Self::Deny),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for NetworkPolicyRuleAction {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for NetworkPolicyRuleAction {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`NonSteerableTurnKind`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum NonSteerableTurnKind {
    #[serde(rename = "review")]
    Review,
    #[serde(rename = "compact")]
    Compact,
}
impl ::std::fmt::Display for NonSteerableTurnKind {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Review => f.write_str("review"),
            Self::Compact => f.write_str("compact"),
        }
    }
}
impl ::std::str::FromStr for NonSteerableTurnKind {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "review" => Ok(Self::Review),
            "compact" => Ok(Self::Compact),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for NonSteerableTurnKind {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for NonSteerableTurnKind {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`PatchApplyStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum PatchApplyStatus {
    #[serde(rename = "inProgress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
    #[serde(rename = "declined")]
    Declined,
}
impl ::std::fmt::Display for PatchApplyStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::InProgress => f.write_str("inProgress"),
            Self::Completed => f.write_str("completed"),
            Self::Failed => f.write_str("failed"),
            Self::Declined => f.write_str("declined"),
        }
    }
}
impl ::std::str::FromStr for PatchApplyStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "inProgress" => Ok(Self::InProgress),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            "declined" => Ok(Self::Declined),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for PatchApplyStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for PatchApplyStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`PatchChangeKind`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum PatchChangeKind {
    #[serde(rename = "add")]
    Add,
    #[serde(rename = "delete")]
    Delete,
    ///UpdatePatchChangeKind
    #[serde(rename = "update")]
    Update {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        move_path: ::std::option::Option<::std::string::String>,
    },
}
///Deprecated: `friendly` and `pragmatic` no longer select a style.
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum Personality {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "friendly")]
    Friendly,
    #[serde(rename = "pragmatic")]
    Pragmatic,
}
impl ::std::fmt::Display for Personality {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::None => f.write_str("none"),
            Self::Friendly => f.write_str("friendly"),
            Self::Pragmatic => f.write_str("pragmatic"),
        }
    }
}
impl ::std::str::FromStr for Personality {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "none" => Ok(Self::None),
            "friendly" => Ok(Self::Friendly),
            "pragmatic" => Ok(Self::Pragmatic),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for Personality {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for Personality {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///EXPERIMENTAL - proposed plan streaming deltas for plan items. Clients should not assume concatenated deltas match the completed plan item content.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct PlanDeltaNotification {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub delta: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "itemId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub item_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///A non-empty reasoning effort value advertised by the model.
#[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
#[serde(transparent)]
pub struct ReasoningEffort(::std::string::String);
impl ::std::ops::Deref for ReasoningEffort {
    type Target = ::std::string::String;
    fn deref(&self) -> &::std::string::String {
        &self.0
    }
}
impl ::std::convert::From<ReasoningEffort> for ::std::string::String {
    fn from(value: ReasoningEffort) -> Self {
        value.0
    }
}
impl ::std::str::FromStr for ReasoningEffort {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        if value.chars().count() < 1usize {
            return Err("shorter than 1 characters".into());
        }
        Ok(Self(value.to_string()))
    }
}
impl ::std::convert::TryFrom<&str> for ReasoningEffort {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ReasoningEffort {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl<'de> ::serde::Deserialize<'de> for ReasoningEffort {
    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
    where
        D: ::serde::Deserializer<'de>,
    {
        ::std::string::String::deserialize(deserializer)?
            .parse()
            .map_err(|e: self::error::ConversionError| {
                <D::Error as ::serde::de::Error>::custom(e.to_string())
            })
    }
}
///`ReasoningItemContent`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ReasoningItemContent {
    ///ReasoningTextReasoningItemContent
    #[serde(rename = "reasoning_text")]
    ReasoningText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///TextReasoningItemContent
    #[serde(rename = "text")]
    Text {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
}
///`ReasoningItemReasoningSummary`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ReasoningItemReasoningSummary {
    ///SummaryTextReasoningItemReasoningSummary
    #[serde(rename = "summary_text")]
    SummaryText {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
}
///A summary of the reasoning performed by the model. This can be useful for debugging and understanding the model's reasoning process. See https://platform.openai.com/docs/guides/reasoning?api-mode=responses#reasoning-summaries
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ReasoningSummary {
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "concise")]
    Concise,
    #[serde(rename = "detailed")]
    Detailed,
    ///Option to disable reasoning summaries.
    #[serde(rename = "none")]
    None,
}
impl ::std::fmt::Display for ReasoningSummary {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Auto => f.write_str("auto"),
            Self::Concise => f.write_str("concise"),
            Self::Detailed => f.write_str("detailed"),
            Self::None => f.write_str("none"),
        }
    }
}
impl ::std::str::FromStr for ReasoningSummary {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "auto" => Ok(Self::Auto),
            "concise" => Ok(Self::Concise),
            "detailed" => Ok(Self::Detailed),
            "none" => Ok(Self::None),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ReasoningSummary {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ReasoningSummary {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`ResponseItem`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ResponseItem {
    ///AdditionalToolsResponseItem
    #[serde(rename = "additional_tools")]
    AdditionalTools {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        role: ::std::option::Option<::std::string::String>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        tools: ::std::vec::Vec<::serde_json::Value>,
    },
    ///MessageResponseItem
    #[serde(rename = "message")]
    Message {
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        content: ::std::vec::Vec<ContentItem>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        phase: ::std::option::Option<MessagePhase>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        role: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
    },
    ///AgentMessageResponseItem
    #[serde(rename = "agent_message")]
    AgentMessage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        author: ::std::option::Option<::std::string::String>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        content: ::std::vec::Vec<AgentMessageInputContent>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        recipient: ::std::option::Option<::std::string::String>,
    },
    ///ReasoningResponseItem
    #[serde(rename = "reasoning")]
    Reasoning {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        content: ::std::option::Option<::std::vec::Vec<ReasoningItemContent>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        summary: ::std::vec::Vec<ReasoningItemReasoningSummary>,
    },
    ///LocalShellCallResponseItem
    #[serde(rename = "local_shell_call")]
    LocalShellCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        action: ::std::option::Option<LocalShellAction>,
        ///Set when using the Responses API.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        ///Legacy id field retained for compatibility with older payloads.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<LocalShellStatus>,
    },
    ///FunctionCallResponseItem
    #[serde(rename = "function_call")]
    FunctionCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        arguments: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_function_args: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        namespace: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
    },
    ///ToolSearchCallResponseItem
    #[serde(rename = "tool_search_call")]
    ToolSearchCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        arguments: ::std::option::Option<::serde_json::Value>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        execution: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
    },
    ///FunctionCallOutputResponseItem
    #[serde(rename = "function_call_output")]
    FunctionCallOutput {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        namespace: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        output: ::std::option::Option<FunctionCallOutputBody>,
    },
    ///CustomToolCallResponseItem
    #[serde(rename = "custom_tool_call")]
    CustomToolCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        input: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        namespace: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
    },
    ///CustomToolCallOutputResponseItem
    #[serde(rename = "custom_tool_call_output")]
    CustomToolCallOutput {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        output: ::std::option::Option<FunctionCallOutputBody>,
    },
    ///ToolSearchOutputResponseItem
    #[serde(rename = "tool_search_output")]
    ToolSearchOutput {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        call_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        execution: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        tools: ::std::vec::Vec<::serde_json::Value>,
    },
    ///WebSearchCallResponseItem
    #[serde(rename = "web_search_call")]
    WebSearchCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        action: ::std::option::Option<ResponsesApiWebSearchAction>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
    },
    ///ImageGenerationCallResponseItem
    #[serde(rename = "image_generation_call")]
    ImageGenerationCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        result: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        revised_prompt: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
    },
    ///CompactionResponseItem
    #[serde(rename = "compaction")]
    Compaction {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
    },
    ///ConfigurationUpdateResponseItem
    ///
    ///A durable input control interpreted by the backend at its position in history.
    #[serde(rename = "configuration_update")]
    ConfigurationUpdate {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        reasoning: ::std::option::Option<ConfigurationReasoning>,
    },
    #[serde(rename = "compaction_trigger")]
    CompactionTrigger,
    ///ContextCompactionResponseItem
    #[serde(rename = "context_compaction")]
    ContextCompaction {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        encrypted_content: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        internal_chat_message_metadata_passthrough:
            ::std::option::Option<InternalChatMessageMetadataPassthrough>,
    },
    #[serde(rename = "other")]
    Other,
}
///`ResponseStreamConnectionFailedCodexErrorInfoResponseStreamConnectionFailed`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ResponseStreamConnectionFailedCodexErrorInfoResponseStreamConnectionFailed {
    #[serde(
        rename = "httpStatusCode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub http_status_code: ::std::option::Option<u16>,
}
///`ResponseStreamDisconnectedCodexErrorInfoResponseStreamDisconnected`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ResponseStreamDisconnectedCodexErrorInfoResponseStreamDisconnected {
    #[serde(
        rename = "httpStatusCode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub http_status_code: ::std::option::Option<u16>,
}
///`ResponseTooManyFailedAttemptsCodexErrorInfoResponseTooManyFailedAttempts`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ResponseTooManyFailedAttemptsCodexErrorInfoResponseTooManyFailedAttempts {
    #[serde(
        rename = "httpStatusCode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub http_status_code: ::std::option::Option<u16>,
}
///`ResponsesApiWebSearchAction`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ResponsesApiWebSearchAction {
    ///SearchResponsesApiWebSearchAction
    #[serde(rename = "search")]
    Search {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        queries: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        query: ::std::option::Option<::std::string::String>,
    },
    ///OpenPageResponsesApiWebSearchAction
    #[serde(rename = "open_page")]
    OpenPage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        url: ::std::option::Option<::std::string::String>,
    },
    ///FindInPageResponsesApiWebSearchAction
    #[serde(rename = "find_in_page")]
    FindInPage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pattern: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        url: ::std::option::Option<::std::string::String>,
    },
    #[serde(rename = "other")]
    Other,
}
///`SandboxMode`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum SandboxMode {
    #[serde(rename = "read-only")]
    ReadOnly,
    #[serde(rename = "workspace-write")]
    WorkspaceWrite,
    #[serde(rename = "danger-full-access")]
    DangerFullAccess,
}
impl ::std::fmt::Display for SandboxMode {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::ReadOnly => f.write_str("read-only"),
            Self::WorkspaceWrite => f.write_str("workspace-write"),
            Self::DangerFullAccess => f.write_str("danger-full-access"),
        }
    }
}
impl ::std::str::FromStr for SandboxMode {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "read-only" => Ok(Self::ReadOnly),
            "workspace-write" => Ok(Self::WorkspaceWrite),
            "danger-full-access" => Ok(Self::DangerFullAccess),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for SandboxMode {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for SandboxMode {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`SandboxPolicy`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum SandboxPolicy {
    #[serde(rename = "dangerFullAccess")]
    DangerFullAccess,
    ///ReadOnlySandboxPolicy
    #[serde(rename = "readOnly")]
    ReadOnly {
        #[serde(rename = "networkAccess", default)]
        network_access: bool,
    },
    ///ExternalSandboxSandboxPolicy
    #[serde(rename = "externalSandbox")]
    ExternalSandbox {
        #[serde(
            rename = "networkAccess",
            default = "defaults::sandbox_policy_external_sandbox_network_access"
        )]
        network_access: NetworkAccess,
    },
    ///WorkspaceWriteSandboxPolicy
    #[serde(rename = "workspaceWrite")]
    WorkspaceWrite {
        #[serde(rename = "excludeSlashTmp", default)]
        exclude_slash_tmp: bool,
        #[serde(rename = "excludeTmpdirEnvVar", default)]
        exclude_tmpdir_env_var: bool,
        #[serde(rename = "networkAccess", default)]
        network_access: bool,
        #[serde(
            rename = "writableRoots",
            default,
            skip_serializing_if = "::std::vec::Vec::is_empty"
        )]
        writable_roots: ::std::vec::Vec<AbsolutePathBuf>,
    },
}
///A user-selected root that can expose one or more runtime capabilities.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct SelectedCapabilityRoot {
    ///Stable identifier supplied by the capability selection platform.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<::std::string::String>,
    ///Where the selected root can be resolved.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub location: ::std::option::Option<CapabilityRootLocation>,
}
///`SessionSource`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub enum SessionSource {
    #[serde(rename = "cli")]
    Cli,
    #[serde(rename = "vscode")]
    Vscode,
    #[serde(rename = "exec")]
    Exec,
    #[serde(rename = "appServer")]
    AppServer,
    #[serde(rename = "unknown")]
    Unknown,
    #[serde(rename = "custom")]
    Custom(::std::string::String),
    #[serde(rename = "subAgent")]
    SubAgent(SubAgentSource),
}
impl ::std::convert::From<SubAgentSource> for SessionSource {
    fn from(value: SubAgentSource) -> Self {
        Self::SubAgent(value)
    }
}
///Settings for a collaboration mode.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct Settings {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub developer_instructions: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub reasoning_effort: ::std::option::Option<ReasoningEffort>,
}
///`SortDirection`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum SortDirection {
    #[serde(rename = "asc")]
    Asc,
    #[serde(rename = "desc")]
    Desc,
}
impl ::std::fmt::Display for SortDirection {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Asc => f.write_str("asc"),
            Self::Desc => f.write_str("desc"),
        }
    }
}
impl ::std::str::FromStr for SortDirection {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "asc" => Ok(Self::Asc),
            "desc" => Ok(Self::Desc),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for SortDirection {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for SortDirection {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`SubAgentActivityKind`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum SubAgentActivityKind {
    #[serde(rename = "started")]
    Started,
    #[serde(rename = "interacted")]
    Interacted,
    #[serde(rename = "interrupted")]
    Interrupted,
    #[serde(rename = "completed")]
    Completed,
}
impl ::std::fmt::Display for SubAgentActivityKind {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Started => f.write_str("started"),
            Self::Interacted => f.write_str("interacted"),
            Self::Interrupted => f.write_str("interrupted"),
            Self::Completed => f.write_str("completed"),
        }
    }
}
impl ::std::str::FromStr for SubAgentActivityKind {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "started" => Ok(Self::Started),
            "interacted" => Ok(Self::Interacted),
            "interrupted" => Ok(Self::Interrupted),
            "completed" => Ok(Self::Completed),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for SubAgentActivityKind {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for SubAgentActivityKind {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`SubAgentSource`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub enum SubAgentSource {
    #[serde(rename = "review")]
    Review,
    #[serde(rename = "compact")]
    Compact,
    #[serde(rename = "memory_consolidation")]
    MemoryConsolidation,
    #[serde(rename = "thread_spawn")]
    ThreadSpawn {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        agent_nickname: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        agent_path: ::std::option::Option<AgentPath>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        agent_role: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        depth: ::std::option::Option<i32>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        parent_thread_id: ::std::option::Option<ThreadId>,
    },
    #[serde(rename = "other")]
    Other(::std::string::String),
}
///`TextElement`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TextElement {
    ///Byte range in the parent `text` buffer that this element occupies.
    #[serde(
        rename = "byteRange",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub byte_range: ::std::option::Option<ByteRange>,
    ///Optional human-readable placeholder for the element, displayed in the UI.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub placeholder: ::std::option::Option<::std::string::String>,
}
///`TextPosition`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TextPosition {
    ///1-based column number (in Unicode scalar values).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub column: ::std::option::Option<u32>,
    ///1-based line number.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub line: ::std::option::Option<u32>,
}
///`TextRange`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TextRange {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub end: ::std::option::Option<TextPosition>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub start: ::std::option::Option<TextPosition>,
}
///`Thread`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Thread {
    ///Optional random unique nickname assigned to an AgentControl-spawned sub-agent.
    #[serde(
        rename = "agentNickname",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub agent_nickname: ::std::option::Option<::std::string::String>,
    ///Optional role (agent_role) assigned to an AgentControl-spawned sub-agent.
    #[serde(
        rename = "agentRole",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub agent_role: ::std::option::Option<::std::string::String>,
    ///Parent that owns this persisted attached thread, independent of fork or spawn lineage.
    #[serde(
        rename = "attachedToThreadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub attached_to_thread_id: ::std::option::Option<::std::string::String>,
    ///Whether the app server accepts direct turn input for this loaded thread. `None` means the capability is unavailable, such as for an unloaded stored thread.
    #[serde(
        rename = "canAcceptDirectInput",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub can_accept_direct_input: ::std::option::Option<bool>,
    ///Version of the CLI that created the thread.
    #[serde(
        rename = "cliVersion",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub cli_version: ::std::option::Option<::std::string::String>,
    ///Unix timestamp (in seconds) when the thread was created.
    #[serde(
        rename = "createdAt",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub created_at: ::std::option::Option<i64>,
    ///Working directory captured for the thread.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<AbsolutePathBuf>,
    ///Saved Daybreak choice, independent of turn execution. Null if unset.
    #[serde(
        rename = "daybreakEnabled",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub daybreak_enabled: ::std::option::Option<bool>,
    ///Current environments for a loaded thread, in priority order, primary first. `null` means the thread is not loaded or the server does not expose its selection. An empty list means no environments are selected. This does not report connection status.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub environments: ::std::option::Option<::std::vec::Vec<ThreadEnvironment>>,
    ///Whether the thread is ephemeral and should not be materialized on disk.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub ephemeral: ::std::option::Option<bool>,
    ///Optional implementation-specific thread data.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub extra: ::std::option::Option<ThreadExtra>,
    ///Source thread id when this thread was created by forking another thread.
    #[serde(
        rename = "forkedFromId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub forked_from_id: ::std::option::Option<::std::string::String>,
    ///Optional Git metadata captured when the thread was created.
    #[serde(
        rename = "gitInfo",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub git_info: ::std::option::Option<GitInfo>,
    ///Persisted thread history contract selected when this thread was created.
    #[serde(rename = "historyMode", default = "defaults::thread_history_mode")]
    pub history_mode: ThreadHistoryMode,
    ///Identifier for this thread. Codex-generated thread IDs are UUIDv7.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<::std::string::String>,
    ///Current configured model when loaded, otherwise the latest persisted model. Null when unavailable. This is not per-turn execution telemetry.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    ///Model provider used for this thread (for example, 'openai').
    #[serde(
        rename = "modelProvider",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub model_provider: ::std::option::Option<::std::string::String>,
    ///Optional user-facing thread title.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<::std::string::String>,
    ///Originator recorded when the thread was created, independent of its current client or executor. Null when the recorded originator is unavailable.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub originator: ::std::option::Option<::std::string::String>,
    ///The ID of the parent thread. This will only be set if this thread is a subagent.
    #[serde(
        rename = "parentThreadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub parent_thread_id: ::std::option::Option<::std::string::String>,
    ///[UNSTABLE] Path to the thread on disk.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<::std::string::String>,
    ///Usually the first user message in the thread, if available.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub preview: ::std::option::Option<::std::string::String>,
    ///Canonical project assignment owned by app-server, if any.
    #[serde(
        rename = "projectId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub project_id: ::std::option::Option<::std::string::String>,
    ///Current configured reasoning effort when loaded, otherwise the latest persisted effort. Null when unset or unavailable. This is not per-turn execution telemetry.
    #[serde(
        rename = "reasoningEffort",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub reasoning_effort: ::std::option::Option<ReasoningEffort>,
    ///Unix timestamp (in seconds) used for thread recency ordering.
    #[serde(
        rename = "recencyAt",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub recency_at: ::std::option::Option<i64>,
    ///The independently persisted section selected for this thread, if any.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub section: ::std::option::Option<ThreadSection>,
    ///Unix timestamp in seconds when the thread entered its current section.
    #[serde(
        rename = "sectionEnteredAt",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub section_entered_at: ::std::option::Option<i64>,
    ///Session id shared by threads that belong to the same session tree.
    #[serde(
        rename = "sessionId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub session_id: ::std::option::Option<::std::string::String>,
    ///Origin of the thread (CLI, VSCode, codex exec, codex app-server, etc.).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub source: ::std::option::Option<SessionSource>,
    ///Current runtime status for the thread.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<ThreadStatus>,
    ///Optional analytics source classification for this thread.
    #[serde(
        rename = "threadSource",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_source: ::std::option::Option<ThreadSource>,
    ///Only populated on `thread/resume`, `thread/fork`, and `thread/read` (when `includeTurns` is true) responses. For all other responses and notifications returning a Thread, the turns field will be an empty list.
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub turns: ::std::vec::Vec<Turn>,
    ///Unix timestamp (in seconds) when the thread was last updated.
    #[serde(
        rename = "updatedAt",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub updated_at: ::std::option::Option<i64>,
}
impl ::std::default::Default for Thread {
    fn default() -> Self {
        Self {
            agent_nickname: Default::default(),
            agent_role: Default::default(),
            attached_to_thread_id: Default::default(),
            can_accept_direct_input: Default::default(),
            cli_version: Default::default(),
            created_at: Default::default(),
            cwd: Default::default(),
            daybreak_enabled: Default::default(),
            environments: Default::default(),
            ephemeral: Default::default(),
            extra: Default::default(),
            forked_from_id: Default::default(),
            git_info: Default::default(),
            history_mode: defaults::thread_history_mode(),
            id: Default::default(),
            model: Default::default(),
            model_provider: Default::default(),
            name: Default::default(),
            originator: Default::default(),
            parent_thread_id: Default::default(),
            path: Default::default(),
            preview: Default::default(),
            project_id: Default::default(),
            reasoning_effort: Default::default(),
            recency_at: Default::default(),
            section: Default::default(),
            section_entered_at: Default::default(),
            session_id: Default::default(),
            source: Default::default(),
            status: Default::default(),
            thread_source: Default::default(),
            turns: Default::default(),
            updated_at: Default::default(),
        }
    }
}
///`ThreadActiveFlag`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ThreadActiveFlag {
    #[serde(rename = "waitingOnApproval")]
    WaitingOnApproval,
    #[serde(rename = "waitingOnUserInput")]
    WaitingOnUserInput,
}
impl ::std::fmt::Display for ThreadActiveFlag {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::WaitingOnApproval => f.write_str("waitingOnApproval"),
            Self::WaitingOnUserInput => f.write_str("waitingOnUserInput"),
        }
    }
}
impl ::std::str::FromStr for ThreadActiveFlag {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "waitingOnApproval" => Ok(Self::WaitingOnApproval),
            "waitingOnUserInput" => Ok(Self::WaitingOnUserInput),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ThreadActiveFlag {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ThreadActiveFlag {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///An environment selected by a loaded thread, independent of connection status.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadEnvironment {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<LegacyAppPathString>,
    #[serde(
        rename = "environmentId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub environment_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "runtimeWorkspaceRoots",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub runtime_workspace_roots: ::std::vec::Vec<LegacyAppPathString>,
}
///Extra app-server data for a thread.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct ThreadExtra(pub ::serde_json::Map<::std::string::String, ::serde_json::Value>);
impl ::std::ops::Deref for ThreadExtra {
    type Target = ::serde_json::Map<::std::string::String, ::serde_json::Value>;
    fn deref(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
        &self.0
    }
}
impl ::std::convert::From<ThreadExtra>
    for ::serde_json::Map<::std::string::String, ::serde_json::Value>
{
    fn from(value: ThreadExtra) -> Self {
        value.0
    }
}
impl ::std::convert::From<::serde_json::Map<::std::string::String, ::serde_json::Value>>
    for ThreadExtra
{
    fn from(value: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> Self {
        Self(value)
    }
}
///`ThreadHistoryMode`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ThreadHistoryMode {
    #[serde(rename = "legacy")]
    Legacy,
    #[serde(rename = "paginated")]
    Paginated,
}
impl ::std::fmt::Display for ThreadHistoryMode {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Legacy => f.write_str("legacy"),
            Self::Paginated => f.write_str("paginated"),
        }
    }
}
impl ::std::str::FromStr for ThreadHistoryMode {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "legacy" => Ok(Self::Legacy),
            "paginated" => Ok(Self::Paginated),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ThreadHistoryMode {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ThreadHistoryMode {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`ThreadId`
#[derive(
    ::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd,
)]
#[serde(transparent)]
pub struct ThreadId(pub ::std::string::String);
impl ::std::ops::Deref for ThreadId {
    type Target = ::std::string::String;
    fn deref(&self) -> &::std::string::String {
        &self.0
    }
}
impl ::std::convert::From<ThreadId> for ::std::string::String {
    fn from(value: ThreadId) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::string::String> for ThreadId {
    fn from(value: ::std::string::String) -> Self {
        Self(value)
    }
}
impl ::std::fmt::Display for ThreadId {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        self.0.fmt(f)
    }
}
impl ::std::str::FromStr for ThreadId {
    type Err = ::std::convert::Infallible;
    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
        Ok(Self(value.to_string()))
    }
}
///A thread item and its recorded lifecycle times. The payload stays flat on the wire.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ThreadItem {
    ///UserMessageThreadItem
    #[serde(rename = "userMessage")]
    UserMessage {
        #[serde(
            rename = "clientId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        client_id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        content: ::std::vec::Vec<UserInput>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///HookPromptThreadItem
    #[serde(rename = "hookPrompt")]
    HookPrompt {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        fragments: ::std::vec::Vec<HookPromptFragment>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///AgentMessageThreadItem
    #[serde(rename = "agentMessage")]
    AgentMessage {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        delivery: ::std::option::Option<AgentMessageDelivery>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "memoryCitation",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        memory_citation: ::std::option::Option<MemoryCitation>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        moderation: ::std::option::Option<AgentMessageModeration>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        phase: ::std::option::Option<MessagePhase>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        questions: ::std::option::Option<::std::vec::Vec<AsyncUserInputQuestion>>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///FunctionCallOutputThreadItem
    #[serde(rename = "functionCallOutput")]
    FunctionCallOutput {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        namespace: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        output: ::std::option::Option<FunctionCallOutputBody>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///PlanThreadItem
    ///
    ///EXPERIMENTAL - proposed plan item content. The completed plan item is authoritative and may not match the concatenation of `PlanDelta` text.
    #[serde(rename = "plan")]
    Plan {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
    },
    ///ReasoningThreadItem
    #[serde(rename = "reasoning")]
    Reasoning {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        content: ::std::vec::Vec<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        summary: ::std::vec::Vec<::std::string::String>,
    },
    ///CommandExecutionThreadItem
    #[serde(rename = "commandExecution")]
    CommandExecution {
        ///The command's output, aggregated from stdout and stderr.
        #[serde(
            rename = "aggregatedOutput",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        aggregated_output: ::std::option::Option<::std::string::String>,
        ///The command to be executed.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        command: ::std::option::Option<::std::string::String>,
        ///A best-effort parsing of the command to understand the action(s) it will perform. This returns a list of CommandAction objects because a single shell command may be composed of many commands piped together.
        #[serde(
            rename = "commandActions",
            default,
            skip_serializing_if = "::std::vec::Vec::is_empty"
        )]
        command_actions: ::std::vec::Vec<CommandAction>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        ///The command's working directory.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        cwd: ::std::option::Option<LegacyAppPathString>,
        ///The duration of the command execution in milliseconds.
        #[serde(
            rename = "durationMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        duration_ms: ::std::option::Option<i64>,
        ///The command's exit code.
        #[serde(
            rename = "exitCode",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        exit_code: ::std::option::Option<i32>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Trusted first-party plugin id when this command resolves to one plugin script.
        #[serde(
            rename = "pluginId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        plugin_id: ::std::option::Option<::std::string::String>,
        ///Identifier for the underlying PTY process (when available).
        #[serde(
            rename = "processId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        process_id: ::std::option::Option<::std::string::String>,
        ///Safe plugin-relative path when this command resolves to one plugin script.
        #[serde(
            rename = "scriptPath",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        script_path: ::std::option::Option<::std::string::String>,
        #[serde(default = "defaults::thread_item_command_execution_source")]
        source: CommandExecutionSource,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<CommandExecutionStatus>,
    },
    ///FileChangeThreadItem
    #[serde(rename = "fileChange")]
    FileChange {
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        changes: ::std::vec::Vec<FileUpdateChange>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<PatchApplyStatus>,
    },
    ///McpToolCallThreadItem
    #[serde(rename = "mcpToolCall")]
    McpToolCall {
        #[serde(
            rename = "appContext",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        app_context: ::std::option::Option<McpToolCallAppContext>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        arguments: ::std::option::Option<::serde_json::Value>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        ///The duration of the MCP tool call in milliseconds.
        #[serde(
            rename = "durationMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        duration_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        error: ::std::option::Option<McpToolCallError>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Legacy compatibility field; prefer `mcpAppUi.resourceUri` when available.
        #[serde(
            rename = "mcpAppResourceUri",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        mcp_app_resource_uri: ::std::option::Option<::std::string::String>,
        ///Presentation captured from the invoked descriptor; absent in older history.
        #[serde(
            rename = "mcpAppUi",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        mcp_app_ui: ::std::option::Option<McpAppUi>,
        #[serde(
            rename = "pluginId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        plugin_id: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "readOnlyHint",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        read_only_hint: ::std::option::Option<bool>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        result: ::std::option::Option<McpToolCallResult>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        server: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<McpToolCallStatus>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        tool: ::std::option::Option<::std::string::String>,
    },
    ///DynamicToolCallThreadItem
    #[serde(rename = "dynamicToolCall")]
    DynamicToolCall {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        arguments: ::std::option::Option<::serde_json::Value>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(
            rename = "contentItems",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        content_items: ::std::option::Option<::std::vec::Vec<DynamicToolCallOutputContentItem>>,
        ///The duration of the dynamic tool call in milliseconds.
        #[serde(
            rename = "durationMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        duration_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        namespace: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<DynamicToolCallStatus>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        success: ::std::option::Option<bool>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        tool: ::std::option::Option<::std::string::String>,
    },
    ///CollabAgentToolCallThreadItem
    #[serde(rename = "collabAgentToolCall")]
    CollabAgentToolCall {
        ///Last known status of the target agents, when available.
        #[serde(
            rename = "agentsStates",
            default,
            skip_serializing_if = ":: std :: collections :: HashMap::is_empty"
        )]
        agents_states: ::std::collections::HashMap<::std::string::String, CollabAgentState>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        ///Unique identifier for this collab tool call.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Model requested for the spawned agent, when applicable.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        model: ::std::option::Option<::std::string::String>,
        ///Prompt text sent as part of the collab tool call, when available.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        prompt: ::std::option::Option<::std::string::String>,
        ///Reasoning effort requested for the spawned agent, when applicable.
        #[serde(
            rename = "reasoningEffort",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        reasoning_effort: ::std::option::Option<ReasoningEffort>,
        ///Thread ID of the receiving agent, when applicable. In case of spawn operation, this corresponds to the newly spawned agent.
        #[serde(
            rename = "receiverThreadIds",
            default,
            skip_serializing_if = "::std::vec::Vec::is_empty"
        )]
        receiver_thread_ids: ::std::vec::Vec<::std::string::String>,
        ///Thread ID of the agent issuing the collab request.
        #[serde(
            rename = "senderThreadId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        sender_thread_id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        ///Current status of the collab tool call.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<CollabAgentToolCallStatus>,
        ///Name of the collab tool that was invoked.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        tool: ::std::option::Option<CollabAgentTool>,
    },
    ///SubAgentActivityThreadItem
    #[serde(rename = "subAgentActivity")]
    SubAgentActivity {
        #[serde(
            rename = "agentPath",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        agent_path: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "agentThreadId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        agent_thread_id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        kind: ::std::option::Option<SubAgentActivityKind>,
        ///Resolved model at sub-agent creation; absent from older records and other activities.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        model: ::std::option::Option<::std::string::String>,
        ///Resolved reasoning effort at sub-agent creation, when known.
        #[serde(
            rename = "reasoningEffort",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        reasoning_effort: ::std::option::Option<ReasoningEffort>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///WebSearchThreadItem
    #[serde(rename = "webSearch")]
    WebSearch {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        action: ::std::option::Option<WebSearchAction>,
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        query: ::std::option::Option<::std::string::String>,
        ///Structured search results returned out-of-band by standalone web search.
        ///
        ///These stay as opaque JSON at the extension/app-server boundary so new result fields and result types can pass through without a Codex release.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        results: ::std::option::Option<::std::vec::Vec<::serde_json::Value>>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///ImageViewThreadItem
    #[serde(rename = "imageView")]
    ImageView {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<LegacyAppPathString>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///SleepThreadItem
    ///
    ///Display item emitted by the interruptible `clock.sleep` tool.
    #[serde(rename = "sleep")]
    Sleep {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(
            rename = "durationMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        duration_ms: ::std::option::Option<u64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///ImageGenerationThreadItem
    ///
    ///Either inline generated-image data or its durable attachment-store identity.
    ///
    ///`File` must remain first so rollouts written during the migration, which contain both an empty `result` and a `fileId`, retain the file reference when deserialized.
    #[serde(rename = "imageGeneration")]
    ImageGeneration {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        failure: ::std::option::Option<ImageGenerationFailure>,
        #[serde(
            rename = "fileId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        file_id: ::std::option::Option<::std::string::String>,
        ///Image generation identifier for the generated image, when provided by the image backend.
        #[serde(
            rename = "generationId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        generation_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Observed local inputs for a completed generation, absent on older items.
        #[serde(
            rename = "inputImages",
            default,
            skip_serializing_if = "::std::vec::Vec::is_empty"
        )]
        input_images: ::std::vec::Vec<ImageGenerationInputImage>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        result: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "revisedPrompt",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        revised_prompt: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "savedPath",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        saved_path: ::std::option::Option<AbsolutePathBuf>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        status: ::std::option::Option<::std::string::String>,
        #[serde(
            rename = "transparentBackground",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        transparent_background: ::std::option::Option<bool>,
    },
    ///EnteredReviewModeThreadItem
    #[serde(rename = "enteredReviewMode")]
    EnteredReviewMode {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        review: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///ExitedReviewModeThreadItem
    #[serde(rename = "exitedReviewMode")]
    ExitedReviewMode {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        review: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
    ///ContextCompactionThreadItem
    #[serde(rename = "contextCompaction")]
    ContextCompaction {
        ///Unix timestamp in milliseconds when the item completed, if recorded.
        #[serde(
            rename = "completedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        completed_at_ms: ::std::option::Option<i64>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        id: ::std::option::Option<::std::string::String>,
        ///Unix timestamp in milliseconds when the item started, if recorded.
        #[serde(
            rename = "startedAtMs",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        started_at_ms: ::std::option::Option<i64>,
    },
}
///`ThreadResumeInitialTurnsPageParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadResumeInitialTurnsPageParams {
    ///How much item detail to include for each returned turn; defaults to summary.
    #[serde(
        rename = "itemsView",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub items_view: ::std::option::Option<TurnItemsView>,
    ///Optional turn page size.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub limit: ::std::option::Option<u32>,
    ///Optional turn pagination direction; defaults to descending.
    #[serde(
        rename = "sortDirection",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub sort_direction: ::std::option::Option<SortDirection>,
}
///There are three ways to resume a thread: 1. By thread_id: load the thread from disk by thread_id and resume it. 2. By history: instantiate the thread from memory and resume it. 3. By path: load the thread from disk by path and resume it.
///
///For non-running threads, the precedence is: history > non-empty path > thread_id. If using history or a non-empty path for a non-running thread, the thread_id param will be ignored.
///
///If thread_id identifies a running thread, app-server rejoins that thread and treats a non-empty path as a consistency check against the active rollout path. Empty string path values are treated as absent.
///
///Prefer using thread_id whenever possible.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadResumeParams {
    #[serde(
        rename = "approvalPolicy",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approval_policy: ::std::option::Option<AskForApproval>,
    ///Override where approval requests are routed for review on this thread and subsequent turns.
    #[serde(
        rename = "approvalsReviewer",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approvals_reviewer: ::std::option::Option<ApprovalsReviewer>,
    #[serde(
        rename = "baseInstructions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub base_instructions: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub config:
        ::std::option::Option<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "developerInstructions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub developer_instructions: ::std::option::Option<::std::string::String>,
    ///When true, return only thread metadata and live-resume state without populating `thread.turns`. This is useful when the client plans to call `thread/turns/list` immediately after resuming. Full-history hydration is deprecated for paginated threads; use this with `thread/turns/list` and `thread/items/list` instead.
    #[serde(
        rename = "excludeTurns",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub exclude_turns: ::std::option::Option<bool>,
    ///[UNSTABLE] FOR CODEX CLOUD - DO NOT USE. If specified, the thread will be resumed with the provided history instead of loaded from disk.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub history: ::std::option::Option<::std::vec::Vec<ResponseItem>>,
    ///When present, include a `thread/turns/list` page in the resume response so clients can bootstrap recent turns without a second request.
    #[serde(
        rename = "initialTurnsPage",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub initial_turns_page: ::std::option::Option<ThreadResumeInitialTurnsPageParams>,
    ///Configuration overrides for the resumed thread, if any.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "modelProvider",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub model_provider: ::std::option::Option<::std::string::String>,
    ///[UNSTABLE] Specify the rollout path to resume from. If specified for a non-running thread, the thread_id param will be ignored. If thread_id identifies a running thread, the path must match the active rollout path.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<::std::string::String>,
    ///Named profile id for the resumed thread. Cannot be combined with `sandbox`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub permissions: ::std::option::Option<::std::string::String>,
    ///@deprecated `friendly` and `pragmatic` no longer select a style. Changing this does not rewrite the thread's existing instructions.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub personality: ::std::option::Option<Personality>,
    ///Replace the thread's runtime workspace roots. Paths must be absolute.
    #[serde(
        rename = "runtimeWorkspaceRoots",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub runtime_workspace_roots: ::std::option::Option<::std::vec::Vec<AbsolutePathBuf>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub sandbox: ::std::option::Option<SandboxMode>,
    #[serde(
        rename = "serviceTier",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_tier: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
}
///`ThreadResumeResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ThreadResumeResponse {
    ///Named or implicit built-in profile that produced the active permissions, when known.
    #[serde(
        rename = "activePermissionProfile",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub active_permission_profile: ::std::option::Option<ActivePermissionProfile>,
    #[serde(
        rename = "approvalPolicy",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approval_policy: ::std::option::Option<AskForApproval>,
    ///Reviewer currently used for approval requests on this thread.
    #[serde(
        rename = "approvalsReviewer",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approvals_reviewer: ::std::option::Option<ApprovalsReviewer>,
    ///Effective collaboration mode. Absent when resuming from an older server.
    #[serde(
        rename = "collaborationMode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub collaboration_mode: ::std::option::Option<CollaborationMode>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<AbsolutePathBuf>,
    ///Saved list of disabled plugin IDs. Does not yet filter plugin capabilities.
    #[serde(
        rename = "disabledPluginIds",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub disabled_plugin_ids: ::std::vec::Vec<::std::string::String>,
    ///`thread/turns/list` page returned when requested by `initialTurnsPage`.
    #[serde(
        rename = "initialTurnsPage",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub initial_turns_page: ::std::option::Option<TurnsPage>,
    ///Environment-native paths to instruction source files currently loaded for this thread.
    #[serde(
        rename = "instructionSources",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub instruction_sources: ::std::vec::Vec<LegacyAppPathString>,
    ///Opaque cursor for hydrating paginated items backwards.
    ///
    ///Pass this as `cursor` to `thread/items/list` with `sortDirection: "desc"`. The first page includes the item identified by the cursor.
    #[serde(
        rename = "itemsBackwardsCursor",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub items_backwards_cursor: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "modelProvider",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub model_provider: ::std::option::Option<::std::string::String>,
    ///@deprecated Always `explicitRequestOnly`. Use `reasoningEffort` for Ultra behavior.
    #[serde(
        rename = "multiAgentMode",
        default = "defaults::thread_resume_response_multi_agent_mode"
    )]
    pub multi_agent_mode: MultiAgentMode,
    #[serde(
        rename = "reasoningEffort",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub reasoning_effort: ::std::option::Option<ReasoningEffort>,
    ///Thread-scoped runtime workspace roots used to materialize `:workspace_roots`.
    #[serde(
        rename = "runtimeWorkspaceRoots",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub runtime_workspace_roots: ::std::vec::Vec<AbsolutePathBuf>,
    ///Legacy sandbox policy retained for compatibility. Experimental clients should prefer `activePermissionProfile` for profile provenance.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub sandbox: ::std::option::Option<SandboxPolicy>,
    #[serde(
        rename = "serviceTier",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_tier: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub thread: ::std::option::Option<Thread>,
    ///Opaque cursor for hydrating paginated turns backwards.
    ///
    ///Pass this as `cursor` to `thread/turns/list` with `sortDirection: "desc"`. The first page includes the turn identified by the cursor.
    #[serde(
        rename = "turnsBackwardsCursor",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turns_backwards_cursor: ::std::option::Option<::std::string::String>,
}
impl ::std::default::Default for ThreadResumeResponse {
    fn default() -> Self {
        Self {
            active_permission_profile: Default::default(),
            approval_policy: Default::default(),
            approvals_reviewer: Default::default(),
            collaboration_mode: Default::default(),
            cwd: Default::default(),
            disabled_plugin_ids: Default::default(),
            initial_turns_page: Default::default(),
            instruction_sources: Default::default(),
            items_backwards_cursor: Default::default(),
            model: Default::default(),
            model_provider: Default::default(),
            multi_agent_mode: defaults::thread_resume_response_multi_agent_mode(),
            reasoning_effort: Default::default(),
            runtime_workspace_roots: Default::default(),
            sandbox: Default::default(),
            service_tier: Default::default(),
            thread: Default::default(),
            turns_backwards_cursor: Default::default(),
        }
    }
}
///Replace a paginated thread's durable history with the prefix before one turn.
///
///This only changes persisted conversation history. It does not revert local file changes.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadRevertParams {
    ///Turn excluded from the replacement history, together with every later turn.
    #[serde(
        rename = "beforeTurnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub before_turn_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
}
///`ThreadRevertResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadRevertResponse {
    ///Opaque cursor for hydrating paginated items backwards.
    ///
    ///Pass this as `cursor` to `thread/items/list` with `sortDirection: "desc"`. The first page includes the item identified by the cursor.
    #[serde(
        rename = "itemsBackwardsCursor",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub items_backwards_cursor: ::std::option::Option<::std::string::String>,
    ///Updated loaded thread metadata. `turns` is always empty; hydrate retained history through `thread/turns/list`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub thread: ::std::option::Option<Thread>,
    ///Opaque cursor for hydrating paginated turns backwards.
    ///
    ///Pass this as `cursor` to `thread/turns/list` with `sortDirection: "desc"`. The first page includes the turn identified by the cursor.
    #[serde(
        rename = "turnsBackwardsCursor",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turns_backwards_cursor: ::std::option::Option<::std::string::String>,
}
///An independently persisted, user-visible thread section.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadSection {
    ///Optional appearance synchronized across clients.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub appearance: ::std::option::Option<ThreadSectionAppearance>,
    ///Opaque UUIDv7 identity that remains stable when the section is renamed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<::std::string::String>,
    ///The current user-visible section name.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<::std::string::String>,
}
///Extensible visual presentation for a custom thread section.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadSectionAppearance {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub color: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub icon: ::std::option::Option<::std::string::String>,
}
///`ThreadSource`
#[derive(
    ::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd,
)]
#[serde(transparent)]
pub struct ThreadSource(pub ::std::string::String);
impl ::std::ops::Deref for ThreadSource {
    type Target = ::std::string::String;
    fn deref(&self) -> &::std::string::String {
        &self.0
    }
}
impl ::std::convert::From<ThreadSource> for ::std::string::String {
    fn from(value: ThreadSource) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::string::String> for ThreadSource {
    fn from(value: ::std::string::String) -> Self {
        Self(value)
    }
}
impl ::std::fmt::Display for ThreadSource {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        self.0.fmt(f)
    }
}
impl ::std::str::FromStr for ThreadSource {
    type Err = ::std::convert::Infallible;
    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
        Ok(Self(value.to_string()))
    }
}
///`ThreadStartParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadStartParams {
    ///Allow a provider with an authoritative static model catalog to replace an unavailable requested model with its default.
    #[serde(
        rename = "allowProviderModelFallback",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub allow_provider_model_fallback: ::std::option::Option<bool>,
    #[serde(
        rename = "approvalPolicy",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approval_policy: ::std::option::Option<AskForApproval>,
    ///Override where approval requests are routed for review on this thread and subsequent turns.
    #[serde(
        rename = "approvalsReviewer",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approvals_reviewer: ::std::option::Option<ApprovalsReviewer>,
    #[serde(
        rename = "baseInstructions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub base_instructions: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub config:
        ::std::option::Option<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<::std::string::String>,
    ///Initial Daybreak choice for this persistent thread. Omitted or null leaves it unset. This does not select a turn's `cyberAccessProgram` or grant access. Not supported for ephemeral threads.
    #[serde(
        rename = "daybreakEnabled",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub daybreak_enabled: ::std::option::Option<bool>,
    #[serde(
        rename = "developerInstructions",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub developer_instructions: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "dynamicTools",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub dynamic_tools: ::std::option::Option<::std::vec::Vec<DynamicToolSpec>>,
    ///Optional sticky environments for this thread.
    ///
    ///Omitted selects the default environment when environment access is enabled. Empty disables environment access for turns that do not provide a turn override. Non-empty selects the first environment as the current turn environment.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub environments: ::std::option::Option<::std::vec::Vec<TurnEnvironmentParams>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub ephemeral: ::std::option::Option<bool>,
    ///If true, opt into emitting raw Responses API items on the event stream. This is for internal use only (e.g. Codex Cloud).
    #[serde(
        rename = "experimentalRawEvents",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub experimental_raw_events: ::std::option::Option<bool>,
    ///Persisted thread history contract to use for this new thread.
    #[serde(
        rename = "historyMode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub history_mode: ::std::option::Option<ThreadHistoryMode>,
    ///Test-only experimental field used to validate experimental gating and schema filtering behavior in a stable way.
    #[serde(
        rename = "mockExperimentalField",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub mock_experimental_field: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "modelProvider",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub model_provider: ::std::option::Option<::std::string::String>,
    ///@deprecated Ignored. Use Ultra reasoning effort for proactive multi-agent behavior.
    #[serde(
        rename = "multiAgentMode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub multi_agent_mode: ::std::option::Option<MultiAgentMode>,
    ///Named profile id for this thread. Cannot be combined with `sandbox`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub permissions: ::std::option::Option<::std::string::String>,
    ///@deprecated `friendly` and `pragmatic` no longer select a style.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub personality: ::std::option::Option<Personality>,
    ///Optional project identity for this new thread. Durable threads persist the assignment; ephemeral threads expose it only in live responses.
    #[serde(
        rename = "projectId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub project_id: ::std::option::Option<::std::string::String>,
    ///Replace the thread's runtime workspace roots. Paths must be absolute.
    #[serde(
        rename = "runtimeWorkspaceRoots",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub runtime_workspace_roots: ::std::option::Option<::std::vec::Vec<AbsolutePathBuf>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub sandbox: ::std::option::Option<SandboxMode>,
    ///Capability roots selected for this thread by the hosting platform.
    #[serde(
        rename = "selectedCapabilityRoots",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub selected_capability_roots: ::std::option::Option<::std::vec::Vec<SelectedCapabilityRoot>>,
    #[serde(
        rename = "serviceName",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_name: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "serviceTier",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_tier: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "sessionStartSource",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub session_start_source: ::std::option::Option<ThreadStartSource>,
    ///Optional client-supplied analytics source classification for this thread.
    #[serde(
        rename = "threadSource",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_source: ::std::option::Option<ThreadSource>,
}
///`ThreadStartResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ThreadStartResponse {
    ///Named or implicit built-in profile that produced the active permissions, when known.
    #[serde(
        rename = "activePermissionProfile",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub active_permission_profile: ::std::option::Option<ActivePermissionProfile>,
    #[serde(
        rename = "approvalPolicy",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approval_policy: ::std::option::Option<AskForApproval>,
    ///Reviewer currently used for approval requests on this thread.
    #[serde(
        rename = "approvalsReviewer",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approvals_reviewer: ::std::option::Option<ApprovalsReviewer>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<AbsolutePathBuf>,
    ///Saved list of disabled plugin IDs. Does not yet filter plugin capabilities.
    #[serde(
        rename = "disabledPluginIds",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub disabled_plugin_ids: ::std::vec::Vec<::std::string::String>,
    ///Environment-native paths to instruction source files currently loaded for this thread.
    #[serde(
        rename = "instructionSources",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub instruction_sources: ::std::vec::Vec<LegacyAppPathString>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "modelProvider",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub model_provider: ::std::option::Option<::std::string::String>,
    ///@deprecated Always `explicitRequestOnly`. Use `reasoningEffort` for Ultra behavior.
    #[serde(
        rename = "multiAgentMode",
        default = "defaults::thread_start_response_multi_agent_mode"
    )]
    pub multi_agent_mode: MultiAgentMode,
    #[serde(
        rename = "reasoningEffort",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub reasoning_effort: ::std::option::Option<ReasoningEffort>,
    ///Thread-scoped runtime workspace roots used to materialize `:workspace_roots`.
    #[serde(
        rename = "runtimeWorkspaceRoots",
        default,
        skip_serializing_if = "::std::vec::Vec::is_empty"
    )]
    pub runtime_workspace_roots: ::std::vec::Vec<AbsolutePathBuf>,
    ///Legacy sandbox policy retained for compatibility. Experimental clients should prefer `activePermissionProfile` for profile provenance.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub sandbox: ::std::option::Option<SandboxPolicy>,
    #[serde(
        rename = "serviceTier",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_tier: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub thread: ::std::option::Option<Thread>,
}
impl ::std::default::Default for ThreadStartResponse {
    fn default() -> Self {
        Self {
            active_permission_profile: Default::default(),
            approval_policy: Default::default(),
            approvals_reviewer: Default::default(),
            cwd: Default::default(),
            disabled_plugin_ids: Default::default(),
            instruction_sources: Default::default(),
            model: Default::default(),
            model_provider: Default::default(),
            multi_agent_mode: defaults::thread_start_response_multi_agent_mode(),
            reasoning_effort: Default::default(),
            runtime_workspace_roots: Default::default(),
            sandbox: Default::default(),
            service_tier: Default::default(),
            thread: Default::default(),
        }
    }
}
///`ThreadStartSource`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum ThreadStartSource {
    #[serde(rename = "startup")]
    Startup,
    #[serde(rename = "clear")]
    Clear,
}
impl ::std::fmt::Display for ThreadStartSource {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Startup => f.write_str("startup"),
            Self::Clear => f.write_str("clear"),
        }
    }
}
impl ::std::str::FromStr for ThreadStartSource {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "startup" => Ok(Self::Startup),
            "clear" => Ok(Self::Clear),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for ThreadStartSource {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for ThreadStartSource {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`ThreadStatus`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ThreadStatus {
    #[serde(rename = "notLoaded")]
    NotLoaded,
    #[serde(rename = "idle")]
    Idle,
    #[serde(rename = "systemError")]
    SystemError,
    ///ActiveThreadStatus
    #[serde(rename = "active")]
    Active {
        #[serde(
            rename = "activeFlags",
            default,
            skip_serializing_if = "::std::vec::Vec::is_empty"
        )]
        active_flags: ::std::vec::Vec<ThreadActiveFlag>,
    },
}
///`ThreadTokenUsage`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadTokenUsage {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub last: ::std::option::Option<TokenUsageBreakdown>,
    #[serde(
        rename = "modelContextWindow",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub model_context_window: ::std::option::Option<i64>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub total: ::std::option::Option<TokenUsageBreakdown>,
}
///`ThreadTokenUsageUpdatedNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ThreadTokenUsageUpdatedNotification {
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "tokenUsage",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub token_usage: ::std::option::Option<ThreadTokenUsage>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`TokenUsageBreakdown`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TokenUsageBreakdown {
    #[serde(rename = "cacheWriteInputTokens", default)]
    pub cache_write_input_tokens: i64,
    #[serde(
        rename = "cachedInputTokens",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub cached_input_tokens: ::std::option::Option<i64>,
    #[serde(
        rename = "inputTokens",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub input_tokens: ::std::option::Option<i64>,
    #[serde(
        rename = "outputTokens",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub output_tokens: ::std::option::Option<i64>,
    #[serde(
        rename = "reasoningOutputTokens",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub reasoning_output_tokens: ::std::option::Option<i64>,
    #[serde(
        rename = "totalTokens",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub total_tokens: ::std::option::Option<i64>,
}
///EXPERIMENTAL. Captures a user's answer to a request_user_input question.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ToolRequestUserInputAnswer {
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub answers: ::std::vec::Vec<::std::string::String>,
}
///EXPERIMENTAL. Defines a single selectable option for request_user_input.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ToolRequestUserInputOption {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub description: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub label: ::std::option::Option<::std::string::String>,
}
///EXPERIMENTAL. Params sent with a request_user_input event.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ToolRequestUserInputParams {
    ///@deprecated Use `isBlocking` to decide whether the request should block.
    #[serde(
        rename = "autoResolutionMs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub auto_resolution_ms: ::std::option::Option<u64>,
    #[serde(
        rename = "isBlocking",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub is_blocking: ::std::option::Option<bool>,
    #[serde(
        rename = "itemId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub item_id: ::std::option::Option<::std::string::String>,
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub questions: ::std::vec::Vec<ToolRequestUserInputQuestion>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///EXPERIMENTAL. Represents one request_user_input question and its required options.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ToolRequestUserInputQuestion {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub header: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<::std::string::String>,
    #[serde(rename = "isOther", default)]
    pub is_other: bool,
    #[serde(rename = "isSecret", default)]
    pub is_secret: bool,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub options: ::std::option::Option<::std::vec::Vec<ToolRequestUserInputOption>>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub question: ::std::option::Option<::std::string::String>,
}
///EXPERIMENTAL. Response payload mapping question ids to answers.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ToolRequestUserInputResponse {
    #[serde(
        default,
        skip_serializing_if = ":: std :: collections :: HashMap::is_empty"
    )]
    pub answers: ::std::collections::HashMap<::std::string::String, ToolRequestUserInputAnswer>,
}
///`Turn`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Turn {
    ///Unix timestamp (in seconds) when the turn completed.
    #[serde(
        rename = "completedAt",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub completed_at: ::std::option::Option<i64>,
    ///Duration between turn start and completion in milliseconds, if known.
    #[serde(
        rename = "durationMs",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub duration_ms: ::std::option::Option<i64>,
    ///Error associated with a failed or interrupted turn.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub error: ::std::option::Option<TurnError>,
    ///Identifier for this turn. Codex-generated turn IDs are UUIDv7.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<::std::string::String>,
    ///Thread items currently included in this turn payload.
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub items: ::std::vec::Vec<ThreadItem>,
    ///Describes how much of `items` has been loaded for this turn.
    #[serde(rename = "itemsView", default = "defaults::turn_items_view")]
    pub items_view: TurnItemsView,
    ///ID of the first turn in the chain of work that led to this turn. Pass this as `rootTurnId` when starting work on behalf of this turn. May be null in older history or a `review/start` response.
    #[serde(
        rename = "rootTurnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub root_turn_id: ::std::option::Option<::std::string::String>,
    ///Unix timestamp (in seconds) when the turn started.
    #[serde(
        rename = "startedAt",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub started_at: ::std::option::Option<i64>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<TurnStatus>,
}
impl ::std::default::Default for Turn {
    fn default() -> Self {
        Self {
            completed_at: Default::default(),
            duration_ms: Default::default(),
            error: Default::default(),
            id: Default::default(),
            items: Default::default(),
            items_view: defaults::turn_items_view(),
            root_turn_id: Default::default(),
            started_at: Default::default(),
            status: Default::default(),
        }
    }
}
///`TurnCompletedNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnCompletedNotification {
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub turn: ::std::option::Option<Turn>,
}
///`TurnEnvironmentParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnEnvironmentParams {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<LegacyAppPathString>,
    #[serde(
        rename = "environmentId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub environment_id: ::std::option::Option<::std::string::String>,
    ///Environment-native runtime workspace roots. Omitted defaults to `cwd`.
    #[serde(
        rename = "runtimeWorkspaceRoots",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub runtime_workspace_roots: ::std::option::Option<::std::vec::Vec<LegacyAppPathString>>,
}
///`TurnError`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnError {
    #[serde(
        rename = "additionalDetails",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub additional_details: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "codexErrorInfo",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub codex_error_info: ::std::option::Option<CodexErrorInfo>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<::std::string::String>,
    ///Optional public explanation and continuation instruction for a misalignment block.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub misalignment: ::std::option::Option<MisalignmentErrorDetails>,
}
///`TurnInterruptParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnInterruptParams {
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`TurnInterruptResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct TurnInterruptResponse(pub ::serde_json::Map<::std::string::String, ::serde_json::Value>);
impl ::std::ops::Deref for TurnInterruptResponse {
    type Target = ::serde_json::Map<::std::string::String, ::serde_json::Value>;
    fn deref(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
        &self.0
    }
}
impl ::std::convert::From<TurnInterruptResponse>
    for ::serde_json::Map<::std::string::String, ::serde_json::Value>
{
    fn from(value: TurnInterruptResponse) -> Self {
        value.0
    }
}
impl ::std::convert::From<::serde_json::Map<::std::string::String, ::serde_json::Value>>
    for TurnInterruptResponse
{
    fn from(value: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> Self {
        Self(value)
    }
}
///`TurnItemsView`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum TurnItemsView {
    ///`items` was not loaded for this turn. The field is intentionally empty.
    #[serde(rename = "notLoaded")]
    NotLoaded,
    ///`items` contains only a display summary for this turn.
    #[serde(rename = "summary")]
    Summary,
    ///`items` contains every ThreadItem available from persisted app-server history for this turn.
    #[serde(rename = "full")]
    Full,
}
impl ::std::fmt::Display for TurnItemsView {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::NotLoaded => f.write_str("notLoaded"),
            Self::Summary => f.write_str("summary"),
            Self::Full => f.write_str("full"),
        }
    }
}
impl ::std::str::FromStr for TurnItemsView {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "notLoaded" => Ok(Self::NotLoaded),
            "summary" => Ok(Self::Summary),
            "full" => Ok(Self::Full),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for TurnItemsView {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for TurnItemsView {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`TurnPlanStep`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnPlanStep {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<TurnPlanStepStatus>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub step: ::std::option::Option<::std::string::String>,
}
///`TurnPlanStepStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum TurnPlanStepStatus {
    #[serde(rename = "pending")]
    Pending,
    #[serde(rename = "inProgress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
}
impl ::std::fmt::Display for TurnPlanStepStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Pending => f.write_str("pending"),
            Self::InProgress => f.write_str("inProgress"),
            Self::Completed => f.write_str("completed"),
        }
    }
}
impl ::std::str::FromStr for TurnPlanStepStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "pending" => Ok(Self::Pending),
            "inProgress" => Ok(Self::InProgress),
            "completed" => Ok(Self::Completed),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for TurnPlanStepStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for TurnPlanStepStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`TurnPlanUpdatedNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnPlanUpdatedNotification {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub explanation: ::std::option::Option<::std::string::String>,
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub plan: ::std::vec::Vec<TurnPlanStep>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`TurnStartParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnStartParams {
    ///Optional client-provided context fragments keyed by an opaque source identifier.
    #[serde(
        rename = "additionalContext",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub additional_context: ::std::option::Option<
        ::std::collections::HashMap<::std::string::String, AdditionalContextEntry>,
    >,
    ///Override the approval policy for this turn and subsequent turns.
    #[serde(
        rename = "approvalPolicy",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approval_policy: ::std::option::Option<AskForApproval>,
    ///Override where approval requests are routed for review on this turn and subsequent turns.
    #[serde(
        rename = "approvalsReviewer",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub approvals_reviewer: ::std::option::Option<ApprovalsReviewer>,
    #[serde(
        rename = "clientUserMessageId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub client_user_message_id: ::std::option::Option<::std::string::String>,
    ///EXPERIMENTAL - Set a pre-set collaboration mode. Takes precedence over model, reasoning_effort, and developer instructions if set.
    ///
    ///For `collaboration_mode.settings.developer_instructions`, `null` means "use the built-in instructions for the selected mode".
    #[serde(
        rename = "collaborationMode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub collaboration_mode: ::std::option::Option<CollaborationMode>,
    ///Override the working directory for this turn and subsequent turns.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cwd: ::std::option::Option<::std::string::String>,
    ///EXPERIMENTAL - Request an authorized cyber program for this turn. Omission preserves automatic behavior. This does not grant access.
    #[serde(
        rename = "cyberAccessProgram",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub cyber_access_program: ::std::option::Option<CyberAccessProgram>,
    ///Replace this thread's disabled plugin IDs. Omitted/null preserves the list; [] clears it.
    #[serde(
        rename = "disabledPluginIds",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub disabled_plugin_ids: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
    ///Override the reasoning effort for this turn and subsequent turns.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub effort: ::std::option::Option<ReasoningEffort>,
    ///Optional environments for this turn and subsequent turns.
    ///
    ///Omitted uses the thread sticky environments. Empty disables environment access for this turn. Non-empty selects the first environment as the current turn environment for this turn.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub environments: ::std::option::Option<::std::vec::Vec<TurnEnvironmentParams>>,
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub input: ::std::vec::Vec<UserInput>,
    ///Override the model for this turn and subsequent turns.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    ///@deprecated Ignored. Use `effort: "ultra"` for proactive multi-agent behavior.
    #[serde(
        rename = "multiAgentMode",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub multi_agent_mode: ::std::option::Option<MultiAgentMode>,
    ///Optional JSON Schema used to constrain the final assistant message for this turn.
    #[serde(
        rename = "outputSchema",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub output_schema: ::std::option::Option<::serde_json::Value>,
    ///ID of the turn that caused this new turn to start.
    ///
    ///Set this when starting work on behalf of another turn, such as delegated work in a different thread. Leave unset for work started directly by the user. Ignored when this request adds input to an active turn.
    #[serde(
        rename = "parentTurnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub parent_turn_id: ::std::option::Option<::std::string::String>,
    ///Select a named permissions profile id for this turn and subsequent turns. Cannot be combined with `sandboxPolicy`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub permissions: ::std::option::Option<::std::string::String>,
    ///@deprecated `friendly` and `pragmatic` no longer select a style. Changing this does not rewrite the thread's existing instructions.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub personality: ::std::option::Option<Personality>,
    ///Optional metadata to enrich Codex's ResponsesAPI turn metadata. Replaces unprotected client-provided entries when supplied; an empty map clears them.
    ///
    ///Entries are flattened into the JSON string sent as `client_metadata["x-codex-turn-metadata"]` on ResponsesAPI HTTP and websocket requests.
    ///
    ///They are not sent as top-level ResponsesAPI `client_metadata` keys, and reserved keys such as `session_id`, `thread_id`, `turn_id`, and `window_id` cannot be overridden.
    #[serde(
        rename = "responsesapiClientMetadata",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub responsesapi_client_metadata: ::std::option::Option<
        ::std::collections::HashMap<::std::string::String, ::std::string::String>,
    >,
    ///Merge entries into the ResponsesAPI turn metadata without removing existing entries. Applied after `responsesapiClientMetadata` if both are provided; reserved keys remain protected.
    #[serde(
        rename = "responsesapiClientMetadataPatch",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub responsesapi_client_metadata_patch: ::std::option::Option<
        ::std::collections::HashMap<::std::string::String, ::std::string::String>,
    >,
    ///ID of the first turn in the chain of work that led to this new turn.
    ///
    ///When setting `parentTurnId`, set this to the parent turn's `rootTurnId` when known. This keeps descendant work attributed to the original turn. If omitted, the new turn becomes its own root. Ignored when this request adds input to an active turn.
    #[serde(
        rename = "rootTurnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub root_turn_id: ::std::option::Option<::std::string::String>,
    ///Replace the thread's runtime workspace roots for this turn and subsequent turns. Paths must be absolute.
    #[serde(
        rename = "runtimeWorkspaceRoots",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub runtime_workspace_roots: ::std::option::Option<::std::vec::Vec<AbsolutePathBuf>>,
    ///Override the sandbox policy for this turn and subsequent turns.
    #[serde(
        rename = "sandboxPolicy",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub sandbox_policy: ::std::option::Option<SandboxPolicy>,
    ///Override the service tier for this turn and subsequent turns.
    #[serde(
        rename = "serviceTier",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_tier: ::std::option::Option<::std::string::String>,
    ///Override the service tier only when this request starts a new turn. Use "default" for standard speed. Omitted or null inherits the thread's tier. Does not change the thread's tier or a turn being steered.
    #[serde(
        rename = "serviceTierForTurn",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub service_tier_for_turn: ::std::option::Option<::std::string::String>,
    ///Override the reasoning summary for this turn and subsequent turns.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub summary: ::std::option::Option<ReasoningSummary>,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(
        rename = "toolOutput",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub tool_output: ::std::option::Option<TurnToolOutput>,
    ///Optional source classification for the caller that starts this turn. Ignored when this request steers an already-active turn.
    #[serde(
        rename = "turnTrigger",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_trigger: ::std::option::Option<::std::string::String>,
}
///`TurnStartResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnStartResponse {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub turn: ::std::option::Option<Turn>,
}
///`TurnStartedNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnStartedNotification {
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub turn: ::std::option::Option<Turn>,
}
///`TurnStatus`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
)]
pub enum TurnStatus {
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "interrupted")]
    Interrupted,
    #[serde(rename = "failed")]
    Failed,
    #[serde(rename = "inProgress")]
    InProgress,
}
impl ::std::fmt::Display for TurnStatus {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Completed => f.write_str("completed"),
            Self::Interrupted => f.write_str("interrupted"),
            Self::Failed => f.write_str("failed"),
            Self::InProgress => f.write_str("inProgress"),
        }
    }
}
impl ::std::str::FromStr for TurnStatus {
    type Err = self::error::ConversionError;
    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "completed" => Ok(Self::Completed),
            "interrupted" => Ok(Self::Interrupted),
            "failed" => Ok(Self::Failed),
            "inProgress" => Ok(Self::InProgress),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for TurnStatus {
    type Error = self::error::ConversionError;
    fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for TurnStatus {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`TurnSteerParams`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnSteerParams {
    ///Optional client-provided context fragments keyed by an opaque source identifier.
    #[serde(
        rename = "additionalContext",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub additional_context: ::std::option::Option<
        ::std::collections::HashMap<::std::string::String, AdditionalContextEntry>,
    >,
    #[serde(
        rename = "clientUserMessageId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub client_user_message_id: ::std::option::Option<::std::string::String>,
    ///Required active turn id precondition. The request fails when it does not match the currently active turn.
    #[serde(
        rename = "expectedTurnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub expected_turn_id: ::std::option::Option<::std::string::String>,
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub input: ::std::vec::Vec<UserInput>,
    ///Optional metadata to enrich Codex's ResponsesAPI turn metadata. Replaces unprotected client-provided entries when supplied; an empty map clears them.
    ///
    ///Entries are flattened into the JSON string sent as `client_metadata["x-codex-turn-metadata"]` on ResponsesAPI HTTP and websocket requests.
    ///
    ///They are not sent as top-level ResponsesAPI `client_metadata` keys, and reserved keys such as `session_id`, `thread_id`, `turn_id`, and `window_id` cannot be overridden.
    #[serde(
        rename = "responsesapiClientMetadata",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub responsesapi_client_metadata: ::std::option::Option<
        ::std::collections::HashMap<::std::string::String, ::std::string::String>,
    >,
    ///Merge entries into the ResponsesAPI turn metadata without removing existing entries. Applied after `responsesapiClientMetadata` if both are provided; reserved keys remain protected.
    #[serde(
        rename = "responsesapiClientMetadataPatch",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub responsesapi_client_metadata_patch: ::std::option::Option<
        ::std::collections::HashMap<::std::string::String, ::std::string::String>,
    >,
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
}
///`TurnSteerResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnSteerResponse {
    #[serde(
        rename = "turnId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub turn_id: ::std::option::Option<::std::string::String>,
}
///`TurnToolOutput`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnToolOutput {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub namespace: ::std::option::Option<::std::string::String>,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub output: ::std::option::Option<FunctionCallOutputBody>,
    ///Requests retention of this output in the thread's model history.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub retain: ::std::option::Option<bool>,
}
///`TurnsPage`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TurnsPage {
    #[serde(
        rename = "backwardsCursor",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub backwards_cursor: ::std::option::Option<::std::string::String>,
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub data: ::std::vec::Vec<Turn>,
    #[serde(
        rename = "nextCursor",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub next_cursor: ::std::option::Option<::std::string::String>,
}
///`UserInput`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum UserInput {
    ///TextUserInput
    #[serde(rename = "text")]
    Text {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        text: ::std::option::Option<::std::string::String>,
        ///UI-defined spans within `text` used to render or persist special elements.
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        text_elements: ::std::vec::Vec<TextElement>,
    },
    ///ImageUserInput
    #[serde(rename = "image")]
    Image {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        detail: ::std::option::Option<ImageDetail>,
        #[serde(
            rename = "fileId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        file_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        url: ::std::option::Option<::std::string::String>,
    },
    ///LocalImageUserInput
    #[serde(rename = "localImage")]
    LocalImage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        detail: ::std::option::Option<ImageDetail>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
    },
    ///AudioUserInput
    #[serde(rename = "audio")]
    Audio {
        #[serde(
            rename = "fileId",
            skip_serializing_if = "::std::option::Option::is_none"
        )]
        file_id: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        url: ::std::option::Option<::std::string::String>,
    },
    ///LocalAudioUserInput
    #[serde(rename = "localAudio")]
    LocalAudio {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
    },
    ///SkillUserInput
    #[serde(rename = "skill")]
    Skill {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
    },
    ///MentionUserInput
    #[serde(rename = "mention")]
    Mention {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        name: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        path: ::std::option::Option<::std::string::String>,
    },
}
///`WarningNotification`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct WarningNotification {
    ///Concise warning message for the user.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<::std::string::String>,
    ///Optional thread target when the warning applies to a specific thread.
    #[serde(
        rename = "threadId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub thread_id: ::std::option::Option<::std::string::String>,
}
///`WebSearchAction`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum WebSearchAction {
    ///SearchWebSearchAction
    #[serde(rename = "search")]
    Search {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        queries: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        query: ::std::option::Option<::std::string::String>,
    },
    ///OpenPageWebSearchAction
    #[serde(rename = "openPage")]
    OpenPage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        url: ::std::option::Option<::std::string::String>,
    },
    ///FindInPageWebSearchAction
    #[serde(rename = "findInPage")]
    FindInPage {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pattern: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        url: ::std::option::Option<::std::string::String>,
    },
    #[serde(rename = "other")]
    Other,
}
/// Generation of default values for serde.
pub mod defaults {
    pub(super) fn command_execution_request_approval_params_kind(
    ) -> super::CommandExecutionApprovalKind {
        super::CommandExecutionApprovalKind::Command
    }
    pub(super) fn sandbox_policy_external_sandbox_network_access() -> super::NetworkAccess {
        super::NetworkAccess::Restricted
    }
    pub(super) fn thread_history_mode() -> super::ThreadHistoryMode {
        super::ThreadHistoryMode::Legacy
    }
    pub(super) fn thread_item_command_execution_source() -> super::CommandExecutionSource {
        super::CommandExecutionSource::Agent
    }
    pub(super) fn thread_resume_response_multi_agent_mode() -> super::MultiAgentMode {
        super::MultiAgentMode::ExplicitRequestOnly
    }
    pub(super) fn thread_start_response_multi_agent_mode() -> super::MultiAgentMode {
        super::MultiAgentMode::ExplicitRequestOnly
    }
    pub(super) fn turn_items_view() -> super::TurnItemsView {
        super::TurnItemsView::Full
    }
}
/// Error types.
pub mod error {
    /// Error from a `TryFrom` or `FromStr` implementation.
    pub struct ConversionError(::std::borrow::Cow<'static, str>);
    impl ::std::error::Error for ConversionError {}
    impl ::std::fmt::Display for ConversionError {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> Result<(), ::std::fmt::Error> {
            ::std::fmt::Display::fmt(&self.0, f)
        }
    }
    impl ::std::fmt::Debug for ConversionError {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> Result<(), ::std::fmt::Error> {
            ::std::fmt::Debug::fmt(&self.0, f)
        }
    }
    impl From<&'static str> for ConversionError {
        fn from(value: &'static str) -> Self {
            Self(value.into())
        }
    }
    impl From<String> for ConversionError {
        fn from(value: String) -> Self {
            Self(value.into())
        }
    }
}
