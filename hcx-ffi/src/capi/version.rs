//! Versions: parse, print canonically, compare.

use std::cmp::Ordering;
use std::ffi::c_char;

use hcx_core::HcxVersion;

use super::ffi::{Out, arg_str, ffi_status, into_c_string};
use super::hcx_status;

/// The numeric parts of an HCX version. A plain value: no ownership, nothing to free.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct hcx_version {
    /// The major number (4 or 9 today).
    pub major: u32,
    /// The minor number.
    pub minor: u32,
    /// The patch number.
    pub patch: u32,
    /// The fourth part; 0 when the text had three.
    pub revision: u32,
}

/// Parses an HCX version (`4.10.3`, `4.10.3.0`, `4.9.0.0-23529166`, `9.1.1.0`) into its numeric parts; the
/// build after `-` is checked but not returned (see `hcx_version_canonical`).
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_VERSION`.
/// Ownership: `text` is borrowed for the call; `*out` is written only on success.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string; `out` is NULL or valid for writing an `hcx_version`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_version_parse(text: *const c_char, out: *mut hcx_version) -> hcx_status {
    ffi_status! {
        let out = Out::required(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let v: HcxVersion = unsafe { arg_str(text, "text") }?.parse()?;
        let parts = hcx_version { major: v.major(), minor: v.minor(), patch: v.patch(), revision: v.revision() };
        // SAFETY: `out` is valid for writes by this function's contract.
        unsafe { out.write(parts) };
        Ok(())
    }
}

/// Parses an HCX version and returns its canonical text: three parts (four for 9.x or a non-zero fourth
/// part), then `-BUILD` when one was given. `"4.10.3.0"` gives `"4.10.3"`.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_VERSION`.
/// Ownership: `text` is borrowed; on success the caller owns `*out` and frees it with `hcx_string_free`;
/// on failure `*out` is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_version_canonical(text: *const c_char, out: *mut *mut c_char) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { Out::nulled(out, "out") }?;
        // SAFETY: forwarded from this function's contract.
        let v: HcxVersion = unsafe { arg_str(text, "text") }?.parse()?;
        let s = into_c_string(v.to_string())?;
        // SAFETY: checked and writable by this function's contract.
        unsafe { out.write(s) };
        Ok(())
    }
}

/// Compares two HCX versions numerically (the build is ignored): `*out_order` is -1 when `a < b`, 0 when
/// they are the same release, 1 when `a > b`. `"4.10.0"` is greater than `"4.9.2"`.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_VERSION`.
/// Ownership: the strings are borrowed for the call. Thread safety: safe from any thread.
///
/// # Safety
/// `a` and `b` are NULL or NUL-terminated strings; `out_order` is NULL or valid for writing an `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_version_compare(a: *const c_char, b: *const c_char, out_order: *mut i32) -> hcx_status {
    ffi_status! {
        let out = Out::required(out_order, "out_order")?;
        // SAFETY: forwarded from this function's contract.
        let a: HcxVersion = unsafe { arg_str(a, "a") }?.parse()?;
        // SAFETY: forwarded from this function's contract.
        let b: HcxVersion = unsafe { arg_str(b, "b") }?.parse()?;
        let order = match a.cmp(&b) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        };
        // SAFETY: checked and writable by this function's contract.
        unsafe { out.write(order) };
        Ok(())
    }
}
