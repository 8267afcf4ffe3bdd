//! The interoperability catalog handle and upgrade-path checks.

use std::borrow::Cow;
use std::ffi::c_char;

use hcx_core::{Catalog, HcxVersion};

use super::ffi::{
    Castable, Out, arg_str, ffi_status, ffi_value, free_handle, get_string, handle_ref, into_c_string, new_handle,
    write_list,
};
use super::hcx_status;
use crate::ops::{self, CatalogRef};

/// An interoperability catalog: releases, upgrade paths, pairing rules and platform facts.
///
/// Made by `hcx_catalog_new`, `hcx_catalog_from_json` or `hcx_catalog_load`; freed by `hcx_catalog_free`.
/// Immutable: it may be read from several threads at once.
pub struct hcx_catalog {
    _private: [u8; 0],
}

impl Castable for hcx_catalog {
    type RustType = CatalogRef;
}

/// Makes a handle to the catalog bundled with the library (it works offline).
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_catalog_free`; on failure `*out` is
/// NULL. Thread safety: safe from any thread; the bundled data is shared by all handles.
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_new(out: *mut *mut hcx_catalog) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, || Ok(Cow::Borrowed(Catalog::bundled()))) }
}

/// Parses and checks a catalog document (`hcx-catalog/v1` JSON).
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_CATALOG`.
/// Ownership: `json` is borrowed for the call; on success the caller owns `*out` (free it with
/// `hcx_catalog_free`); on failure `*out` is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_from_json(json: *const c_char, out: *mut *mut hcx_catalog) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    let make = || Ok(Cow::Owned(Catalog::from_json(unsafe { arg_str(json, "json") }?)?));
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Reads and checks a catalog file.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8`, `HCX_IO_ERROR` or `HCX_INVALID_CATALOG`.
/// Ownership: `path` is borrowed for the call; on success the caller owns `*out` (free it with
/// `hcx_catalog_free`); on failure `*out` is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_load(path: *const c_char, out: *mut *mut hcx_catalog) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    let make = || Ok(Cow::Owned(ops::load_catalog(unsafe { arg_str(path, "path") }?)?));
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Frees a catalog. NULL is a no-op.
///
/// Ownership: takes back `catalog`, which must not be used or freed again. Plans made from it stay valid.
/// Thread safety: no other thread may be using `catalog`.
///
/// # Safety
/// `catalog` is NULL or a live handle from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_free(catalog: *mut hcx_catalog) {
    ffi_value! {
        // SAFETY: forwarded from this function's contract.
        unsafe { free_handle(catalog) }
    }
}

/// The date the catalog's data was compiled, as `YYYY-MM-DD`.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`.
/// Thread safety: safe to call concurrently on the same catalog.
///
/// # Safety
/// `catalog` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_as_of(catalog: *const hcx_catalog, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_string(catalog, "catalog", out, |c| Ok(c.as_of().to_string())) }
}

/// Whether the catalog knows a release.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_VERSION`.
/// Ownership: `version` is borrowed for the call. Thread safety: safe to call concurrently on the same catalog.
///
/// # Safety
/// `catalog` is NULL or a live handle; `version` is NULL or a NUL-terminated string; `out_known` is NULL or
/// valid for writing a `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_is_known(
    catalog: *const hcx_catalog,
    version: *const c_char,
    out_known: *mut bool,
) -> hcx_status {
    ffi_status! {
        let out = Out::required(out_known, "out_known")?;
        // SAFETY: forwarded from this function's contract.
        let catalog = unsafe { handle_ref(catalog, "catalog") }?;
        // SAFETY: forwarded from this function's contract.
        let v: HcxVersion = unsafe { arg_str(version, "version") }?.parse()?;
        // SAFETY: checked and writable by this function's contract.
        unsafe { out.write(catalog.is_known(&v)) };
        Ok(())
    }
}

/// Checks the upgrade path of a manager from one release to another: the shortest chain of documented
/// upgrades, each hop with the rule and sources that allow it.
///
/// On success `*out_hops` (if not NULL) is the number of upgrades (0 when `from` and `to` are the same release)
/// and `*out_json` (if not NULL) is the path as JSON: `{"from", "to", "hops": [{"from", "to", "rule",
/// "sources", "confidence", "note"?}]}`.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8`, `HCX_INVALID_VERSION`, or why there is no path:
/// `HCX_DOWNGRADE`, `HCX_REDEPLOY_REQUIRED`, `HCX_UNKNOWN_RELEASE`, `HCX_FORBIDDEN_PATH`,
/// `HCX_NO_UPGRADE_PATH`.
/// Ownership: the strings are borrowed for the call; on success the caller owns `*out_json` (free it with
/// `hcx_string_free`); on failure it is NULL. Thread safety: safe to call concurrently on the same catalog.
///
/// # Safety
/// `catalog` is NULL or a live handle; `from` and `to` are NULL or NUL-terminated strings; `out_hops` is NULL
/// or valid for writing a `size_t`; `out_json` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_path(
    catalog: *const hcx_catalog,
    from: *const c_char,
    to: *const c_char,
    out_hops: *mut usize,
    out_json: *mut *mut c_char,
) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let out_json = unsafe { Out::optional(out_json) };
        // SAFETY: forwarded from this function's contract.
        let catalog = unsafe { handle_ref(catalog, "catalog") }?;
        // SAFETY: forwarded from this function's contract.
        let from: HcxVersion = unsafe { arg_str(from, "from") }?.parse()?;
        // SAFETY: forwarded from this function's contract.
        let to: HcxVersion = unsafe { arg_str(to, "to") }?.parse()?;
        let path = catalog.path(&from, &to)?;
        if let Some(out) = out_json {
            let json = serde_json::to_string(&path)
                .expect("a path holds strings, numbers and lists under string keys: serialising it cannot fail");
            // SAFETY: checked and writable by this function's contract.
            unsafe { out.write(into_c_string(json)?) };
        }
        if !out_hops.is_null() {
            // SAFETY: non-NULL and writable by this function's contract.
            unsafe { out_hops.write(path.hops.len()) };
        }
        Ok(())
    }
}

/// The full catalog document (`hcx-catalog/v1`, pretty JSON): loading it back gives an equal catalog.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER` or `HCX_INVALID_CATALOG` (the data cannot be written; never for a
/// loaded catalog).
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same catalog.
///
/// # Safety
/// `catalog` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_export(catalog: *const hcx_catalog, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_string(catalog, "catalog", out, |c| Ok(c.export()?)) }
}

/// Checks a catalog document against the schema and the invariants and lists every problem.
///
/// On success `*out_count` (if not NULL) is the number of problems (0: a valid catalog) and `*out_json` (if
/// not NULL) is a JSON array of the problems as strings, schema problems with their JSON path.
///
/// Returns `HCX_OK` (whether or not the document is valid), `HCX_NULL_PARAMETER` or `HCX_INVALID_UTF8`.
/// Ownership: `json` is borrowed for the call; on success the caller owns `*out_json` (free it with
/// `hcx_string_free`). Thread safety: safe from any thread.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `out_count` is NULL or valid for writing a `size_t`;
/// `out_json` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_validate(
    json: *const c_char,
    out_count: *mut usize,
    out_json: *mut *mut c_char,
) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let out_json = unsafe { Out::optional(out_json) };
        // SAFETY: forwarded from this function's contract.
        let problems = Catalog::validate(unsafe { arg_str(json, "json") }?);
        // SAFETY: forwarded from this function's contract.
        unsafe { write_list(problems.len(), || serde_json::to_string(&problems), out_count, out_json) }
    }
}

/// What changed from `old` to `new`: releases, paths, issues, sources and other facts added, removed or
/// changed.
///
/// On success `*out_count` (if not NULL) is the number of changes (0: the same facts) and `*out_json` (if not
/// NULL) is a JSON array of `{"section", "key", "kind": "added"|"removed"|"changed", "fields"?}`.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER` or `HCX_INVALID_CATALOG` (a catalog cannot be written; never for a
/// loaded one).
/// Ownership: on success the caller owns `*out_json` (free it with `hcx_string_free`).
/// Thread safety: safe to call concurrently on the same catalogs.
///
/// # Safety
/// `old` and `new` are NULL or live handles; `out_count` is NULL or valid for writing a `size_t`; `out_json`
/// is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_catalog_diff(
    old: *const hcx_catalog,
    new: *const hcx_catalog,
    out_count: *mut usize,
    out_json: *mut *mut c_char,
) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let out_json = unsafe { Out::optional(out_json) };
        // SAFETY: forwarded from this function's contract.
        let old = unsafe { handle_ref(old, "old") }?;
        // SAFETY: forwarded from this function's contract.
        let new = unsafe { handle_ref(new, "new") }?;
        let entries = old.diff(new)?;
        // SAFETY: forwarded from this function's contract.
        unsafe { write_list(entries.len(), || serde_json::to_string(&entries), out_count, out_json) }
    }
}
