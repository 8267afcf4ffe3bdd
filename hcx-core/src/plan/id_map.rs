//! [`IdMap`]: the small id-keyed maps of a step's state views.
//!
//! A step's view names one to a few managers, appliances or meshes, and a plan of 10,000 pairs has some
//! 120,000 steps with two views each. A `BTreeMap` allocates a node of eleven slots for its first entry
//! (over 600 bytes for a version map); a sorted vector holds exactly what it names, and reads the same.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Index;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Id;

/// A map from ids to values, kept sorted by id (as a `BTreeMap` would iterate it).
///
/// It serialises as a JSON object, like a `BTreeMap<Id, V>`; of two equal keys read from JSON the later
/// wins, as in a `BTreeMap`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdMap<V>(Vec<(Id, V)>);

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V: fmt::Debug> fmt::Debug for IdMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> IdMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries it has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(id))
    }

    /// The value for an id.
    pub fn get(&self, id: &str) -> Option<&V> {
        self.find(id).ok().map(|i| &self.0[i].1)
    }

    /// Whether the map has an entry for an id.
    pub fn contains_key(&self, id: &str) -> bool {
        self.find(id).is_ok()
    }

    /// Sets the value for an id; returns the value it replaces.
    pub fn insert(&mut self, id: Id, value: V) -> Option<V> {
        match self.find(&id) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (id, value));
                None
            }
        }
    }

    /// Removes the entry for an id; returns its value.
    pub fn remove(&mut self, id: &str) -> Option<V> {
        self.find(id).ok().map(|i| self.0.remove(i).1)
    }

    /// The entries, sorted by id.
    pub fn iter(&self) -> Iter<'_, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The ids, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &Id> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values, in the order of their ids.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// The iterator of [`IdMap::iter`].
pub type Iter<'a, V> = std::iter::Map<std::slice::Iter<'a, (Id, V)>, fn(&'a (Id, V)) -> (&'a Id, &'a V)>;

impl<V> Index<&str> for IdMap<V> {
    type Output = V;

    /// The value for an id.
    ///
    /// # Panics
    /// When the map has no entry for it.
    fn index(&self, id: &str) -> &V {
        self.get(id).unwrap_or_else(|| panic!("no entry for {id:?}"))
    }
}

impl<'a, V> IntoIterator for &'a IdMap<V> {
    type Item = (&'a Id, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> IntoIterator for IdMap<V> {
    type Item = (Id, V);
    type IntoIter = std::vec::IntoIter<(Id, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<V> FromIterator<(Id, V)> for IdMap<V> {
    /// Sorts the entries by id; of two equal ids the later wins.
    fn from_iter<I: IntoIterator<Item = (Id, V)>>(iter: I) -> Self {
        let mut entries: Vec<(Id, V)> = iter.into_iter().collect();
        // Stable, so the last of equal ids ends last, and is the one kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Id, V)> = Vec::with_capacity(entries.len());
        for e in entries {
            match out.last_mut() {
                Some(last) if last.0 == e.0 => *last = e,
                _ => out.push(e),
            }
        }
        Self(out)
    }
}

impl<V> Extend<(Id, V)> for IdMap<V> {
    fn extend<I: IntoIterator<Item = (Id, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<V: Serialize> Serialize for IdMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(&**k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for IdMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = IdMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object keyed by id")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some((k, v)) = access.next_entry::<Id, V>()? {
                    entries.push((k, v));
                }
                Ok(entries.into_iter().collect())
            }
        }

        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn id(s: &str) -> Id {
        s.into()
    }

    #[test]
    fn reads_and_writes_like_a_btree_map() {
        let mut m = IdMap::new();
        let mut b = BTreeMap::new();
        for (k, v) in [("ne1", 1), ("ix1", 2), ("wo1", 3), ("ix1", 4), ("a", 5)] {
            assert_eq!(m.insert(id(k), v), b.insert(id(k), v));
        }
        assert_eq!(m.remove("wo1"), b.remove("wo1"));
        assert_eq!(m.remove("absent"), b.remove("absent"));
        assert_eq!(m.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(m.get("ix1"), Some(&4));
        assert!(m.contains_key("a") && !m.contains_key("wo1"));
        assert_eq!(m["ne1"], 1);
        assert_eq!(serde_json::to_string(&m).unwrap(), serde_json::to_string(&b).unwrap());
    }

    #[test]
    fn json_round_trips_sorted_and_the_later_of_equal_keys_wins() {
        let m: IdMap<u32> = serde_json::from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let b: BTreeMap<Id, u32> = serde_json::from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(m.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":2,"b":3}"#);
        let collected: IdMap<u32> = [(id("z"), 1), (id("y"), 2), (id("z"), 3)].into_iter().collect();
        assert_eq!(collected.into_iter().collect::<Vec<_>>(), vec![(id("y"), 2), (id("z"), 3)]);
    }

    #[test]
    fn a_non_object_is_refused_with_what_was_expected() {
        let e = serde_json::from_str::<IdMap<u32>>("[1]").unwrap_err();
        assert!(e.to_string().contains("an object keyed by id"), "{e}");
    }
}
