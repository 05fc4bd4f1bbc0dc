//! API groups. The API names the core group with the empty string; the command line, PROJECT,
//! RBAC and webhook markers and file names write it `core`.

use serde::Serialize;

/// How the command line, PROJECT, markers and file names write the core group.
pub const CORE: &str = "core";

/// An API group as the API serves it (`""` for the core group, `apps`, `webapp.example.com`).
/// Serialized as the API writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ApiGroup(String);

impl ApiGroup {
    /// The group written `written` on the command line, in PROJECT or in a marker: `core` and
    /// the empty string are the core group.
    pub fn from_written(written: &str) -> ApiGroup {
        if written == CORE {
            ApiGroup::default()
        } else {
            ApiGroup(written.to_string())
        }
    }

    /// A project's group `group` under its `domain`: `webapp.example.com`.
    pub fn of_project(group: &str, domain: &str) -> ApiGroup {
        ApiGroup(format!("{group}.{domain}"))
    }

    /// Whether this is the core group.
    pub fn is_core(&self) -> bool {
        self.0.is_empty()
    }

    /// The group as the API writes it: the empty string for the core group.
    pub fn api(&self) -> &str {
        &self.0
    }

    /// The group as the command line, PROJECT, markers and file names write it: `core` for the
    /// core group.
    pub fn written(&self) -> &str {
        if self.is_core() { CORE } else { &self.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_group_is_written_core_and_served_empty() {
        for written in ["core", ""] {
            let core = ApiGroup::from_written(written);
            assert!(core.is_core());
            assert_eq!((core.api(), core.written()), ("", "core"));
        }
        let apps = ApiGroup::from_written("apps");
        assert_eq!(
            (apps.api(), apps.written(), apps.is_core()),
            ("apps", "apps", false)
        );
        let own = ApiGroup::of_project("webapp", "example.com");
        assert_eq!(own.api(), "webapp.example.com");
        assert_eq!(serde_json::to_value(&own).unwrap(), "webapp.example.com");
        assert_eq!(
            serde_json::to_value(ApiGroup::from_written("core")).unwrap(),
            ""
        );
    }
}
