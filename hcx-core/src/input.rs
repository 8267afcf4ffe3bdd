//! Reading documents with a size cap: fleets, endpoints files, catalogs, saved plans and CA bundles all go
//! through [`read_file_capped`]. Planning needs many times a fleet's size in memory, and a path to something that
//! never ends (`/dev/zero`, a FIFO) would otherwise be read until memory runs out, so an oversized input is
//! refused up front with one error, [`InputError::TooLarge`], that the caller wraps with the file's name.

use std::io::Read;

/// Default cap on an input document: 64 MiB, far above any real fleet (10,000 site pairs are about 40 MiB).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 << 20;

/// Cap on a saved plan (`hcx show`, `hcx diff`, `hcx apply`): 256 MiB. A plan's JSON is far larger than its
/// fleet's (about 22 KB per site pair: 10,000 pairs are about 220 MiB), so the fleet's cap would refuse real
/// plans; a stream with no end (`/dev/zero`) is still refused after reading this much.
pub const MAX_PLAN_INPUT_BYTES: u64 = 256 << 20;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input is larger than the cap.
    #[error("input is larger than the cap of {} ({limit} bytes); raise the input cap if it is genuine", crate::quote::size(usize::try_from(*limit).unwrap_or(usize::MAX)))]
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not UTF-8.
    #[error("not utf-8 text (at byte {0})")]
    Utf8(usize),
}

/// Reads at most `limit` bytes of UTF-8 text; more is [`InputError::TooLarge`] (and is never buffered).
///
/// # Errors
/// [`InputError`].
pub fn read_to_string_capped(reader: impl Read, limit: u64) -> Result<String, InputError> {
    let mut buf = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > limit {
        return Err(InputError::TooLarge { limit });
    }
    String::from_utf8(buf).map_err(|e| InputError::Utf8(e.utf8_error().valid_up_to()))
}

/// Opens and reads a file with [`read_to_string_capped`]; a file whose metadata already says it is too large is
/// refused without reading it.
///
/// # Errors
/// [`InputError`].
pub fn read_file_capped(path: &std::path::Path, limit: u64) -> Result<String, InputError> {
    let file = std::fs::File::open(path)?;
    if file.metadata().is_ok_and(|m| m.is_file() && m.len() > limit) {
        return Err(InputError::TooLarge { limit });
    }
    read_to_string_capped(file, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_exact() {
        assert_eq!(read_to_string_capped(&b"abcd"[..], 4).unwrap(), "abcd");
        assert!(matches!(read_to_string_capped(&b"abcde"[..], 4), Err(InputError::TooLarge { limit: 4 })));
        assert!(matches!(read_to_string_capped(&b"a\xffb"[..], 4), Err(InputError::Utf8(1))));
    }

    #[test]
    fn the_message_names_the_cap() {
        let e = read_to_string_capped(&b"abcde"[..], 64 << 20);
        assert!(e.is_ok());
        let e = read_to_string_capped(std::io::repeat(b'x'), DEFAULT_MAX_INPUT_BYTES).unwrap_err();
        assert!(e.to_string().contains("64 MiB"), "{e}");
    }
}
