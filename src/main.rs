use std::process::ExitCode;

use clap::Parser;

/// The allocator of the process (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The stack of the thread that runs the command. Parsing Rust source (syn) recurses once or
/// more per level of nesting: source at kubeforge's nesting limit takes up to 1 MiB of stack in
/// a release build and up to 8 MiB in a debug build, as much as or more than a main thread gets
/// (1 MiB on Windows, 8 MiB on Linux). The memory is reserved; only what is used is touched.
const STACK_SIZE: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = match kubeforge::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let worker = std::thread::Builder::new()
        .name("kubeforge".into())
        .stack_size(STACK_SIZE)
        .spawn(move || run(cli));
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        // The panic was reported where it happened; it ends the process as it would have here.
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => {
            eprintln!("error: cannot start a thread: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the command; reports go to stdout, errors to stderr.
fn run(cli: kubeforge::cli::Cli) -> ExitCode {
    let stdout = std::io::stdout();
    match kubeforge::run(cli, &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
