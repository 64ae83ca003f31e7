//! The JSON-RPC line reader of the codex app-server connection: each line codex writes on
//! stdout is classified (`parse_line`), and, as the thread session does, notifications and
//! codex's own requests are fed to one thread's translator. The input is a run of lines, so
//! the translator's state (open turns, messages, plans, pending approvals) is exercised too.
//! Must never panic; what comes out must re-encode without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use t3rs::provider::codex_events::CodexTranslator;
use t3rs::provider::jsonrpc::{error_line, parse_line, response_line, Incoming};

const NOW: &str = "2026-01-01T00:00:00.000Z";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut n = 0u64;
    let mut translator = CodexTranslator::with_ids("t1", move || {
        n += 1;
        format!("id{n}")
    });
    for line in text.lines() {
        match parse_line(line) {
            Ok(Incoming::Response { id, outcome }) => {
                let _ = format!("{id} {outcome:?}");
            }
            Ok(Incoming::Notification { method, params }) => {
                let effects = translator.notification(&method, &params, NOW);
                let _ = format!("{effects:?}");
            }
            Ok(Incoming::Request { id, method, params }) => {
                let _ = error_line(&id, -32601, &method);
                let effects = translator.server_request(id.clone(), &method, &params, NOW);
                let _ = response_line(&id, &params);
                let _ = format!("{effects:?}");
            }
            Err(err) => {
                // What the connection does with an unreadable line.
                let mut line = line.to_string();
                let _ = err.to_string();
                t3rs_core::text::truncate_within(&mut line, 2_000);
            }
        }
    }
    let mut out = translator.cancel_pending("fuzz", NOW);
    translator.finish_open(&mut out);
    out.extend(translator.process_gone("fuzz", NOW));
    let _ = format!("{out:?}");
});
