//! The `masthead` binary: parse the command line and hand over to the library.

use clap::Parser;
use masthead::cli::Cli;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match masthead::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("masthead: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
