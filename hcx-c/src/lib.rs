//! `libhcx`: the C ABI of [`hcx_ffi::capi`] as a library of its own, for C and anything that links C.
//!
//! The functions are defined in `hcx-ffi`; linking this crate as a `cdylib` or `staticlib` exports them. It
//! depends on `hcx-ffi` without the `uniffi` feature, so the UniFFI scaffolding (`uniffi_*`, `ffi_hcx_ffi_*`)
//! is not compiled in and the shared library exports only `hcx_*` symbols. The UniFFI bindings keep loading
//! `libhcx_ffi`, which needs those symbols exported. Header: `hcx-ffi/include/hcx.h`; install with
//! `scripts/install-c.sh PREFIX`.

pub use hcx_ffi::capi;
