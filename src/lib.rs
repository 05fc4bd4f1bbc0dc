//! kubeforge: scaffold and maintain Kubernetes operators written in Rust on kube-rs.
//!
//! `run` is the whole program behind the thin `main`: it dispatches a parsed command line to the
//! command's plan, checks the plan, and shows or writes it.

pub mod cli;
pub mod commands;
pub mod crd;
pub mod derive;
pub mod description;
pub mod error;
pub mod model;
pub mod scaffold;
pub mod yaml;

use std::io::Write;

use clap::{CommandFactory, Parser};

use cli::{AlphaCommand, Cli, Command};
use error::{Error, Result};
use scaffold::{Plan, writer};

/// Runs one command line; reports go to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    let root = match &cli.directory {
        Some(dir) if dir.exists() && !dir.is_dir() => {
            return Err(Error::usage(
                format!("-C {}: not a directory", dir.display()),
                "pass the project's directory to -C",
            ));
        }
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|e| Error::Other(e.into()))?,
    };
    // Commands that read or write the project hold its lock throughout, and first finish what an
    // interrupted command left.
    let _lock = if touches_project(&cli.command) {
        let lock = scaffold::lock::acquire(&root)?;
        if lock.is_some() {
            let may_write =
                !cli.dry_run && !matches!(&cli.command, Command::Generate(args) if args.check);
            for note in scaffold::journal::recover(&root, may_write)? {
                writeln!(out, "{note}").map_err(io)?;
            }
        }
        lock
    } else {
        None
    };
    match &cli.command {
        Command::Init(_) | Command::Create(_) | Command::Delete(_) | Command::Edit(_) => {
            let plan = commands::scaffolding(Plan::new(&root), &cli.command)?;
            finish(commands::base::record(plan)?, cli.dry_run, out)
        }
        Command::Generate(args) => {
            let settings = commands::generate::Settings::resolve(args);
            let plan = commands::generate::plan(&root, &settings)?;
            if settings.check {
                return check_current(&plan, out);
            }
            finish(plan, cli.dry_run, out)
        }
        Command::Alpha(AlphaCommand::Generate(args)) => {
            let settings = commands::alpha_generate::resolve(&root, args)?;
            replay(&settings, cli.dry_run, out)
        }
        Command::Alpha(AlphaCommand::Update) => {
            let update = commands::alpha_update::plan(Plan::new(&root))?;
            finish(update.plan, cli.dry_run, out)?;
            commands::alpha_update::outcome(&update.conflicts)
        }
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&description::json_schema())
                .map_err(|e| Error::Other(e.into()))?;
            writeln!(out, "{schema}").map_err(io)?;
            Ok(())
        }
        Command::Version => {
            writeln!(out, "kubeforge {}", env!("CARGO_PKG_VERSION")).map_err(io)?;
            Ok(())
        }
        Command::Completion { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "kubeforge", out);
            Ok(())
        }
    }
}

fn touches_project(command: &Command) -> bool {
    matches!(
        command,
        Command::Init(_)
            | Command::Create(_)
            | Command::Delete(_)
            | Command::Edit(_)
            | Command::Generate(_)
            | Command::Alpha(_)
    )
}

/// `alpha generate`: runs each command into a directory beside the output, which becomes the
/// output once every command succeeded; on an error, nothing is left behind.
fn replay(
    settings: &commands::alpha_generate::Settings,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let output = &settings.output;
    if dry_run {
        for command in &settings.commands {
            writeln!(out, "run       kubeforge {}", command.join(" ")).map_err(io)?;
        }
        writeln!(out, "dry run: nothing written").map_err(io)?;
        return Ok(());
    }
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = output.with_file_name(format!(
        "{}{}",
        scaffold::journal::TEMP_PREFIX,
        name.unwrap_or_default()
    ));
    let mut fresh = || -> Result<()> {
        if temp.exists() {
            std::fs::remove_dir_all(&temp).map_err(io)?;
        }
        std::fs::create_dir_all(&temp).map_err(io)?;
        for command in &settings.commands {
            writeln!(out, "run       kubeforge {}", command.join(" ")).map_err(io)?;
            let argv = ["kubeforge".as_ref(), "-C".as_ref(), temp.as_os_str()]
                .into_iter()
                .chain(command.iter().map(|a| a.as_ref()));
            let cli = Cli::try_parse_from(argv).map_err(|e| Error::Other(e.into()))?;
            run(cli, &mut std::io::sink())?;
        }
        if output.exists() {
            std::fs::remove_dir(output).map_err(io)?;
        }
        std::fs::rename(&temp, output).map_err(io)
    };
    fresh().inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&temp);
    })?;
    writeln!(
        out,
        "create    {} (the project scaffolded afresh)",
        output.display()
    )
    .map_err(io)
}

/// Checks the plan, then prints it (with diffs on a dry run) or writes it.
fn finish(plan: Plan, dry_run: bool, out: &mut dyn Write) -> Result<()> {
    writer::check(&plan)?;
    scaffold::confine::check(&plan)?;
    write!(out, "{}", writer::summary(&plan)).map_err(io)?;
    if dry_run {
        // The scaffold base follows the files shown; its summary line says so.
        for (path, p) in plan.changes() {
            if !scaffold::base::holds(path) {
                write!(out, "{}", writer::diff(path, p)).map_err(io)?;
            }
        }
        writeln!(out, "dry run: nothing written").map_err(io)?;
        return Ok(());
    }
    writer::write(&plan)
}

/// `generate --check`: diffs of stale files, and a failure when there are any.
fn check_current(plan: &Plan, out: &mut dyn Write) -> Result<()> {
    writer::check(plan)?;
    if writer::is_noop(plan) {
        writeln!(out, "generated files are up to date").map_err(io)?;
        return Ok(());
    }
    for note in &plan.notes {
        writeln!(out, "{note}").map_err(io)?;
    }
    let mut stale = Vec::new();
    for (path, p) in plan.changes() {
        let diff = writer::diff(path, p);
        if !diff.is_empty() {
            stale.push(path.to_string());
            write!(out, "{diff}").map_err(io)?;
        }
    }
    Err(Error::Failed(format!(
        "{} generated file(s) are stale: {}\n  hint: run `kubeforge generate` and commit the result",
        stale.len(),
        stale.join(", ")
    )))
}

fn io(e: std::io::Error) -> Error {
    Error::Other(e.into())
}
