//! CRD conversion: the API server sends a `ConversionReview` to `/convert` when it needs an
//! object in another version than the one stored. Each object goes from its version to the hub
//! (the storage version) and from the hub to the version asked for, through the `TryFrom`
//! impls between the hub and each other version (a spoke). An object already in the version
//! asked for is returned as it is. When one object fails, the review fails with its message, and
//! the API server refuses the request.
//!
//! # Example
//!
//! `v1` is the hub; `v2`, a spoke, holds the size as text.
//!
//! ```
//! # use kube::CustomResource;
//! # use schemars::JsonSchema;
//! # use serde::{Deserialize, Serialize};
//! # mod v1 {
//! #     use super::*;
//! #     #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
//! #     #[kube(group = "example.com", version = "v1", kind = "Widget", namespaced)]
//! #     pub struct WidgetSpec { pub size: u32 }
//! # }
//! # mod v2 {
//! #     use super::*;
//! #     #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
//! #     #[kube(group = "example.com", version = "v2", kind = "Widget", namespaced)]
//! #     pub struct WidgetSpec { pub size: String }
//! # }
//! use kubeforge_runtime::manager::webhook::{ConversionError, Webhook};
//!
//! impl TryFrom<v2::Widget> for v1::Widget {
//!     type Error = ConversionError;
//!
//!     fn try_from(widget: v2::Widget) -> Result<Self, ConversionError> {
//!         let spec = &widget.spec;
//!         let size = spec.size.parse().map_err(|_| ConversionError::new("size is not a number"))?;
//!         Ok(v1::Widget { metadata: widget.metadata, spec: v1::WidgetSpec { size } })
//!     }
//! }
//!
//! // Infallible: `TryFrom` comes with `From`.
//! impl From<v1::Widget> for v2::Widget {
//!     fn from(widget: v1::Widget) -> Self {
//!         let spec = v2::WidgetSpec { size: widget.spec.size.to_string() };
//!         v2::Widget { metadata: widget.metadata, spec }
//!     }
//! }
//!
//! # fn main() {
//! // Listed in `crate::webhooks::all`; served at `/convert`.
//! let webhook = Webhook::conversion::<v1::Widget, v2::Widget>();
//! # }
//! ```

use std::{collections::HashMap, fmt::Display};

use kube::{
    Resource,
    core::{
        Status,
        conversion::{ConversionRequest, ConversionResponse, ConversionReview},
    },
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// Why an object cannot be converted, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConversionError(pub String);

impl ConversionError {
    /// A conversion error with `message`.
    pub fn new(message: impl Into<String>) -> ConversionError {
        ConversionError(message.into())
    }
}

impl From<serde_json::Error> for ConversionError {
    fn from(error: serde_json::Error) -> ConversionError {
        ConversionError(error.to_string())
    }
}

/// Converts `value` into a type with the same fields, through JSON: for the parts of an object
/// that two versions share, such as a `spec` that did not change.
pub fn carry_over<T, U>(value: T) -> Result<U, ConversionError>
where
    T: Serialize,
    U: DeserializeOwned,
{
    Ok(serde_json::from_value(serde_json::to_value(value)?)?)
}

/// A type of one version of a kind, as the conversions handle it.
pub trait Versioned: Resource<DynamicType = ()> + Serialize + DeserializeOwned + Send {}

impl<T> Versioned for T where T: Resource<DynamicType = ()> + Serialize + DeserializeOwned + Send {}

/// Converts an object, as JSON, between two versions.
type Convert = fn(Value) -> Result<Value, String>;

/// The conversions between the hub of a kind and one spoke.
#[derive(Clone)]
pub struct Spoke {
    group: String,
    kind: String,
    hub: String,
    version: String,
    to_hub: Convert,
    from_hub: Convert,
}

impl Spoke {
    /// The conversions between `Hub` and `S`, through their `TryFrom` impls.
    pub fn new<Hub, S>() -> Spoke
    where
        Hub: Versioned + TryFrom<S>,
        S: Versioned + TryFrom<Hub>,
        <Hub as TryFrom<S>>::Error: Display,
        <S as TryFrom<Hub>>::Error: Display,
    {
        Spoke {
            group: Hub::group(&()).into_owned(),
            kind: Hub::kind(&()).into_owned(),
            hub: Hub::api_version(&()).into_owned(),
            version: S::api_version(&()).into_owned(),
            to_hub: convert::<S, Hub>,
            from_hub: convert::<Hub, S>,
        }
    }
}

/// Reads `value` as a `From`, converts it to a `To`, and writes it back as JSON.
fn convert<From, To>(value: Value) -> Result<Value, String>
where
    From: DeserializeOwned,
    To: TryFrom<From> + Serialize,
    <To as TryFrom<From>>::Error: Display,
{
    let from = From::deserialize(value).map_err(|error| error.to_string())?;
    let to = To::try_from(from).map_err(|error| error.to_string())?;
    serde_json::to_value(to).map_err(|error| error.to_string())
}

/// The versions of one kind: its hub and the spokes, by `apiVersion`.
struct Kind {
    hub: String,
    spokes: HashMap<String, Spoke>,
}

/// Every conversion of the project, by group and kind.
#[derive(Default)]
pub struct Conversions(HashMap<(String, String), Kind>);

impl Conversions {
    /// Adds the conversions of `spoke`; fails when its kind already has them, or another hub.
    pub fn add(&mut self, spoke: Spoke) -> anyhow::Result<()> {
        let kind = self
            .0
            .entry((spoke.group.clone(), spoke.kind.clone()))
            .or_insert_with(|| Kind {
                hub: spoke.hub.clone(),
                spokes: HashMap::new(),
            });
        anyhow::ensure!(
            kind.hub == spoke.hub,
            "{} has two hubs: {} and {}",
            spoke.kind,
            kind.hub,
            spoke.hub
        );
        anyhow::ensure!(
            spoke.version != spoke.hub,
            "{} {} cannot be its own spoke",
            spoke.kind,
            spoke.hub
        );
        let (name, version) = (spoke.kind.clone(), spoke.version.clone());
        anyhow::ensure!(
            kind.spokes.insert(version.clone(), spoke).is_none(),
            "the conversions of {name} {version} are listed twice"
        );
        Ok(())
    }

    /// Whether no kind converts.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The answer to the ConversionReview `body`.
    pub fn review(&self, body: &[u8]) -> ConversionReview {
        let request = serde_json::from_slice::<ConversionReview>(body)
            .map_err(|error| format!("not a ConversionReview: {error}"))
            .and_then(|review| {
                ConversionRequest::from_review(review)
                    .map_err(|_| "the ConversionReview holds no request".to_string())
            });
        let mut request = match request {
            Ok(request) => request,
            Err(message) => {
                let status = Status::failure(&message, "BadRequest").with_code(400);
                return ConversionResponse::invalid(status).into_review();
            }
        };
        let objects = std::mem::take(&mut request.objects);
        let desired = request.desired_api_version.clone();
        let response = ConversionResponse::for_request(request);
        let converted: Result<Vec<Value>, String> = objects
            .into_iter()
            .map(|object| self.convert(object, &desired))
            .collect();
        match converted {
            Ok(objects) => response.success(objects),
            Err(message) => {
                tracing::warn!(%message, desired, "conversion failed");
                response.failure(Status::failure(&message, "ConversionFailed"))
            }
        }
        .into_review()
    }

    /// Converts `object` to `desired`, an `apiVersion` of its group.
    pub fn convert(&self, object: Value, desired: &str) -> Result<Value, String> {
        let text = |field: &str| {
            object
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let (version, kind) = (text("apiVersion").to_string(), text("kind").to_string());
        if version == desired {
            return Ok(object);
        }
        let group = |version: &str| version.rsplit_once('/').map(|(group, _)| group.to_string());
        let (Some(group), Some(desired_group)) = (group(&version), group(desired)) else {
            return Err(format!(
                "cannot convert {kind} from `{version}` to `{desired}`"
            ));
        };
        if group != desired_group {
            return Err(format!(
                "cannot convert {kind} from group {group} to {desired_group}"
            ));
        }
        let Some(conversions) = self.0.get(&(group, kind.clone())) else {
            return Err(format!("no conversions for {kind} of {version}"));
        };
        let spoke = |version: &str| {
            conversions
                .spokes
                .get(version)
                .ok_or_else(|| format!("{kind} has no conversions for {version}"))
        };
        let hub = if version == conversions.hub {
            object
        } else {
            (spoke(&version)?.to_hub)(object)
                .map_err(|error| format!("cannot convert {kind} from {version}: {error}"))?
        };
        if desired == conversions.hub {
            return Ok(hub);
        }
        (spoke(desired)?.from_hub)(hub)
            .map_err(|error| format!("cannot convert {kind} to {desired}: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    /// The hub: sizes in numbers.
    mod v1 {
        use super::*;

        #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
        #[kube(
            group = "test.example.com",
            version = "v1",
            kind = "Widget",
            namespaced
        )]
        pub struct WidgetSpec {
            pub size: u32,
        }
    }

    /// A spoke: sizes in text.
    mod v2 {
        use super::*;

        #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
        #[kube(
            group = "test.example.com",
            version = "v2",
            kind = "Widget",
            namespaced
        )]
        pub struct WidgetSpec {
            pub size: String,
        }
    }

    impl TryFrom<v2::Widget> for v1::Widget {
        type Error = ConversionError;

        fn try_from(spoke: v2::Widget) -> Result<Self, Self::Error> {
            let size = spoke.spec.size.parse().map_err(|_| {
                ConversionError::new(format!("size `{}` is not a number", spoke.spec.size))
            })?;
            Ok(v1::Widget {
                metadata: spoke.metadata,
                spec: v1::WidgetSpec { size },
            })
        }
    }

    impl TryFrom<v1::Widget> for v2::Widget {
        type Error = ConversionError;

        fn try_from(hub: v1::Widget) -> Result<Self, Self::Error> {
            Ok(v2::Widget {
                metadata: hub.metadata,
                spec: v2::WidgetSpec {
                    size: hub.spec.size.to_string(),
                },
            })
        }
    }

    fn widgets() -> Webhook {
        Webhook::conversion::<v1::Widget, v2::Widget>()
    }

    fn v1_widget(size: u32) -> v1::Widget {
        let mut widget = v1::Widget::new("w", v1::WidgetSpec { size });
        widget.metadata.namespace = Some("default".into());
        widget
    }

    #[tokio::test]
    async fn converts_both_ways_through_the_hub() {
        let hub = v1_widget(3);
        let spoke = testing::convert(&widgets(), &hub, "test.example.com/v2")
            .await
            .unwrap();
        assert_eq!(spoke["apiVersion"], "test.example.com/v2");
        assert_eq!(spoke["spec"]["size"], "3");
        assert_eq!(spoke["metadata"]["namespace"], "default");

        let back = testing::convert(&widgets(), &spoke, "test.example.com/v1")
            .await
            .unwrap();
        assert_eq!(back, serde_json::to_value(&hub).unwrap());
    }

    #[tokio::test]
    async fn an_object_in_the_desired_version_stays_as_it_is() {
        let hub = v1_widget(3);
        let same = testing::convert(&widgets(), &hub, "test.example.com/v1")
            .await
            .unwrap();
        assert_eq!(same, serde_json::to_value(&hub).unwrap());
    }

    #[tokio::test]
    async fn a_failed_conversion_fails_the_review_with_its_message() {
        let spoke = json!({
            "apiVersion": "test.example.com/v2",
            "kind": "Widget",
            "metadata": {"name": "w"},
            "spec": {"size": "big"},
        });
        let error = testing::convert(&widgets(), &spoke, "test.example.com/v1")
            .await
            .unwrap_err();
        assert!(error.contains("size `big` is not a number"), "{error}");

        let error = testing::convert(&widgets(), &spoke, "other.example.com/v1")
            .await
            .unwrap_err();
        assert!(error.contains("from group"), "{error}");
    }

    #[test]
    fn refuses_a_kind_listed_twice() {
        let mut conversions = Conversions::default();
        conversions
            .add(Spoke::new::<v1::Widget, v2::Widget>())
            .unwrap();
        assert!(
            conversions
                .add(Spoke::new::<v1::Widget, v2::Widget>())
                .is_err()
        );
        assert!(
            conversions
                .add(Spoke::new::<v2::Widget, v1::Widget>())
                .is_err()
        );
    }
}
