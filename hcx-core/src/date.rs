//! Plan dates as people type them (`YYYY-MM-DD`), parsed once for the CLI, the C ABI and the bindings.

use time::Date;
use time::macros::format_description;

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
}
