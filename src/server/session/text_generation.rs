//! DP Code's one-shot text generation and voice (dpcode.md §3, §4): `server.generateThreadRecap`
//! and `git.summarizeDiff` through the selected provider's one-shot mode
//! ([`crate::runtime::text_generation`]), `server.transcribeVoice` through the configured
//! endpoint ([`crate::runtime::voice_transcription`]). All of it runs off the session's thread;
//! the settings are read once, when the request arrives.

use std::path::Path;

use actix_web_actors::ws;
use serde_json::json;

use super::{off_thread, Session};
use crate::protocol::reply_error::ReplyError;
use crate::protocol::settings::ServerSettings;
use crate::protocol::text_generation::{
    SummarizeDiffParams, ThreadRecapParams, TranscribeVoiceParams,
};
use crate::runtime::{text_generation, voice_transcription};

/// A one-shot CLI or the endpoint failed: its own words are the wrapped cause (dpcode.md §8).
fn failed(context: &str, err: String) -> ReplyError {
    ReplyError::wrapped(format!("{context}{err}"), err)
}

impl Session {
    fn settings_now(&self) -> ServerSettings {
        self.app
            .runtime
            .settings_share
            .as_ref()
            .map(|share| share.get())
            .unwrap_or_default()
    }

    pub(super) fn thread_recap(
        &mut self,
        id: String,
        params: ThreadRecapParams,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let settings = self.settings_now();
        let timeout = crate::spawn::deadlines().codex_exec;
        let work = async move {
            let writer = text_generation::writer(&settings, &params.choice)?;
            let recap = off_thread("generating the recap", move || {
                let prompt = text_generation::thread_recap_prompt(&params);
                let answer =
                    text_generation::generate(&writer, Path::new(&params.cwd), &prompt, timeout)
                        .map_err(|e| failed("Failed to generate thread recap: ", e))?;
                Ok(text_generation::clean_recap(
                    &answer,
                    params.previous_recap.as_deref(),
                ))
            })
            .await?;
            Ok::<_, ReplyError>(json!({ "recap": recap }).to_string())
        };
        self.reply_later(id, work, ctx);
    }

    pub(super) fn summarize_diff(
        &mut self,
        id: String,
        params: SummarizeDiffParams,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let settings = self.settings_now();
        let timeout = crate::spawn::deadlines().codex_exec;
        let work = async move {
            let writer = text_generation::writer(&settings, &params.choice)?;
            let summary = off_thread("summarizing the diff", move || {
                let prompt = text_generation::diff_summary_prompt(&params);
                let answer =
                    text_generation::generate(&writer, Path::new(&params.cwd), &prompt, timeout)
                        .map_err(|e| failed("Failed to summarize the diff: ", e))?;
                Ok(text_generation::clean_summary(&answer))
            })
            .await?;
            Ok::<_, ReplyError>(json!({ "summary": summary }).to_string())
        };
        self.reply_later(id, work, ctx);
    }

    pub(super) fn transcribe_voice(
        &mut self,
        id: String,
        params: Box<TranscribeVoiceParams>,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let config = self.settings_now().voice_transcription;
        let work = async move {
            let text = off_thread("transcribing the clip", move || {
                if config.endpoint().is_none() {
                    return Err(crate::protocol::settings::voice::NOT_CONFIGURED.into());
                }
                let audio = voice_transcription::decode_clip(&params)?;
                voice_transcription::transcribe(&config, &audio).map_err(|e| failed("", e))
            })
            .await?;
            Ok::<_, ReplyError>(json!({ "text": text }).to_string())
        };
        self.reply_later(id, work, ctx);
    }
}
