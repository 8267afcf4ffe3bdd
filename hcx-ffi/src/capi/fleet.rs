//! The fleet inventory handle.

use std::ffi::c_char;

use hcx_core::fleet::Fleet;

use super::ffi::{Castable, arg_str, ffi_value, free_handle, get_string, get_value, new_handle};
use super::hcx_status;
use crate::ops;

/// A fleet: sites, site pairs, service meshes, appliances, network extensions, transfers and maintenance
/// windows (the `hcx-fleet/v1` document).
///
/// Made by `hcx_fleet_new`, `hcx_fleet_from_json` or `hcx_fleet_load`; freed by `hcx_fleet_free`.
/// Immutable: it may be read from several threads at once.
pub struct hcx_fleet {
    _private: [u8; 0],
}

impl Castable for hcx_fleet {
    type RustType = Fleet;
}

/// Makes an empty fleet (no sites; planning it gives `HCX_EMPTY_FLEET`).
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_fleet_free`; on failure `*out` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_fleet_new(out: *mut *mut hcx_fleet) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, || Ok(Fleet::new())) }
}

/// Parses and validates a fleet document (`hcx-fleet/v1` JSON). On `HCX_INVALID_FLEET` the last error message
/// lists every problem with its JSON path (for example `$.sites[0].version: invalid hcx version ...`).
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_FLEET`.
/// Ownership: `json` is borrowed for the call; on success the caller owns `*out` (free it with
/// `hcx_fleet_free`); on failure `*out` is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_fleet_from_json(json: *const c_char, out: *mut *mut hcx_fleet) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    let make = || Ok(Fleet::from_json(unsafe { arg_str(json, "json") }?)?);
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Reads and validates a fleet file.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8`, `HCX_IO_ERROR` or `HCX_INVALID_FLEET`.
/// Ownership: `path` is borrowed for the call; on success the caller owns `*out` (free it with
/// `hcx_fleet_free`); on failure `*out` is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_fleet_load(path: *const c_char, out: *mut *mut hcx_fleet) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    let make = || ops::load_fleet(unsafe { arg_str(path, "path") }?);
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Frees a fleet. NULL is a no-op.
///
/// Ownership: takes back `fleet`, which must not be used or freed again. Plans made from it stay valid.
/// Thread safety: no other thread may be using `fleet`.
///
/// # Safety
/// `fleet` is NULL or a live handle from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_fleet_free(fleet: *mut hcx_fleet) {
    ffi_value! {
        // SAFETY: forwarded from this function's contract.
        unsafe { free_handle(fleet) }
    }
}

/// The fleet as pretty-printed `hcx-fleet/v1` JSON (stable field order).
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same fleet.
///
/// # Safety
/// `fleet` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_fleet_to_json(fleet: *const hcx_fleet, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_string(fleet, "fleet", out, |f| Ok(f.to_json_pretty())) }
}

/// The number of sites in the fleet.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`. Thread safety: safe to call concurrently on the same fleet.
///
/// # Safety
/// `fleet` is NULL or a live handle; `out_count` is NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_fleet_site_count(fleet: *const hcx_fleet, out_count: *mut usize) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_value(fleet, "fleet", out_count, "out_count", |f| f.sites.len()) }
}
