//! Reading the command line's input files (`-` is standard input) under a size cap, and parsing durations.

use std::path::Path;
use std::time::Duration;

use hcx_core::input::{InputError, read_file_capped, read_to_string_capped};

/// Whether a path argument means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads a file, or standard input for `-`, refusing more than `max_bytes`.
///
/// # Errors
/// [`InputError`]; a too-large input names the `--max-input-bytes` cap.
pub fn read_capped(path: &Path, max_bytes: u64) -> Result<String, InputError> {
    if is_stdin(path) {
        read_to_string_capped(std::io::stdin().lock(), max_bytes)
    } else {
        read_file_capped(path, max_bytes)
    }
}

/// Parses `30s`, `500ms`, `2m`, `1h` or a bare number of seconds; zero is refused.
///
/// # Errors
/// A message naming the accepted forms.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let bad =
        || format!("invalid duration {}: expected e.g. 30s, 500ms, 2m, 1h or seconds", hcx_core::quote::quoted(text));
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => return Err(bad()),
    };
    if d.is_zero() {
        return Err(format!("invalid duration {}: must be more than zero", hcx_core::quote::quoted(text)));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
