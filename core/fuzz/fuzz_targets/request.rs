//! The WebSocket request decoder: one client text frame to a typed request or a field error.
//! Must never panic; a decoded request or a failure must re-encode without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use t3rs_core::protocol::envelope::{decode_request, encode_error, encode_result, UNKNOWN_ID};
use t3rs_core::protocol::methods::Method;

/// The server's default limit (src/settings.rs, DEFAULT_MAX_MESSAGE_BYTES).
const MAX_BYTES: usize = 128 * 1024 * 1024;

fn check(text: &str, max_bytes: usize) {
    match decode_request(text, max_bytes) {
        Ok(request) => {
            let _ = request.method.name();
            let _ = format!("{:?}", request.method);
            if let Method::OrchestrationDispatchCommand(command) = &request.method {
                let _ = serde_json::to_string(command);
            }
            let _ = encode_result(&request.id, None);
        }
        Err(failure) => {
            let id = failure.id.as_deref().unwrap_or(UNKNOWN_ID);
            let _ = encode_error(id, &failure.message);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // actix hands the session only valid UTF-8 text frames.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text, MAX_BYTES);
    // Over the limit: only the id is read (with the lone-surrogate repair).
    if !text.is_empty() {
        check(text, text.len() - 1);
    }
});
