//! Tolerant field types for the store's JSON. Every field may be null or missing and a field of
//! the wrong type must not cost the rest of the record: [`Field`] keeps a wrong-typed value as a
//! description of what was wrong, and the normaliser (which knows the field's path) reports it.

use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, StrDeserializer, StringDeserializer,
};
use serde::de::{
    self, Deserialize, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// A JSON field that may be absent, null, of the expected type, or of a wrong type.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// Absent or `null`: the store's way of saying "not set".
    #[default]
    Missing,
    Present(T),
    /// Present but not of the expected type; the text says what was found.
    Bad(String),
}

impl<T> Field<T> {
    pub fn is_missing(&self) -> bool {
        matches!(self, Field::Missing)
    }

    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Missing => Field::Missing,
            Field::Present(v) => Field::Present(v),
            Field::Bad(s) => Field::Bad(s.clone()),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldVisitor(PhantomData))
    }
}

/// Reads any JSON value in one pass and hands it to `T`: a scalar through serde's value
/// deserializers, an object or array through the live map/sequence access. When `T` refuses the
/// value, the rest of it is skipped and the field becomes [`Field::Bad`]. Every `T` used here
/// refuses a value before consuming any of it, or consumes it whole (their own fields are
/// `Field`s too), so the skip always resumes at the right place.
struct FieldVisitor<T>(PhantomData<T>);

fn scalar<'de, T: Deserialize<'de>>(result: Result<T, serde::de::value::Error>) -> Field<T> {
    match result {
        Ok(v) => Field::Present(v),
        Err(e) => Field::Bad(e.to_string()),
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<T>, E> {
        Ok(Field::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Field<T>, E> {
        Ok(Field::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Field<T>, D::Error> {
        Field::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(v.into_deserializer())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(v.into_deserializer())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(v.into_deserializer())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(v.into_deserializer())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(StrDeserializer::new(v))))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(BorrowedStrDeserializer::new(v))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Field<T>, E> {
        Ok(scalar(T::deserialize(StringDeserializer::new(v))))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<T>, A::Error> {
        let result = T::deserialize(SeqOnly(&mut seq));
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(match result {
            Ok(v) => Field::Present(v),
            Err(e) => Field::Bad(e.to_string()),
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<T>, A::Error> {
        let result = T::deserialize(MapAccessDeserializer::new(&mut map));
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(match result {
            Ok(v) => Field::Present(v),
            Err(e) => Field::Bad(e.to_string()),
        })
    }
}

/// Hands a JSON array to `T`, refusing it where `T` wants an object: serde would otherwise
/// read `[]` as a struct with every field defaulted, hiding a wrong type.
struct SeqOnly<A>(A);

impl<'de, A: SeqAccess<'de>> Deserializer<'de> for SeqOnly<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_seq(self.0)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor))
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier
        ignored_any
    }
}

/// serde_json's message without its " at line 1 column 9" suffix (the caller knows the line).
pub fn describe_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    }
}

/// A non-negative count written as an integer, a float or a numeric string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                if v.is_finite() && v >= 0.0 {
                    Ok(Count(v as u64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                let t = v.trim();
                t.parse::<u64>()
                    .ok()
                    .or_else(|| {
                        t.parse::<f64>()
                            .ok()
                            .filter(|f| *f >= 0.0)
                            .map(|f| f as u64)
                    })
                    .map(Count)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A point in time written as an RFC 3339 string, a date, or Unix seconds/milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp(pub i64);

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Stamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Stamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Stamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Stamp, E> {
                crate::time::from_epoch_number(v)
                    .map(Stamp)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Stamp, E> {
                crate::time::parse_timestamp(v)
                    .map(Stamp)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A scalar cell of a flattened table (BeeTrove), from JSON (string, number, bool, null) or CSV,
/// kept as text; empty text counts as absent.
pub fn cell_text(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::Null => return None,
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug)]
    #[serde(default)]
    struct Probe {
        tools: Field<Vec<String>>,
        categories: Field<Vec<String>>,
        stats: Field<Inner>,
        count: Field<Count>,
        when: Field<Stamp>,
    }

    #[derive(Deserialize, Default, Debug, PartialEq)]
    #[serde(default)]
    struct Inner {
        total: Field<Count>,
    }

    #[test]
    fn an_array_is_not_an_object() {
        let p: Probe = serde_json::from_str(r#"{"stats":[],"count":1}"#).unwrap();
        assert!(
            matches!(&p.stats, Field::Bad(m) if m.contains("invalid type: sequence")),
            "{:?}",
            p.stats
        );
        assert_eq!(
            p.count,
            Field::Present(Count(1)),
            "parsing went on after it"
        );
        let p: Probe =
            serde_json::from_str(r#"{"stats":{"total":"3"},"tools":{"a":[1,{"b":2}]},"count":2}"#)
                .unwrap();
        assert_eq!(
            p.stats,
            Field::Present(Inner {
                total: Field::Present(Count(3))
            })
        );
        assert!(matches!(p.tools, Field::Bad(_)));
        assert_eq!(
            p.count,
            Field::Present(Count(2)),
            "the skipped object was consumed whole"
        );
    }

    #[test]
    fn wrong_types_become_bad_without_losing_the_rest() {
        let p: Probe = serde_json::from_str(
            r#"{"tools":"browser","categories":null,"count":"12","when":"2024-03-19","x":1}"#,
        )
        .unwrap();
        match &p.tools {
            Field::Bad(msg) => assert!(msg.contains("expected a sequence"), "{msg}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(p.categories, Field::Missing);
        assert_eq!(p.count, Field::Present(Count(12)));
        assert_eq!(p.when, Field::Present(Stamp(1_710_806_400)));
    }

    #[test]
    fn absent_fields_are_missing() {
        let p: Probe = serde_json::from_str("{}").unwrap();
        assert_eq!(p.tools, Field::Missing);
        assert_eq!(p.count, Field::Missing);
    }

    #[test]
    fn negative_counts_are_bad() {
        let p: Probe = serde_json::from_str(r#"{"count":-3}"#).unwrap();
        assert!(matches!(p.count, Field::Bad(_)));
    }
}
