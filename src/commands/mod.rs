//! One file per command. Each turns its arguments into validated settings and a plan; none of
//! them writes to disk (the engine does, after checking the whole plan).

pub mod alpha_generate;
pub mod alpha_update;
pub mod base;
pub mod create_api;
pub mod create_apiserver;
pub mod create_webhook;
pub mod delete_api;
pub mod deploy_image;
pub mod edit;
pub mod external;
pub mod generate;
pub mod init;
pub mod inputs;

use crate::cli::{Command, CreateCommand, DeleteCommand};
use crate::error::{Error, Result};
use crate::scaffold::Plan;

/// The plan of a command that scaffolds or changes the project's files (`init`, `create`,
/// `delete`, `edit`), made on `plan`.
pub fn scaffolding(plan: Plan, command: &Command) -> Result<Plan> {
    match command {
        Command::Init(args) => init::plan(plan, args),
        Command::Create(CreateCommand::Api(args)) => create_api::plan(plan, args),
        Command::Create(CreateCommand::Webhook(args)) => create_webhook::plan(plan, args),
        Command::Create(CreateCommand::Apiserver(args)) => create_apiserver::plan(plan, args),
        Command::Delete(DeleteCommand::Api(args)) => delete_api::plan(plan, args),
        Command::Edit(args) => edit::plan(plan, args),
        other => Err(Error::Other(anyhow::anyhow!(
            "{other:?} does not scaffold the project"
        ))),
    }
}
