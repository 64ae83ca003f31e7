//! The client-command decoder: the `command` of `orchestration.dispatchCommand`, any JSON, to
//! a validated `ClientCommand` or a field error. Must never panic; a decoded command must
//! re-encode (serde) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use t3rs_core::orchestration::commands::decode_client_command;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    match decode_client_command(value) {
        Ok(command) => {
            let _ = (
                command.command_id(),
                command.type_name(),
                command.aggregate(),
            );
            let _ = serde_json::to_string(&command);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
