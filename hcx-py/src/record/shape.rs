//! The fields of a core struct and the value each takes when serde leaves it out (`skip_serializing_if`), read
//! from the struct's own `Deserialize` impl: its field list, then one probe per field that notes which kind of
//! value the field asks for. A record then shows a left-out `Option` as `None`, a `Vec` as `[]`.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};

/// What an absent field stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Empty {
    /// `None`.
    None,
    /// `[]`.
    List,
    /// `{}`.
    Dict,
    /// `False`.
    False,
    /// A field that is always written.
    Required,
}

/// The Python-side fields of `T`, in declaration order, each with what its absence stands for.
pub(crate) fn shape<T: DeserializeOwned>() -> Vec<(&'static str, Empty)> {
    let fields = Cell::new(None);
    // The probes always fail (they hold no data); what they noted is the answer.
    let _ = T::deserialize(FieldsProbe(&fields));
    fields
        .get()
        .unwrap_or(&[])
        .iter()
        .map(|&f| {
            let kind = Cell::new(Empty::Required);
            let _ = T::deserialize(OneField { key: f, kind: &kind });
            (f, kind.get())
        })
        .collect()
}

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

struct FieldsProbe<'a>(&'a Cell<Option<&'static [&'static str]>>);

impl<'de> de::Deserializer<'de> for FieldsProbe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0.set(Some(fields));
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// A struct document with one field, whose value notes how it is asked for.
struct OneField<'a> {
    key: &'static str,
    kind: &'a Cell<Empty>,
}

impl<'de> de::Deserializer<'de> for OneField<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_map(OneEntry { key: Some(self.key), kind: self.kind })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct OneEntry<'a> {
    key: Option<&'static str>,
    kind: &'a Cell<Empty>,
}

impl<'de> de::MapAccess<'de> for OneEntry<'_> {
    type Error = Stop;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(k) => seed.deserialize(de::value::BorrowedStrDeserializer::new(k)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        seed.deserialize(ValueProbe(self.kind))
    }
}

struct ValueProbe<'a>(&'a Cell<Empty>);

impl ValueProbe<'_> {
    fn note<T>(self, kind: Empty) -> Result<T, Stop> {
        self.0.set(kind);
        Err(Stop)
    }
}

impl<'de> de::Deserializer<'de> for ValueProbe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }
    fn deserialize_option<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.note(Empty::None)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.note(Empty::List)
    }
    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.note(Empty::Dict)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.note(Empty::False)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct tuple tuple_struct struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// A struct as a core type might grow: the record's fields come from it, so `added` needs no binding edit.
    #[derive(Deserialize)]
    #[allow(dead_code, reason = "only its Deserialize impl is read")]
    struct Grown {
        id: String,
        #[serde(default)]
        added: Option<u32>,
        #[serde(default)]
        items: Vec<String>,
        #[serde(default)]
        flag: bool,
        #[serde(default)]
        map: std::collections::BTreeMap<String, u32>,
    }

    #[test]
    fn the_shape_is_the_structs_own() {
        assert_eq!(
            shape::<Grown>(),
            [
                ("id", Empty::Required),
                ("added", Empty::None),
                ("items", Empty::List),
                ("flag", Empty::False),
                ("map", Empty::Dict),
            ]
        );
    }

    #[test]
    fn every_serialised_field_of_a_core_step_is_in_its_shape() {
        let fleet = hcx_core::fleet::Fleet::from_json(hcx_core::plan::SAMPLE_FLEET).expect("sample");
        let options = hcx_core::plan::PlanOptions::default_for(&fleet, hcx_core::Catalog::bundled());
        let plan = hcx_core::plan::plan(&fleet, hcx_core::Catalog::bundled(), &options).expect("plan");
        let names: Vec<&str> = shape::<hcx_core::plan::Step>().into_iter().map(|(f, _)| f).collect();
        for step in &plan.steps {
            let value = serde_json::to_value(step).expect("json");
            for key in value.as_object().expect("an object").keys() {
                assert!(names.contains(&key.as_str()), "{key} is not in the shape of Step: {names:?}");
            }
        }
        assert!(names.contains(&"action") && names.contains(&"rollback"), "{names:?}");
    }
}
