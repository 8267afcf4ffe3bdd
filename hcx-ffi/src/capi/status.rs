//! Status codes, their names and descriptions, the last error, owned strings and the library version.

use std::ffi::{CStr, c_char};

use super::ffi::{self, ffi_status, ffi_value};

/// The result of every fallible call. `HCX_OK` is 0; the others are grouped in ranges:
/// 1xx the call itself, 2xx input documents and values, 3xx upgrade paths, 4xx planning, 9xx internal.
/// Codes are stable: a retired code stays reserved and is never reused.
///
/// After a non-OK status, `hcx_last_error_message` gives the details.
///
/// cbindgen:prefix-with-name=false
/// cbindgen:rename-all=None
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms, reason = "the variant names are those of the C header")]
pub enum hcx_status {
    /// Success.
    HCX_OK = 0,

    /// A required pointer argument is NULL.
    HCX_NULL_PARAMETER = 100,
    /// A string argument is not valid UTF-8.
    HCX_INVALID_UTF8 = 101,
    /// An argument is out of its domain (an unknown target keyword, a malformed date, ...).
    HCX_INVALID_ARGUMENT = 102,
    /// An index is past the end of a list.
    HCX_INDEX_OUT_OF_RANGE = 103,

    /// A version string is not an HCX version.
    HCX_INVALID_VERSION = 200,
    /// A fleet document is malformed or inconsistent; the message lists every problem with its JSON path.
    HCX_INVALID_FLEET = 201,
    /// A catalog document is malformed or inconsistent.
    HCX_INVALID_CATALOG = 202,
    /// A file cannot be read.
    HCX_IO_ERROR = 203,

    /// No chain of documented upgrade rules connects the two releases.
    HCX_NO_UPGRADE_PATH = 300,
    /// The target is older than the source.
    HCX_DOWNGRADE = 301,
    /// The source is below the oldest upgradable release: redeploy the manager.
    HCX_REDEPLOY_REQUIRED = 302,
    /// The catalog does not know a release.
    HCX_UNKNOWN_RELEASE = 303,
    /// A source forbids this route (for example a back-in-time upgrade).
    HCX_FORBIDDEN_PATH = 304,

    /// The plan cannot be made for a reason without a code of its own (a newer hcx-core).
    HCX_PLAN_FAILED = 400,
    /// The explicit target is not a release the catalog knows.
    HCX_UNKNOWN_TARGET = 401,
    /// `validated` was asked, but no platform of the fleet lists a validated release.
    HCX_NO_VALIDATED_RELEASE = 402,
    /// The fleet's platforms validate different releases; give an explicit target.
    HCX_CONFLICTING_VALIDATED = 403,
    /// `latest` was asked, but no release is reachable from every manager.
    HCX_NOTHING_REACHABLE = 404,
    /// An acknowledged id is not a rule.
    HCX_UNKNOWN_RULE = 405,
    /// The fleet has no sites.
    HCX_EMPTY_FLEET = 406,

    /// A panic inside the library was caught; the library is still usable, the call had no effect.
    HCX_PANIC = 900,
    /// A text result contains a NUL byte (from the input) and cannot be returned as a C string.
    HCX_OUTPUT_CONTAINS_NUL = 901,
}

impl hcx_status {
    /// Every status, in code order.
    pub const ALL: &'static [hcx_status] = &[
        hcx_status::HCX_OK,
        hcx_status::HCX_NULL_PARAMETER,
        hcx_status::HCX_INVALID_UTF8,
        hcx_status::HCX_INVALID_ARGUMENT,
        hcx_status::HCX_INDEX_OUT_OF_RANGE,
        hcx_status::HCX_INVALID_VERSION,
        hcx_status::HCX_INVALID_FLEET,
        hcx_status::HCX_INVALID_CATALOG,
        hcx_status::HCX_IO_ERROR,
        hcx_status::HCX_NO_UPGRADE_PATH,
        hcx_status::HCX_DOWNGRADE,
        hcx_status::HCX_REDEPLOY_REQUIRED,
        hcx_status::HCX_UNKNOWN_RELEASE,
        hcx_status::HCX_FORBIDDEN_PATH,
        hcx_status::HCX_PLAN_FAILED,
        hcx_status::HCX_UNKNOWN_TARGET,
        hcx_status::HCX_NO_VALIDATED_RELEASE,
        hcx_status::HCX_CONFLICTING_VALIDATED,
        hcx_status::HCX_NOTHING_REACHABLE,
        hcx_status::HCX_UNKNOWN_RULE,
        hcx_status::HCX_EMPTY_FLEET,
        hcx_status::HCX_PANIC,
        hcx_status::HCX_OUTPUT_CONTAINS_NUL,
    ];

    /// The C name and the one-line description.
    pub fn info(self) -> (&'static CStr, &'static CStr) {
        match self {
            hcx_status::HCX_OK => (c"HCX_OK", c"success"),
            hcx_status::HCX_NULL_PARAMETER => (c"HCX_NULL_PARAMETER", c"a required argument is NULL"),
            hcx_status::HCX_INVALID_UTF8 => (c"HCX_INVALID_UTF8", c"a string argument is not valid UTF-8"),
            hcx_status::HCX_INVALID_ARGUMENT => (c"HCX_INVALID_ARGUMENT", c"an argument is invalid"),
            hcx_status::HCX_INDEX_OUT_OF_RANGE => (c"HCX_INDEX_OUT_OF_RANGE", c"an index is out of range"),
            hcx_status::HCX_INVALID_VERSION => (c"HCX_INVALID_VERSION", c"invalid HCX version"),
            hcx_status::HCX_INVALID_FLEET => (c"HCX_INVALID_FLEET", c"invalid fleet document"),
            hcx_status::HCX_INVALID_CATALOG => (c"HCX_INVALID_CATALOG", c"invalid catalog document"),
            hcx_status::HCX_IO_ERROR => (c"HCX_IO_ERROR", c"a file cannot be read"),
            hcx_status::HCX_NO_UPGRADE_PATH => (c"HCX_NO_UPGRADE_PATH", c"no documented upgrade path"),
            hcx_status::HCX_DOWNGRADE => (c"HCX_DOWNGRADE", c"the target is older than the source"),
            hcx_status::HCX_REDEPLOY_REQUIRED => {
                (c"HCX_REDEPLOY_REQUIRED", c"the source must be redeployed, not upgraded")
            }
            hcx_status::HCX_UNKNOWN_RELEASE => (c"HCX_UNKNOWN_RELEASE", c"a release is not in the catalog"),
            hcx_status::HCX_FORBIDDEN_PATH => (c"HCX_FORBIDDEN_PATH", c"the upgrade route is forbidden"),
            hcx_status::HCX_PLAN_FAILED => (c"HCX_PLAN_FAILED", c"the plan cannot be made"),
            hcx_status::HCX_UNKNOWN_TARGET => (c"HCX_UNKNOWN_TARGET", c"the target is not a known release"),
            hcx_status::HCX_NO_VALIDATED_RELEASE => {
                (c"HCX_NO_VALIDATED_RELEASE", c"no validated release for this fleet")
            }
            hcx_status::HCX_CONFLICTING_VALIDATED => {
                (c"HCX_CONFLICTING_VALIDATED", c"the platforms validate different releases")
            }
            hcx_status::HCX_NOTHING_REACHABLE => {
                (c"HCX_NOTHING_REACHABLE", c"no release is reachable from every manager")
            }
            hcx_status::HCX_UNKNOWN_RULE => (c"HCX_UNKNOWN_RULE", c"an acknowledged rule id is not a rule"),
            hcx_status::HCX_EMPTY_FLEET => (c"HCX_EMPTY_FLEET", c"the fleet has no sites"),
            hcx_status::HCX_PANIC => (c"HCX_PANIC", c"internal error (a panic was caught)"),
            hcx_status::HCX_OUTPUT_CONTAINS_NUL => (c"HCX_OUTPUT_CONTAINS_NUL", c"the result contains a NUL byte"),
        }
    }

    /// The status with this code, if there is one.
    pub fn from_code(code: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s as u32 == code)
    }
}

/// The C name of a status code (`"HCX_OK"`, `"HCX_NULL_PARAMETER"`, ...), or `"HCX_UNKNOWN_STATUS"` for a code
/// this library does not define.
///
/// Ownership: the string is static; do not free it. Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn hcx_status_name(status: u32) -> *const c_char {
    ffi_value! {
        hcx_status::from_code(status).map_or(c"HCX_UNKNOWN_STATUS", |s| s.info().0).as_ptr()
    }
}

/// A one-line, lowercase description of a status code (`"a required argument is NULL"`), or
/// `"unknown status"` for a code this library does not define.
///
/// Ownership: the string is static; do not free it. Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn hcx_status_description(status: u32) -> *const c_char {
    ffi_value! {
        hcx_status::from_code(status).map_or(c"unknown status", |s| s.info().1).as_ptr()
    }
}

/// The message of the last failed call on this thread, or NULL when the last call succeeded.
///
/// Every function returning `hcx_status` clears the message when it starts and sets it when it fails, so read
/// it right after the failing call. This function itself does not change it.
///
/// Ownership: the caller owns the returned string and frees it with `hcx_string_free`.
/// Thread safety: the message is thread-local; each thread sees its own.
#[unsafe(no_mangle)]
pub extern "C" fn hcx_last_error_message() -> *mut c_char {
    ffi_value! {
        ffi::last_error().map_or(std::ptr::null_mut(), |m| ffi::message_to_c(&m))
    }
}

/// Frees a string returned by this library. NULL is a no-op.
///
/// Ownership: takes back ownership of `s`, which must have come from this library (not `malloc`) and must not
/// be used or freed again. Thread safety: any thread may free a string.
///
/// # Safety
/// `s` is NULL or a string returned by this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_string_free(s: *mut c_char) {
    ffi_value! {
        if !s.is_null() {
            // SAFETY: by the contract, `s` came from CString::into_raw and is freed once.
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
    }
}

/// This library's version (`"0.1.0"`).
///
/// Ownership: the string is static; do not free it. Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn hcx_library_version() -> *const c_char {
    ffi_value! {
        const VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(s) => s,
            Err(_) => panic!("the package version contains no NUL"),
        };
        VERSION.as_ptr()
    }
}

/// Panics inside the library on purpose and returns `HCX_PANIC`, with the message in
/// `hcx_last_error_message`. It exists so that callers and bindings can test their handling of that status.
///
/// Thread safety: safe from any thread. The panic message is also printed to stderr.
#[unsafe(no_mangle)]
pub extern "C" fn hcx_debug_panic() -> hcx_status {
    ffi_status! {
        panic!("hcx_debug_panic was called")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut codes: Vec<u32> = hcx_status::ALL.iter().map(|s| *s as u32).collect();
        codes.dedup();
        assert_eq!(codes.len(), hcx_status::ALL.len(), "ALL is sorted by code, without duplicates");
        for s in hcx_status::ALL {
            assert_eq!(hcx_status::from_code(*s as u32), Some(*s));
            assert_eq!(s.info().0.to_str().ok(), Some(format!("{s:?}").as_str()));
        }
        assert_eq!(hcx_status::from_code(1), None);
    }

    #[test]
    fn readme_lists_every_status() {
        let readme = include_str!("../../README.md");
        for s in hcx_status::ALL {
            let row = format!("| `{s:?}` | {} |", *s as u32);
            assert!(readme.contains(&row), "README.md has no row starting {row}");
        }
    }
}
