//! Writes a state directory before any server starts, with the orchestration bench's builder:
//! for the browser tests' long thread (`web/e2e/history.mjs`) and `make bench`.
//!
//! Usage: cargo run --release --example seed_store -- <state dir> <workspace root>
//!        [turns of thread t0 (1000)] [other threads (0)] [turns each (1)] [deltas a turn (3)]
//! Thread `t0` then holds 2 × turns messages, the last "Please do step {turns-1} of the plan."
//! followed by its answer.

#[path = "../benches/big_log.rs"]
mod big_log;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [state, root, ..] = args.as_slice() else {
        eprintln!("usage: seed_store <state dir> <workspace root> [turns] [threads] [turns each] [deltas]");
        std::process::exit(2);
    };
    let number = |i: usize, default: usize| -> usize {
        args.get(i).map_or(default, |raw| {
            raw.parse().unwrap_or_else(|_| {
                eprintln!("seed_store: argument {} is not a number: {raw}", i + 1);
                std::process::exit(2)
            })
        })
    };
    let mut turns = vec![number(2, 1000)];
    turns.extend(std::iter::repeat(number(4, 1)).take(number(3, 0)));
    let (events, took) = big_log::build(std::path::Path::new(state), root, &turns, number(5, 3));
    println!("seeded {events} events in {took:?} into {state}");
}
