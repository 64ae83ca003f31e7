//! A turn on an ACP agent: the prompt (text and images), after a switch to the agent's mode
//! for the turn when it is in another.

use actix::prelude::*;
use serde_json::{json, Value};

use super::{answer, AcpDriver, Waiter, PROMPT_TIMEOUT};
use crate::orchestration::model::InteractionMode;
use crate::provider::acp_events::{request, AgentModes, ModelChoice};
use crate::provider::driver::{DriverEventBody, ProviderError, TurnInput};
use crate::runtime::driver_messages::StartTurn;
use crate::runtime::{new_id, now_iso};

impl AcpDriver {
    fn prompt_params(&self, session: &str, input: &TurnInput) -> Result<Value, ProviderError> {
        let mut prompt = Vec::new();
        if !input.text.trim().is_empty() {
            prompt.push(json!({ "type": "text", "text": input.text }));
        }
        if !input.images.is_empty() && !self.factory.capabilities().images {
            return Err(ProviderError::Unsupported(
                "this ACP agent takes no images".into(),
            ));
        }
        for image in &input.images {
            let (mime, data) = image.inline()?;
            prompt.push(json!({ "type": "image", "mimeType": mime, "data": data }));
        }
        Ok(json!({ "sessionId": session, "prompt": prompt }))
    }
}

impl Handler<StartTurn> for AcpDriver {
    type Result = ResponseActFuture<Self, Result<String, ProviderError>>;

    fn handle(&mut self, msg: StartTurn, _ctx: &mut Self::Context) -> Self::Result {
        let fail = |e| Box::pin(actix::fut::ready(Err(e))) as Self::Result;
        if msg.generation != self.generation {
            return fail(ProviderError::gone("the ACP session ended"));
        }
        if self.live.is_none() || self.session.as_deref() != Some(msg.conversation.as_str()) {
            return fail(ProviderError::gone(
                "the ACP agent has not opened this conversation",
            ));
        }
        let params = match self.prompt_params(&msg.conversation, &msg.input) {
            Ok(params) => params,
            Err(e) => return fail(e),
        };
        let delivery = msg.input.delivery;
        let (runtime, interaction) = (msg.input.runtime_mode, msg.input.interaction_mode);
        // Plan turns are offered until the agent's session says which modes it has; one
        // without a plan mode must not run a plan turn as an ordinary (acting) one.
        if interaction == InteractionMode::Plan
            && !self.modes.as_ref().is_some_and(AgentModes::has_plan)
        {
            return fail(ProviderError::Unsupported(
                "this ACP agent has no plan mode; send the message in default mode".into(),
            ));
        }
        let conversation = msg.conversation;
        let switch = self
            .modes
            .as_ref()
            .and_then(|m| m.switch(runtime, interaction))
            .map(|mode| {
                let params = json!({ "sessionId": conversation, "modeId": mode });
                (mode, self.call("session/set_mode", params))
            });
        // The turn's model, when the agent offers models (both requests go out now; the
        // agent answers them in order, and the prompt follows the answers).
        let choice = self.models.as_ref().map_or(ModelChoice::Keep, |m| {
            m.choose(&msg.input.model_selection.model)
        });
        let (model_switch, not_offered) = match choice {
            ModelChoice::Keep => (None, None),
            ModelChoice::Switch(model) => {
                let params = json!({ "sessionId": conversation, "modelId": model });
                (Some((model, self.call("session/set_model", params))), None)
            }
            ModelChoice::NotOffered(model) => (None, Some(model)),
        };
        Box::pin(
            async move {
                let mode = match switch {
                    Some((mode, rx)) => Some((mode, answer(rx).await)),
                    None => None,
                };
                let model = match model_switch {
                    Some((model, rx)) => Some((model, answer(rx).await)),
                    None => None,
                };
                (mode, model)
            }
            .into_actor(self)
            .map(move |(switched, model), act, _ctx| {
                act.translator.set_delivery(delivery);
                let turn_id = new_id();
                let mut effects = act.translator.begin_turn(&turn_id);
                let now = now_iso();
                match model {
                    Some((model, Ok(_))) => {
                        if let Some(models) = act.models.as_mut() {
                            models.current = Some(model);
                        }
                    }
                    Some((model, Err(e))) => {
                        effects.push(act.translator.model_not_taken(&model, &e.message, &now))
                    }
                    None => {}
                }
                if let Some(model) = not_offered {
                    let why = "it does not offer it";
                    effects.push(act.translator.model_not_taken(&model, why, &now));
                }
                match switched {
                    Some((mode, Ok(_))) => {
                        if let Some(modes) = act.modes.as_mut() {
                            modes.current = Some(mode);
                        }
                    }
                    Some((mode, Err(e))) => {
                        effects.push(act.translator.mode_refused(&mode, &e.message, &now_iso()))
                    }
                    None => {}
                }
                let id = act.pending.add(
                    "session/prompt",
                    PROMPT_TIMEOUT,
                    Waiter::Prompt {
                        turn_id: turn_id.clone(),
                    },
                );
                act.write(request(id, "session/prompt", params))?;
                act.tell(DriverEventBody::Runtime(effects), None);
                Ok(turn_id)
            }),
        )
    }
}
