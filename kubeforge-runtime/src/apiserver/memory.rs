//! [`MemoryStorage`]: the objects of one kind in memory, with a history of events for watches.

use std::{
    collections::{BTreeMap, VecDeque},
    hash::{BuildHasher, RandomState},
    sync::{Arc, Mutex, MutexGuard},
};

use futures::{StreamExt, stream::BoxStream};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use tokio::sync::broadcast;

use super::{
    ApiObject,
    storage::{Storage, StorageError, WatchEvent},
};

/// How many events a [`MemoryStorage`] keeps by default for watches to resume from.
pub const DEFAULT_HISTORY: usize = 1000;

/// An event with the resourceVersion it made.
type Versioned<K> = (u64, WatchEvent<K>);

/// The objects of one kind, kept in memory and lost on restart: what a generated project starts
/// with. Cloning it is cheap: clones share the objects.
///
/// Every change takes the next resourceVersion of a counter; the last [`DEFAULT_HISTORY`]
/// events are kept, so that a watch can resume from any of their versions.
pub struct MemoryStorage<K> {
    state: Arc<Mutex<State<K>>>,
    sender: broadcast::Sender<Versioned<K>>,
}

struct State<K> {
    /// By namespace ("" when cluster-scoped) and name.
    objects: BTreeMap<(String, String), K>,
    /// The last resourceVersion given.
    version: u64,
    /// The last events, oldest first.
    history: VecDeque<Versioned<K>>,
    /// How many events are kept.
    capacity: usize,
    /// The version of the newest event dropped from the history (0: none).
    dropped: u64,
}

impl<K> Clone for MemoryStorage<K> {
    fn clone(&self) -> Self {
        MemoryStorage {
            state: self.state.clone(),
            sender: self.sender.clone(),
        }
    }
}

impl<K: ApiObject> Default for MemoryStorage<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: ApiObject> MemoryStorage<K> {
    /// An empty storage that keeps [`DEFAULT_HISTORY`] events.
    pub fn new() -> Self {
        Self::with_history(DEFAULT_HISTORY)
    }

    /// An empty storage that keeps the last `capacity` events for watches.
    pub fn with_history(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let state = State {
            objects: BTreeMap::new(),
            version: 0,
            history: VecDeque::new(),
            capacity,
            dropped: 0,
        };
        MemoryStorage {
            state: Arc::new(Mutex::new(state)),
            sender,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<K>> {
        // A panic while holding the lock cannot leave the maps half-changed.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the next version for `event`, remembers it and tells the watchers.
    fn record(&self, state: &mut State<K>, event: impl FnOnce(String) -> WatchEvent<K>) -> K {
        state.version += 1;
        let version = state.version;
        let event = event(version.to_string());
        let object = event.object().clone();
        if state.capacity == 0 {
            state.dropped = version;
        } else {
            while state.history.len() >= state.capacity {
                if let Some((dropped, _)) = state.history.pop_front() {
                    state.dropped = dropped;
                }
            }
            state.history.push_back((version, event.clone()));
        }
        // No receiver is not an error: nobody watches.
        let _ = self.sender.send((version, event));
        object
    }
}

fn key(namespace: Option<&str>, name: &str) -> (String, String) {
    (namespace.unwrap_or_default().to_string(), name.to_string())
}

fn key_of<K: ApiObject>(object: &K) -> (String, String) {
    let meta = object.meta();
    key(
        meta.namespace.as_deref(),
        meta.name.as_deref().unwrap_or_default(),
    )
}

fn in_namespace<K: ApiObject>(object: &K, namespace: Option<&str>) -> bool {
    namespace.is_none_or(|namespace| object.meta().namespace.as_deref() == Some(namespace))
}

/// A random UUID (version 4 layout).
fn uid() -> String {
    let high = RandomState::new().hash_one(0u8);
    let low = RandomState::new().hash_one(1u8);
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn parse_version(version: &str) -> Result<u64, StorageError> {
    version
        .parse()
        .map_err(|_| StorageError::Invalid(format!("resourceVersion {version:?} is not a number")))
}

impl<K: ApiObject> Storage<K> for MemoryStorage<K> {
    async fn get(&self, namespace: Option<&str>, name: &str) -> Result<K, StorageError> {
        let state = self.lock();
        state
            .objects
            .get(&key(namespace, name))
            .cloned()
            .ok_or(StorageError::NotFound)
    }

    async fn list(&self, namespace: Option<&str>) -> Result<(Vec<K>, String), StorageError> {
        let state = self.lock();
        let objects = state
            .objects
            .values()
            .filter(|object| in_namespace(*object, namespace))
            .cloned()
            .collect();
        Ok((objects, state.version.to_string()))
    }

    async fn create(&self, mut object: K) -> Result<K, StorageError> {
        let key = key_of(&object);
        if key.1.is_empty() {
            return Err(StorageError::Invalid(
                "metadata.name: Required value".into(),
            ));
        }
        let mut state = self.lock();
        if state.objects.contains_key(&key) {
            return Err(StorageError::AlreadyExists);
        }
        let meta = object.meta_mut();
        meta.uid = Some(uid());
        meta.creation_timestamp = Some(Time(k8s_openapi::jiff::Timestamp::now()));
        meta.generation = Some(1);
        meta.deletion_timestamp = None;
        let stored = self.record(&mut state, |version| {
            object.meta_mut().resource_version = Some(version);
            WatchEvent::Added(object)
        });
        state.objects.insert(key, stored.clone());
        Ok(stored)
    }

    async fn update(&self, mut object: K) -> Result<K, StorageError> {
        let key = key_of(&object);
        let mut state = self.lock();
        let current = state.objects.get(&key).ok_or(StorageError::NotFound)?;
        let current_meta = current.meta();
        let given = object.meta().resource_version.as_deref();
        if given.is_some_and(|given| Some(given) != current_meta.resource_version.as_deref()) {
            return Err(StorageError::Conflict(
                "the object has been modified; please apply your changes to the latest version \
                 and try again"
                    .into(),
            ));
        }
        let (uid, created, generation) = (
            current_meta.uid.clone(),
            current_meta.creation_timestamp.clone(),
            current_meta.generation.unwrap_or(1),
        );
        let spec_changed = spec_of(current) != spec_of(&object);
        let meta = object.meta_mut();
        meta.uid = uid;
        meta.creation_timestamp = created;
        meta.generation = Some(generation + i64::from(spec_changed));
        let stored = self.record(&mut state, |version| {
            object.meta_mut().resource_version = Some(version);
            WatchEvent::Modified(object)
        });
        state.objects.insert(key, stored.clone());
        Ok(stored)
    }

    async fn delete(&self, namespace: Option<&str>, name: &str) -> Result<K, StorageError> {
        let mut state = self.lock();
        let mut object = state
            .objects
            .remove(&key(namespace, name))
            .ok_or(StorageError::NotFound)?;
        Ok(self.record(&mut state, |version| {
            object.meta_mut().resource_version = Some(version);
            WatchEvent::Deleted(object)
        }))
    }

    async fn watch(
        &self,
        namespace: Option<&str>,
        resource_version: Option<&str>,
    ) -> Result<BoxStream<'static, WatchEvent<K>>, StorageError> {
        let state = self.lock();
        // Subscribed under the lock: no change falls between the start and the live events.
        let receiver = self.sender.subscribe();
        let namespace = namespace.map(str::to_string);
        let (start, first): (u64, Vec<WatchEvent<K>>) = match resource_version {
            None | Some("") | Some("0") => {
                let objects = state.objects.values();
                let added = objects
                    .filter(|object| in_namespace(*object, namespace.as_deref()))
                    .map(|object| WatchEvent::Added(object.clone()));
                (state.version, added.collect())
            }
            Some(version) => {
                let from = parse_version(version)?;
                if from < state.dropped {
                    return Err(StorageError::Gone(format!(
                        "too old resource version: {from} ({})",
                        state.dropped + 1
                    )));
                }
                let kept = state.history.iter().filter(|(at, event)| {
                    *at > from && in_namespace(event.object(), namespace.as_deref())
                });
                let last = state.version.max(from);
                (last, kept.map(|(_, event)| event.clone()).collect())
            }
        };
        drop(state);
        let live = futures::stream::unfold(receiver, |mut receiver| async move {
            // A watcher that lags behind loses events: its stream ends, and it watches again
            // from the last version it saw.
            let next = receiver.recv().await.ok()?;
            Some((next, receiver))
        });
        let live = live.filter_map(move |(at, event)| {
            let keep = at > start && in_namespace(event.object(), namespace.as_deref());
            futures::future::ready(keep.then_some(event))
        });
        Ok(futures::stream::iter(first).chain(live).boxed())
    }
}

/// Everything but the metadata and the status, to tell whether the generation changes.
fn spec_of<K: ApiObject>(object: &K) -> serde_json::Value {
    match serde_json::to_value(object) {
        Ok(serde_json::Value::Object(mut fields)) => {
            fields.remove("metadata");
            fields.remove("status");
            serde_json::Value::Object(fields)
        }
        _ => serde_json::Value::Null,
    }
}
