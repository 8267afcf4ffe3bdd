//! The `hcx` command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = hcx_cli::Cli::parse();
    hcx_cli::run(cli)
}
