//! Plan dates as people type them (`YYYY-MM-DD`), parsed once for the CLI, the C ABI and the bindings; and the
//! timestamps of the event streams (`hcx apply`, `hcx discover` and `hcx check` with `--events jsonl`), written
//! one way by all of them.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::quote::quoted;

/// A date that is not a plan date.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not `YYYY-MM-DD`, or no such day.
    #[error("invalid date {input}: {source} (expected YYYY-MM-DD)")]
    Format {
        /// The text given, quoted and shortened for the message.
        input: String,
        /// What the parser refused.
        source: time::error::Parse,
    },
    /// A real day, but in a year no plan can mean.
    #[error("invalid date {input}: the year must be between 1970 and 9999 (expected YYYY-MM-DD)")]
    Year {
        /// The text given, quoted and shortened for the message.
        input: String,
    },
}

/// Parses a `YYYY-MM-DD` plan date (surrounding white space is ignored).
///
/// ```
/// assert_eq!(hcx_core::date::parse_date("2026-11-28")?.to_string(), "2026-11-28");
/// assert!(hcx_core::date::parse_date("2026-13-45").is_err());
/// # Ok::<(), hcx_core::date::DateError>(())
/// ```
///
/// # Errors
/// [`DateError::Format`] for anything but a real day written `YYYY-MM-DD`; [`DateError::Year`] for a year
/// outside 1970..=9999.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let d = Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|source| DateError::Format { input: quoted(text).to_string(), source })?;
    // HCX releases start in 2017; a date before 1970 or after 9999 is a typo, not a plan date.
    if !(1970..=9999).contains(&d.year()) {
        return Err(DateError::Year { input: quoted(text).to_string() });
    }
    Ok(d)
}

/// RFC 3339 in UTC with milliseconds, e.g. `2026-12-07T22:04:51.123Z`: the events' `timestamp`.
const EVENT_TIMESTAMP: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// `t` as an event's `timestamp`: RFC 3339 in UTC with milliseconds (`2026-12-07T22:04:51.123Z`), the digits
/// below the millisecond cut, not rounded. Every event stream of hcx writes its timestamps with this.
///
/// ```
/// let t = time::macros::datetime!(2026-12-08 00:04:51.123999 +02:00);
/// assert_eq!(hcx_core::date::event_timestamp(t), "2026-12-07T22:04:51.123Z");
/// ```
pub fn event_timestamp(t: OffsetDateTime) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    // Years 0 to 9999 only: the format has four year digits. Outside them (a test clock gone astray), the
    // RFC 3339 text of `time` itself, which is still parseable.
    utc.format(EVENT_TIMESTAMP).unwrap_or_else(|_| {
        utc.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| utc.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_date_parses_and_a_typo_does_not() {
        assert_eq!(parse_date(" 2026-11-28\n").map(|d| d.to_string()).ok().as_deref(), Some("2026-11-28"));
        let e = parse_date("2026-13-45").expect_err("no thirteenth month");
        assert!(e.to_string().starts_with("invalid date \"2026-13-45\": "), "{e}");
        assert!(std::error::Error::source(&e).is_some(), "the parser's error is kept");
        let e = parse_date("0999-01-01").expect_err("a year before 1970");
        assert!(matches!(e, DateError::Year { .. }), "{e}");
        assert!(e.to_string().contains("between 1970 and 9999"), "{e}");
    }

    #[test]
    fn a_huge_input_gives_a_short_message() {
        let e = parse_date(&"9".repeat(1 << 20)).expect_err("not a date");
        assert!(e.to_string().len() < 200, "{}", e.to_string().len());
    }

    #[test]
    fn an_event_timestamp_is_utc_with_three_fractional_digits() {
        use time::macros::datetime;
        assert_eq!(event_timestamp(datetime!(2026-12-07 22:04:51 UTC)), "2026-12-07T22:04:51.000Z");
        assert_eq!(event_timestamp(datetime!(1970-01-01 00:00:00.000999 UTC)), "1970-01-01T00:00:00.000Z");
        assert_eq!(event_timestamp(datetime!(2027-01-01 01:30:00.5 +02:00)), "2026-12-31T23:30:00.500Z");
    }
}

/// RFC 3339 times in serde, as `time::serde::rfc3339` writes and reads them, but written without a `String`
/// per value: a scheduled plan of 10,000 pairs holds some 250,000 of them.
pub(crate) mod rfc3339 {
    use serde::{Deserializer, Serializer};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    /// Writes the time as `time::serde::rfc3339` does.
    pub(crate) fn serialize<S: Serializer>(t: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        // `2026-12-05T22:00:00.123456789+00:00` is 35 bytes.
        let mut buf = [0u8; 64];
        let mut out = &mut buf[..];
        if t.format_into(&mut out, &Rfc3339).is_ok() {
            let len = 64 - out.len();
            if let Ok(text) = std::str::from_utf8(&buf[..len]) {
                return serializer.serialize_str(text);
            }
        }
        // A time RFC 3339 cannot hold (a year beyond 9999, an offset with seconds): the error `time` gives.
        time::serde::rfc3339::serialize(t, serializer)
    }

    /// Reads the time as `time::serde::rfc3339` does.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        time::serde::rfc3339::deserialize(deserializer)
    }

    /// The same for an optional time.
    pub(crate) mod option {
        use serde::{Deserializer, Serializer};
        use time::OffsetDateTime;

        /// Writes the time, or `null`.
        pub(crate) fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => serializer.serialize_some(&super::Wrapped(*t)),
                None => serializer.serialize_none(),
            }
        }

        /// Reads the time, or `null`.
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            time::serde::rfc3339::option::deserialize(deserializer)
        }
    }

    /// A time that serialises through [`serialize`].
    struct Wrapped(OffsetDateTime);

    impl serde::Serialize for Wrapped {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(&self.0, serializer)
        }
    }

    #[cfg(test)]
    mod tests {
        use time::macros::datetime;

        use super::*;

        #[derive(serde::Serialize)]
        struct Ours {
            #[serde(with = "super")]
            at: OffsetDateTime,
            #[serde(with = "super::option")]
            maybe: Option<OffsetDateTime>,
        }

        #[derive(serde::Serialize)]
        struct Theirs {
            #[serde(with = "time::serde::rfc3339")]
            at: OffsetDateTime,
            #[serde(with = "time::serde::rfc3339::option")]
            maybe: Option<OffsetDateTime>,
        }

        #[test]
        fn writes_what_time_writes() {
            for t in [
                datetime!(2026-12-05 22:00 UTC),
                datetime!(1970-01-01 00:00:00.000000001 UTC),
                datetime!(9999-12-31 23:59:59.999999999 -23:59),
                datetime!(2026-03-29 01:30:15.5 +05:45),
            ] {
                for maybe in [None, Some(t)] {
                    let ours = serde_json::to_string(&Ours { at: t, maybe }).unwrap();
                    assert_eq!(ours, serde_json::to_string(&Theirs { at: t, maybe }).unwrap());
                }
            }
        }

        #[test]
        fn a_time_rfc3339_cannot_hold_fails_as_time_fails() {
            let far = datetime!(2026-01-01 0:00 UTC).replace_year(-5).unwrap();
            let seconds = datetime!(2026-01-01 0:00 +01:00:30);
            for t in [far, seconds] {
                let ours = serde_json::to_string(&Ours { at: t, maybe: Some(t) }).unwrap_err().to_string();
                let theirs = serde_json::to_string(&Theirs { at: t, maybe: Some(t) }).unwrap_err().to_string();
                assert_eq!(ours, theirs);
            }
        }
    }
}
