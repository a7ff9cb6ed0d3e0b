//! `ruru-ctrl-agent`: the control agent, a drop-in for `kea-ctrl-agent`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    ruru_agent::main(ruru_agent::cli::Args::parse())
}
