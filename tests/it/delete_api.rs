//! `kubeforge delete api`: a project from which a kind (or a version of it) is deleted is, byte
//! for byte, the project made without it; code of the user that uses the kind stops the command.

use std::path::Path;

use crate::common::{fails, ok, read, tree};

/// A project `shop` of domain example.com (with `init` flags `extra`) after `commands`.
fn project(extra: &[&str], commands: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut init = vec!["init", "--domain", "example.com", "--project-name", "shop"];
    init.extend(extra);
    ok(dir.path(), &init);
    for command in commands {
        let args: Vec<&str> = command.split_whitespace().collect();
        ok(dir.path(), &args);
    }
    dir
}

const GUESTBOOK: &str = "create api --group webapp --version v1 --kind Guestbook";
const GUESTBOOK_V2: &str = "create api --group webapp --version v2 --kind Guestbook";
const GUESTBOOK_V3: &str = "create api --group webapp --version v3 --kind Guestbook";
const GUESTBOOK_DEFAULTING: &str =
    "create webhook --group webapp --version v1 --kind Guestbook --defaulting";
const MEMCACHED: &str = "create api --group webapp --version v1 --kind Memcached";
const MEMCACHED_V2: &str = "create api --group webapp --version v2 --kind Memcached";

/// Deletes with `delete` in the project made by `with`, and compares it with the project made by
/// `without`: every file, byte for byte; `generate --check` finds nothing stale.
fn deletes_to(extra: &[&str], with: &[&str], delete: &str, without: &[&str]) {
    let dir = project(extra, with);
    let args: Vec<&str> = delete.split_whitespace().collect();
    ok(dir.path(), &args);
    ok(dir.path(), &["generate", "--check"]);
    let expected = project(extra, without);
    let (got, want) = (tree(dir.path()), tree(expected.path()));
    let differ: Vec<&String> = got
        .keys()
        .chain(want.keys())
        .filter(|p| got.get(*p) != want.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "`{delete}`: these files differ: {differ:?}"
    );
    no_empty_directories(dir.path());
}

/// Deleting a kind's last file deletes the directories it leaves empty.
fn no_empty_directories(dir: &Path) {
    for entry in walkdir(dir) {
        assert!(
            std::fs::read_dir(&entry).unwrap().next().is_some(),
            "{} is empty",
            entry.display()
        );
    }
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.ends_with("target") {
            out.push(p.clone());
            out.extend(walkdir(&p));
        }
    }
    out
}

#[test]
fn a_kind_with_webhooks_leaves_the_project_made_without_it() {
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            GUESTBOOK_DEFAULTING,
            MEMCACHED,
            "create webhook --group webapp --version v1 --kind Memcached --defaulting",
            "create webhook --group webapp --version v1 --kind Memcached --programmatic-validation",
        ],
        "delete api --group webapp --kind Memcached",
        &[GUESTBOOK, GUESTBOOK_DEFAULTING],
    );
}

#[test]
fn a_kind_created_first_leaves_the_project_made_without_it() {
    deletes_to(
        &[],
        &[MEMCACHED, GUESTBOOK, GUESTBOOK_DEFAULTING],
        "delete api --group webapp --version v1 --kind Memcached",
        &[GUESTBOOK, GUESTBOOK_DEFAULTING],
    );
}

#[test]
fn one_version_or_every_version_of_a_kind() {
    deletes_to(
        &[],
        &[GUESTBOOK, GUESTBOOK_V2],
        "delete api --group webapp --version v2 --kind Guestbook",
        &[GUESTBOOK],
    );
    deletes_to(
        &[],
        &[GUESTBOOK, MEMCACHED, MEMCACHED_V2],
        "delete api --group webapp --kind Memcached",
        &[GUESTBOOK],
    );
}

#[test]
fn a_spoke_leaves_the_conversion_of_the_others() {
    // The last spoke takes the conversion with it.
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            GUESTBOOK_V2,
            "create webhook --group webapp --version v1 --kind Guestbook --conversion --spoke v2",
        ],
        "delete api --group webapp --version v2 --kind Guestbook",
        &[GUESTBOOK],
    );
    // Another spoke keeps it, without the deleted one.
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            GUESTBOOK_V2,
            GUESTBOOK_V3,
            "create webhook --group webapp --version v1 --kind Guestbook --conversion --spoke v2,v3",
        ],
        "delete api --group webapp --version v3 --kind Guestbook",
        &[
            GUESTBOOK,
            GUESTBOOK_V2,
            "create webhook --group webapp --version v1 --kind Guestbook --conversion --spoke v2",
        ],
    );
    // Admission hooks of the hub stay.
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            GUESTBOOK_DEFAULTING,
            GUESTBOOK_V2,
            "create webhook --group webapp --version v1 --kind Guestbook --conversion --spoke v2",
        ],
        "delete api --group webapp --version v2 --kind Guestbook",
        &[GUESTBOOK, GUESTBOOK_DEFAULTING],
    );
}

#[test]
fn the_whole_kind_takes_its_conversion() {
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            MEMCACHED,
            MEMCACHED_V2,
            "create webhook --group webapp --version v1 --kind Memcached --conversion --spoke v2",
            "create webhook --group webapp --version v1 --kind Memcached --defaulting",
        ],
        "delete api --group webapp --kind Memcached",
        &[GUESTBOOK],
    );
}

#[test]
fn the_storage_version_goes_last() {
    let dir = project(&[], &[GUESTBOOK, GUESTBOOK_V2]);
    let before = tree(dir.path());
    let stderr = fails(
        dir.path(),
        &[
            "delete",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook",
        ],
        2,
    );
    assert!(
        stderr.contains("--version v1: v1 is the storage version of Guestbook")
            && stderr.contains("--version v2 --kind Guestbook --storage"),
        "{stderr}"
    );
    assert!(tree(dir.path()) == before);
}

#[test]
fn the_controller_of_a_kind_of_kubernetes() {
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            "create api --group apps --version v1 --kind Deployment --resource=false",
            "create webhook --group core --version v1 --kind Pod --defaulting",
        ],
        "delete api --group apps --version v1 --kind Deployment",
        &[
            GUESTBOOK,
            "create webhook --group core --version v1 --kind Pod --defaulting",
        ],
    );
}

#[test]
fn multigroup_modules_left_empty_go() {
    deletes_to(
        &["--multigroup"],
        &[
            GUESTBOOK,
            GUESTBOOK_DEFAULTING,
            "create api --group batch --version v1 --kind CronJob",
            "create api --group batch --version v2 --kind CronJob",
            "create webhook --group batch --version v1 --kind CronJob --programmatic-validation",
            "create webhook --group batch --version v1 --kind CronJob --conversion --spoke v2",
            "create api --group apps --version v1 --kind Deployment --resource=false",
        ],
        "delete api --group batch --kind CronJob",
        &[
            GUESTBOOK,
            GUESTBOOK_DEFAULTING,
            "create api --group apps --version v1 --kind Deployment --resource=false",
        ],
    );
    deletes_to(
        &["--multigroup"],
        &[
            GUESTBOOK,
            "create api --group apps --version v1 --kind Deployment --resource=false",
        ],
        "delete api --group apps --version v1 --kind Deployment",
        &[GUESTBOOK],
    );
}

const USER_CODE: &str = "use crate::api::v1::Memcached;

pub fn describe(m: &Memcached) -> String {
    format!(\"{:?} {:?}\", m.spec, shop::api::v1::MemcachedSpec::default())
}
";

#[test]
fn code_of_the_user_that_uses_the_kind_stops_it() {
    let dir = project(&[], &[GUESTBOOK, MEMCACHED]);
    std::fs::write(dir.path().join("src/describe.rs"), USER_CODE).unwrap();
    let before = tree(dir.path());
    let delete = ["delete", "api", "--group", "webapp", "--kind", "Memcached"];
    let stderr = fails(dir.path(), &delete, 2);
    for place in [
        "src/describe.rs:1: `crate::api::v1::Memcached`",
        "src/describe.rs:3: `Memcached`",
        "src/describe.rs:4: `shop::api::v1::MemcachedSpec::default`",
        "--force",
    ] {
        assert!(stderr.contains(place), "{place}: {stderr}");
    }
    assert!(tree(dir.path()) == before, "a refusal writes nothing");

    let mut forced = delete.to_vec();
    forced.push("--force");
    let stdout = ok(dir.path(), &forced);
    assert!(
        stdout.contains("warning   src/describe.rs:1 uses `crate::api::v1::Memcached`"),
        "{stdout}"
    );
    assert!(!dir.path().join("src/api/v1/memcached.rs").exists());
    assert_eq!(read(dir.path(), "src/describe.rs"), USER_CODE);
    ok(dir.path(), &["generate", "--check"]);
}

#[test]
fn an_injected_line_the_user_changed_is_reported_not_guessed() {
    let dir = project(&[], &[GUESTBOOK, MEMCACHED]);
    // The manager's call, rewritten by hand: no longer the injected block.
    let main = read(dir.path(), "src/main.rs");
    let call = "mgr.controller(shop::controllers::memcached::run),";
    assert!(main.contains(call), "{main}");
    let edited = main.replace(
        call,
        "mgr.controller(shop::controllers::memcached::run), // mine",
    );
    std::fs::write(dir.path().join("src/main.rs"), edited).unwrap();
    let before = tree(dir.path());
    let stderr = fails(
        dir.path(),
        &["delete", "api", "--group", "webapp", "--kind", "Memcached"],
        2,
    );
    assert!(stderr.contains("src/main.rs:"), "{stderr}");
    assert!(tree(dir.path()) == before);
}

#[test]
fn unknown_kinds_and_versions_are_refused() {
    let dir = project(&[], &[GUESTBOOK]);
    let before = tree(dir.path());
    let stderr = fails(
        dir.path(),
        &["delete", "api", "--group", "webapp", "--kind", "Memcached"],
        2,
    );
    assert!(
        stderr.contains("--kind `Memcached`: webapp Memcached is not a kind of this project")
            && stderr.contains("hint: the project's kinds: --group webapp --kind Guestbook"),
        "{stderr}"
    );
    let stderr = fails(
        dir.path(),
        &[
            "delete",
            "api",
            "--group",
            "webapp",
            "--version",
            "v2",
            "--kind",
            "Guestbook",
        ],
        2,
    );
    assert!(
        stderr.contains("--version v2: Guestbook has no version v2")
            && stderr.contains("its versions are v1"),
        "{stderr}"
    );
    let stderr = fails(
        dir.path(),
        &["delete", "api", "--group", "Web_App", "--kind", "Guestbook"],
        2,
    );
    assert!(stderr.contains("--group `Web_App`"), "{stderr}");
    assert!(tree(dir.path()) == before);
}

#[test]
fn a_dry_run_shows_the_deletions_and_writes_nothing() {
    let dir = project(&[], &[GUESTBOOK, MEMCACHED]);
    let before = tree(dir.path());
    let stdout = ok(
        dir.path(),
        &[
            "--dry-run",
            "delete",
            "api",
            "--group",
            "webapp",
            "--kind",
            "Memcached",
        ],
    );
    for line in [
        "delete    src/api/v1/memcached.rs",
        "delete    src/controllers/memcached.rs",
        "delete    config/crd/bases/webapp.example.com_memcacheds.yaml",
        "update    src/main.rs (removed at controllers)",
        "--- a/src/api/v1/memcached.rs\n+++ /dev/null",
        "dry run: nothing written",
    ] {
        assert!(stdout.contains(line), "{line}: {stdout}");
    }
    assert!(tree(dir.path()) == before);
}

#[test]
fn a_changed_webhook_configuration_stays_with_the_last_webhook() {
    let dir = project(
        &[],
        &[
            GUESTBOOK,
            MEMCACHED,
            "create webhook --group webapp --version v1 --kind Memcached --defaulting",
        ],
    );
    let certificate = dir.path().join("config/certmanager/certificate.yaml");
    let mut text = std::fs::read_to_string(&certificate).unwrap();
    text.push_str("# mine\n");
    std::fs::write(&certificate, &text).unwrap();
    let stdout = ok(
        dir.path(),
        &["delete", "api", "--group", "webapp", "--kind", "Memcached"],
    );
    assert!(
        stdout.contains("keeps the configuration of its webhook server")
            && stdout.contains("since config/certmanager/certificate.yaml was changed"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&certificate).unwrap(), text);
    assert!(dir.path().join("config/webhook/service.yaml").exists());
}

#[test]
fn a_kind_named_like_what_the_code_uses() {
    // `Result` and `Condition` name other things all over the code: only the kind's own are its.
    deletes_to(
        &[],
        &[
            GUESTBOOK,
            "create api --group webapp --version v1 --kind Result",
            "create webhook --group webapp --version v1 --kind Result --defaulting --programmatic-validation",
            "create api --group webapp --version v1 --kind Condition",
        ],
        "delete api --group webapp --kind Result",
        &[
            GUESTBOOK,
            "create api --group webapp --version v1 --kind Condition",
        ],
    );
}

#[test]
fn a_glob_import_of_the_version_module_is_followed() {
    let dir = project(&[], &[GUESTBOOK, MEMCACHED]);
    let code = "use crate::api::v1::*;\n\npub fn size(m: &Memcached) -> usize {\n    m.spec.foo.as_ref().map_or(0, String::len)\n}\n\npub fn other(g: &Guestbook) -> bool {\n    g.spec.foo.is_some()\n}\n";
    std::fs::write(dir.path().join("src/size.rs"), code).unwrap();
    let stderr = fails(
        dir.path(),
        &["delete", "api", "--group", "webapp", "--kind", "Memcached"],
        2,
    );
    assert!(stderr.contains("src/size.rs:3: `Memcached`"), "{stderr}");
    assert!(!stderr.contains("src/size.rs:1"), "{stderr}");
    assert!(!stderr.contains("src/size.rs:7"), "{stderr}");
}
