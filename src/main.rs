use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    // Fault injection for the fault tests: FAILPOINTS names the failpoints and what they do
    // (`name=action;…`, the `fail` crate's syntax). Only in a build with the feature.
    #[cfg(feature = "failpoints")]
    let _failpoints = fail::FailScenario::setup();
    t3rs::app::main_with(t3rs::settings::Cli::parse())
}
