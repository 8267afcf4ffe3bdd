//! The `hcx` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = hcx_cli::shell::parse(std::env::args_os().collect());
    hcx_cli::run(cli)
}
