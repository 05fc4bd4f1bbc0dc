//! The `deploy-image` plugin of `kubeforge create api`, as kubebuilder's `deploy-image/v1-alpha`:
//! a controller that runs an image in a Deployment owned by each object of the kind.

use crate::cli::CreateApiArgs;
use crate::error::{Error, Result};
use crate::model::project::DeployImageOptions;
use crate::scaffold::{Plan, TemplateContext, Templates, markers};

/// The plugins `--plugins` knows, as kubebuilder names them.
pub const PLUGINS: &[&str] = &["deploy-image", "deploy-image/v1-alpha"];

/// The options of the plugin, when `--plugins` names it; every flag checked.
pub fn options(args: &CreateApiArgs) -> Result<Option<DeployImageOptions>> {
    if let Some(unknown) = args.plugins.iter().find(|p| !PLUGINS.contains(&p.as_str())) {
        return Err(Error::usage(
            format!("--plugins `{unknown}`: no such plugin"),
            format!("the known plugins are {}", PLUGINS.join(", ")),
        ));
    }
    if args.plugins.is_empty() {
        return match given_flag(args) {
            Some(flag) => Err(Error::usage(
                format!("{flag} needs --plugins deploy-image"),
                format!("add --plugins deploy-image, or leave out {flag}"),
            )),
            None => Ok(None),
        };
    }
    check_kind_flags(args)?;
    let image = match args.image.as_deref().map(str::trim) {
        None => {
            return Err(Error::usage(
                "--plugins deploy-image needs --image",
                "pass the container image, e.g. --image memcached:1.6.26-alpine",
            ));
        }
        Some(i) if i.is_empty() || i.contains(char::is_whitespace) => {
            return Err(Error::usage(
                format!("--image `{i}` is not an image reference"),
                "pass the container image, e.g. --image memcached:1.6.26-alpine",
            ));
        }
        Some(i) => i.to_string(),
    };
    Ok(Some(DeployImageOptions {
        image,
        container_command: command(args.image_container_command.as_deref())?,
        container_port: port(args.image_container_port)?,
        run_as_user: user(args.run_as_user)?,
    }))
}

/// The first plugin flag given, by name.
fn given_flag(args: &CreateApiArgs) -> Option<&'static str> {
    [
        (args.image.is_some(), "--image"),
        (
            args.image_container_command.is_some(),
            "--image-container-command",
        ),
        (
            args.image_container_port.is_some(),
            "--image-container-port",
        ),
        (args.run_as_user.is_some(), "--run-as-user"),
    ]
    .into_iter()
    .find_map(|(given, flag)| given.then_some(flag))
}

/// Refuses the flags that leave the plugin nothing to scaffold or nowhere to run the image.
fn check_kind_flags(args: &CreateApiArgs) -> Result<()> {
    let refuse = |flag: &str, why: &str| {
        Err(Error::usage(
            format!("--plugins deploy-image with {flag}: {why}"),
            format!("leave out {flag}"),
        ))
    };
    if args.resource == Some(false) {
        return refuse("--resource=false", "the plugin scaffolds the kind's types");
    }
    if args.from.is_some() {
        return refuse("--from", "the plugin scaffolds the kind's types itself");
    }
    if args.controller == Some(false) {
        return refuse("--controller=false", "the plugin scaffolds the controller");
    }
    if args.namespaced == Some(false) {
        return refuse(
            "--namespaced=false",
            "the Deployment lives in the namespace of its object",
        );
    }
    Ok(())
}

/// `--image-container-command`: words separated by commas, none empty.
fn command(flag: Option<&str>) -> Result<Vec<String>> {
    let Some(flag) = flag else {
        return Ok(Vec::new());
    };
    let words: Vec<String> = flag.split(',').map(str::to_string).collect();
    if words.iter().any(|w| w.trim().is_empty()) {
        return Err(Error::usage(
            format!("--image-container-command `{flag}` has an empty word"),
            "separate the words of the command with single commas, e.g. memcached,-m=64,-v",
        ));
    }
    Ok(words)
}

/// `--image-container-port`: a TCP port.
fn port(flag: Option<i64>) -> Result<Option<i32>> {
    match flag {
        None => Ok(None),
        Some(p) if (1..=65535).contains(&p) => Ok(Some(p as i32)),
        Some(p) => Err(Error::usage(
            format!("--image-container-port {p} is not a port"),
            "pass a port from 1 to 65535, e.g. --image-container-port 11211",
        )),
    }
}

/// `--run-as-user`: a user ID.
fn user(flag: Option<i64>) -> Result<Option<i64>> {
    match flag {
        Some(u) if !(0..=i64::from(i32::MAX)).contains(&u) => Err(Error::usage(
            format!("--run-as-user {u} is not a user ID"),
            "pass a user ID from 0 to 2147483647, e.g. --run-as-user 1001",
        )),
        other => Ok(other),
    }
}

/// Adds the image's environment variable to the manager's container. A project whose
/// `config/manager/manager.yaml` lacks the marker (made before it existed) is told what to add:
/// until then the controller runs the image it was scaffolded with.
pub fn inject_env(plan: &mut Plan, templates: &Templates, ctx: &TemplateContext) -> Result<()> {
    match markers::MANAGER_ENV.inject(plan, templates, ctx) {
        Err(Error::MarkerMissing {
            file,
            marker,
            fragment,
        }) => {
            plan.notes.push(format!(
                "warning   {} has no line `{marker}`: add this to the `env` of the manager's container:\n{fragment}",
                file.display()
            ));
            Ok(())
        }
        other => other,
    }
}
