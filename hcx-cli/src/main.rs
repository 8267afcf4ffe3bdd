//! The `hcx` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    match hcx_cli::shell::parse(std::env::args_os().collect()) {
        Ok(cli) => hcx_cli::run(cli),
        Err(exit) => exit.into(),
    }
}
