//! `t3rs-actors`: a small actor toolkit on actix with no knowledge of T3.
//!
//! - [`supervision`]: restart a failed child with exponential backoff, give up after a bounded
//!   number of restarts in a window and tell the parent why. actix's own `Supervisor` neither
//!   backs off nor notices a panic, so this is built from a drop guard held by each child.
//! - [`child_process`]: a child process in its own process group; stdout framed into lines and
//!   delivered in order, stdin written line by line, stderr tail kept, exit reported, the whole
//!   group killed on stop.
//! - [`process_runner`]: the one way to start a child: scrubbed environment, own process group;
//!   run-to-completion with a deadline that kills the group and bounded output.
//! - [`push_relay`]: ordered fan-out with a per-subscriber sequence and a bounded in-flight queue;
//!   a subscriber that falls behind is evicted with a reason, never silently skipped.
//! - [`harness`]: mailbox harness for tests: capture what an actor sends, assert with deadlines.

pub mod child_process;
pub mod harness;
pub mod panic_capture;
pub mod process_runner;
pub mod pty;
pub mod push_relay;
pub mod supervision;

pub use supervision::{
    Ask, ChildGuard, ChildHandle, ChildUnavailable, RestartPolicy, Shutdown, Supervisor,
    SupervisorEvent, Tell,
};
