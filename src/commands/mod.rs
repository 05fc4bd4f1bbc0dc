//! One file per command. Each turns its arguments into validated settings and a plan; none of
//! them writes to disk (the engine does, after checking the whole plan).

pub mod alpha_generate;
pub mod create_api;
pub mod create_webhook;
pub mod delete_api;
pub mod deploy_image;
pub mod edit;
pub mod external;
pub mod generate;
pub mod init;
pub mod inputs;
