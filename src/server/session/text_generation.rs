//! DP Code's one-shot text generation and voice (dpcode.md §3, §4): `server.generateThreadRecap`
//! and `git.summarizeDiff` through the selected provider's one-shot mode
//! ([`crate::runtime::text_generation`]), `server.transcribeVoice` through the configured
//! endpoint ([`crate::runtime::voice_transcription`]). All of it runs off the session's thread;
//! the settings are read once, when the request arrives.

use std::path::Path;

use actix_web_actors::ws;
use serde_json::json;

use super::Session;
use crate::protocol::settings::ServerSettings;
use crate::protocol::text_generation::{
    SummarizeDiffParams, ThreadRecapParams, TranscribeVoiceParams,
};
use crate::runtime::{text_generation, voice_transcription};

/// Runs `work` on the blocking pool.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    actix_web::rt::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("the work was lost: {e}"))?
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
            let recap = off_thread(move || {
                let prompt = text_generation::thread_recap_prompt(&params);
                let answer =
                    text_generation::generate(&writer, Path::new(&params.cwd), &prompt, timeout)
                        .map_err(|e| format!("Failed to generate thread recap: {e}"))?;
                Ok(text_generation::clean_recap(
                    &answer,
                    params.previous_recap.as_deref(),
                ))
            })
            .await?;
            Ok::<_, String>(json!({ "recap": recap }).to_string())
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
            let summary = off_thread(move || {
                let prompt = text_generation::diff_summary_prompt(&params);
                let answer =
                    text_generation::generate(&writer, Path::new(&params.cwd), &prompt, timeout)
                        .map_err(|e| format!("Failed to summarize the diff: {e}"))?;
                Ok(text_generation::clean_summary(&answer))
            })
            .await?;
            Ok::<_, String>(json!({ "summary": summary }).to_string())
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
            let text = off_thread(move || {
                if config.endpoint().is_none() {
                    return Err(crate::protocol::settings::voice::NOT_CONFIGURED.to_string());
                }
                let audio = voice_transcription::decode_clip(&params)?;
                voice_transcription::transcribe(&config, &audio)
            })
            .await?;
            Ok::<_, String>(json!({ "text": text }).to_string())
        };
        self.reply_later(id, work, ctx);
    }
}
