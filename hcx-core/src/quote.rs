//! Quoting user input in messages without copying all of it: a 10 MB version string must not become a
//! 10 MB error (in the CLI, Python and C alike).

use std::fmt;

/// Inputs up to this many characters are quoted whole.
pub const QUOTE_MAX_CHARS: usize = 64;
/// How much of a longer input is kept.
const KEPT_CHARS: usize = 24;

/// `text` quoted for a message: whole when short (`"4.x"`), else its start and its size
/// (`"4.1111…" (10 MiB)`). Escapes like `{:?}`.
///
/// ```
/// let long = "4.".to_owned() + &"1".repeat(10 << 20);
/// assert_eq!(hcx_core::quote::quoted("4.x").to_string(), "\"4.x\"");
/// assert_eq!(hcx_core::quote::quoted(&long).to_string(), format!("\"4.{}…\" (10 MiB)", "1".repeat(22)));
/// ```
pub fn quoted(text: &str) -> Quoted<'_> {
    Quoted(text)
}

/// See [`quoted`].
#[derive(Clone, Copy, Debug)]
pub struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        match text.char_indices().nth(QUOTE_MAX_CHARS) {
            None => write!(f, "{text:?}"),
            Some(_) => {
                let cut = text.char_indices().nth(KEPT_CHARS).map_or(text.len(), |(i, _)| i);
                let start = format!("{:?}", &text[..cut]);
                write!(f, "{}…\" ({})", &start[..start.len() - 1], size(text.len()))
            }
        }
    }
}

/// `text` unquoted for a message: whole when short, else its start, `…` and its size (`4.1111… (10 MiB)`).
pub fn clipped(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTE_MAX_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let cut = text.char_indices().nth(KEPT_CHARS).map_or(text.len(), |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}… ({})", &text[..cut], size(text.len())))
        }
    }
}

/// A parser's message for people: whole up to 240 characters (serde's "unknown variant `x`, expected one of
/// ..." lists every choice), else its start, `…` and its size, since it may quote a huge input.
pub fn clipped_message(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 240;
    match text.char_indices().nth(MAX) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}… ({})", &text[..cut], size(text.len()))),
    }
}

/// A byte count for people: `512 bytes`, `3 KiB`, `10 MiB`.
pub fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = KIB * KIB;
    if bytes >= MIB {
        format!("{} MiB", (bytes + MIB / 2) / MIB)
    } else if bytes >= KIB {
        format!("{} KiB", (bytes + KIB / 2) / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_inputs_are_quoted_whole_and_escaped() {
        assert_eq!(quoted("a\"b").to_string(), r#""a\"b""#);
        let exactly = "x".repeat(QUOTE_MAX_CHARS);
        assert_eq!(quoted(&exactly).to_string(), format!("{exactly:?}"));
    }

    #[test]
    fn long_inputs_keep_their_start_and_size() {
        let s = "é".repeat(2000);
        let q = quoted(&s).to_string();
        assert_eq!(q, format!("\"{}…\" (4 KiB)", "é".repeat(KEPT_CHARS)));
        assert_eq!(size(10 << 20), "10 MiB");
        assert_eq!(size(100), "100 bytes");
    }
}
