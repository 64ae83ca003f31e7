//! The boundary decoder: a client's JSON into a validated [`ClientCommand`], every error naming
//! its field.

use serde::de::{self, DeserializeOwned, Visitor};
use serde::Deserializer;
use serde_json::Value;

use super::client::*;
use crate::field_error::json_kind;
use crate::field_error::FieldError;
use crate::orchestration::model::{AgentKind, ModelSelection, ProjectScript};

/// Decodes and validates a client command. Error fields are paths relative to the command
/// (`threadId`, `message.attachments[0].name`); the caller prefixes its own location. Ids and
/// other non-empty strings come back trimmed, as the reference's `Schema.Trim` does.
pub fn decode_client_command(value: Value) -> Result<ClientCommand, FieldError> {
    let type_name = match &value {
        Value::Object(map) => match map.get("type") {
            Some(Value::String(name)) => name.clone(),
            Some(other) => {
                return Err(FieldError::new(
                    "type",
                    format!("expected a string, got {}", json_kind(other)),
                ))
            }
            None => return Err(FieldError::new("type", "missing")),
        },
        other => {
            return Err(FieldError::new(
                "",
                format!("expected an object, got {}", json_kind(other)),
            ))
        }
    };
    use ClientCommand as C;
    // Each variant is decoded on its own: serde loses field paths inside tagged enums.
    let mut command = match type_name.as_str() {
        "project.create" => C::ProjectCreate(typed(value)?),
        "project.meta.update" => C::ProjectMetaUpdate(typed(value)?),
        "project.delete" => C::ProjectDelete(typed(value)?),
        "thread.create" => C::ThreadCreate(typed(value)?),
        "thread.delete" => C::ThreadDelete(typed(value)?),
        "thread.meta.update" => C::ThreadMetaUpdate(typed(value)?),
        "thread.runtime-mode.set" => C::ThreadRuntimeModeSet(typed(value)?),
        "thread.interaction-mode.set" => C::ThreadInteractionModeSet(typed(value)?),
        "thread.turn.start" => C::ThreadTurnStart(typed(value)?),
        "thread.turn.interrupt" => C::ThreadTurnInterrupt(typed(value)?),
        "thread.approval.respond" => C::ThreadApprovalRespond(typed(value)?),
        "thread.user-input.respond" => C::ThreadUserInputRespond(typed(value)?),
        "thread.checkpoint.revert" => C::ThreadCheckpointRevert(typed(value)?),
        "thread.session.stop" => C::ThreadSessionStop(typed(value)?),
        "thread.archive" => C::ThreadArchive(typed(value)?),
        "thread.unarchive" => C::ThreadUnarchive(typed(value)?),
        other => {
            return Err(FieldError::new(
                "type",
                format!("Unknown command type: {other}"),
            ))
        }
    };
    validate(&mut command)?;
    Ok(command)
}

/// A model is named, and an `acp` selection names the declared instance it runs on.
fn model_selection(field: &str, selection: &mut ModelSelection) -> Result<(), FieldError> {
    non_empty(&join(field, "model"), &mut selection.model)?;
    match (selection.provider, &mut selection.instance_id) {
        (AgentKind::Acp, None) => Err(FieldError::new(
            join(field, "instanceId"),
            "missing (an \"acp\" selection names the declared ACP instance)",
        )),
        (_, Some(instance)) => non_empty(&join(field, "instanceId"), instance),
        (_, None) => Ok(()),
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = err.into_inner().to_string();
        // serde reports a missing field at its container; name the field itself instead.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            return FieldError::new(join(&path, name), "missing");
        }
        FieldError::new(path, message)
    })
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Accepts any JSON number that is a whole number ≥ 0 (`3.0` included, as JavaScript does).
pub(super) fn non_negative_int<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<u64, D::Error> {
    struct NonNegativeInt;
    const MESSAGE: &str = "must be an integer greater than or equal to 0";
    impl Visitor<'_> for NonNegativeInt {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an integer greater than or equal to 0")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{MESSAGE}, got {v}")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 {
                Ok(v as u64)
            } else {
                Err(E::custom(format!("{MESSAGE}, got {v}")))
            }
        }
    }
    deserializer.deserialize_any(NonNegativeInt)
}

/// String length as JavaScript counts it (UTF-16 units), which is what the limits were set in.
fn js_len(value: &str) -> usize {
    value.encode_utf16().count()
}

fn non_empty(field: &str, value: &mut String) -> Result<(), FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must be a non-empty string"));
    }
    if trimmed.len() != value.len() {
        *value = trimmed.to_string();
    }
    Ok(())
}

fn opt_non_empty(field: &str, value: &mut Option<String>) -> Result<(), FieldError> {
    match value {
        Some(inner) => non_empty(field, inner),
        None => Ok(()),
    }
}

fn max_len(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    // Byte length bounds the UTF-16 length, so short strings skip the count.
    if value.len() > max && js_len(value) > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

fn timestamp(field: &str, value: &str) -> Result<(), FieldError> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|_| ())
        .map_err(|_| FieldError::new(field, "must be an ISO-8601 date-time"))
}

fn validate_scripts(scripts: &mut [ProjectScript]) -> Result<(), FieldError> {
    for (index, script) in scripts.iter_mut().enumerate() {
        let at = |name: &str| format!("scripts[{index}].{name}");
        non_empty(&at("id"), &mut script.id)?;
        non_empty(&at("name"), &mut script.name)?;
        non_empty(&at("command"), &mut script.command)?;
    }
    Ok(())
}

fn validate_attachment(index: usize, item: &mut TurnAttachment) -> Result<(), FieldError> {
    let at = |name: &str| format!("message.attachments[{index}].{name}");
    if let Some(id) = &mut item.id {
        non_empty(&at("id"), id)?;
        max_len(&at("id"), id, MAX_ATTACHMENT_ID_CHARS)?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if !id.chars().all(allowed) {
            return Err(FieldError::new(
                at("id"),
                "must contain only letters, digits, '_' and '-'",
            ));
        }
    }
    non_empty(&at("name"), &mut item.name)?;
    max_len(&at("name"), &item.name, MAX_ATTACHMENT_NAME_CHARS)?;
    non_empty(&at("mimeType"), &mut item.mime_type)?;
    max_len(&at("mimeType"), &item.mime_type, MAX_ATTACHMENT_MIME_CHARS)?;
    let is_image = item
        .mime_type
        .get(..6)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("image/"));
    if !is_image {
        return Err(FieldError::new(at("mimeType"), "must start with 'image/'"));
    }
    if item.size_bytes > MAX_IMAGE_BYTES {
        return Err(FieldError::new(
            at("sizeBytes"),
            format!("must be at most {MAX_IMAGE_BYTES} bytes"),
        ));
    }
    match &mut item.data_url {
        Some(data_url) => {
            non_empty(&at("dataUrl"), data_url)?;
            max_len(&at("dataUrl"), data_url, MAX_IMAGE_DATA_URL_CHARS)?;
        }
        // An image must carry either its bytes (upload) or the id of stored bytes.
        None if item.id.is_none() => return Err(FieldError::new(at("dataUrl"), "missing")),
        None => {}
    }
    Ok(())
}

fn validate(command: &mut ClientCommand) -> Result<(), FieldError> {
    use ClientCommand as C;
    non_empty("commandId", command_id_mut(command))?;
    match command {
        C::ProjectCreate(c) => {
            non_empty("projectId", &mut c.project_id)?;
            non_empty("title", &mut c.title)?;
            non_empty("workspaceRoot", &mut c.workspace_root)?;
            opt_non_empty("defaultModel", &mut c.default_model)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ProjectMetaUpdate(c) => {
            non_empty("projectId", &mut c.project_id)?;
            opt_non_empty("title", &mut c.title)?;
            opt_non_empty("workspaceRoot", &mut c.workspace_root)?;
            opt_non_empty("defaultModel", &mut c.default_model)?;
            if let Some(scripts) = &mut c.scripts {
                validate_scripts(scripts)?;
            }
        }
        C::ProjectDelete(c) => non_empty("projectId", &mut c.project_id)?,
        C::ThreadCreate(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("projectId", &mut c.project_id)?;
            non_empty("title", &mut c.title)?;
            if let Some(selection) = &mut c.model_selection {
                model_selection("modelSelection", selection)?;
                if c.model.trim().is_empty() {
                    c.model.clone_from(&selection.model);
                }
            }
            non_empty("model", &mut c.model)?;
            opt_non_empty("branch", &mut c.branch)?;
            opt_non_empty("worktreePath", &mut c.worktree_path)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadDelete(c) => non_empty("threadId", &mut c.thread_id)?,
        C::ThreadMetaUpdate(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            opt_non_empty("title", &mut c.title)?;
            opt_non_empty("model", &mut c.model)?;
            if let Some(branch) = &mut c.branch {
                opt_non_empty("branch", branch)?;
            }
            if let Some(path) = &mut c.worktree_path {
                opt_non_empty("worktreePath", path)?;
            }
        }
        C::ThreadRuntimeModeSet(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadInteractionModeSet(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadTurnStart(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("message.messageId", &mut c.message.message_id)?;
            max_len("message.text", &c.message.text, MAX_TURN_TEXT_CHARS)?;
            if c.message.attachments.len() > MAX_TURN_ATTACHMENTS {
                return Err(FieldError::new(
                    "message.attachments",
                    format!("must have at most {MAX_TURN_ATTACHMENTS} items"),
                ));
            }
            for (index, item) in c.message.attachments.iter_mut().enumerate() {
                validate_attachment(index, item)?;
            }
            opt_non_empty("model", &mut c.model)?;
            if let Some(selection) = &mut c.model_selection {
                model_selection("modelSelection", selection)?;
            }
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadTurnInterrupt(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            opt_non_empty("turnId", &mut c.turn_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadApprovalRespond(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("requestId", &mut c.request_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadUserInputRespond(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("requestId", &mut c.request_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadCheckpointRevert(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadSessionStop(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadArchive(c) | C::ThreadUnarchive(c) => non_empty("threadId", &mut c.thread_id)?,
    }
    Ok(())
}

fn command_id_mut(command: &mut ClientCommand) -> &mut String {
    use ClientCommand as C;
    match command {
        C::ProjectCreate(c) => &mut c.command_id,
        C::ProjectMetaUpdate(c) => &mut c.command_id,
        C::ProjectDelete(c) => &mut c.command_id,
        C::ThreadCreate(c) => &mut c.command_id,
        C::ThreadDelete(c) => &mut c.command_id,
        C::ThreadMetaUpdate(c) => &mut c.command_id,
        C::ThreadRuntimeModeSet(c) => &mut c.command_id,
        C::ThreadInteractionModeSet(c) => &mut c.command_id,
        C::ThreadTurnStart(c) => &mut c.command_id,
        C::ThreadTurnInterrupt(c) => &mut c.command_id,
        C::ThreadApprovalRespond(c) => &mut c.command_id,
        C::ThreadUserInputRespond(c) => &mut c.command_id,
        C::ThreadCheckpointRevert(c) => &mut c.command_id,
        C::ThreadSessionStop(c) => &mut c.command_id,
        C::ThreadArchive(c) | C::ThreadUnarchive(c) => &mut c.command_id,
    }
}
