//! `hcx-ffi`: `hcx-core` for other languages, in two forms built into one library.
//!
//! - A plain **C ABI** ([`capi`]): opaque handles, stable numbered status codes, a thread-local last-error
//!   message and owned strings. The header `include/hcx.h` is generated from this crate by cbindgen and checked
//!   in; see `README.md` for the ownership rules and the status table.
//! - **UniFFI** exports ([`bindings`]): the `Catalog`, `Fleet` and `Plan` objects, records, enums and the typed
//!   [`bindings::HcxError`], from which `uniffi-bindgen` generates Kotlin, Swift and Python bindings.
//!
//! Both are thin: the work is done by `hcx-core`, and each core error is mapped once, in [`error`].
//!
//! ```
//! use hcx_ffi::bindings::{Catalog, Fleet, Plan, PlanOptions};
//!
//! let options = PlanOptions {
//!     target: Some("validated".into()),
//!     date: Some("2026-11-28".into()),
//!     acknowledge: vec![],
//!     ne_in_service: false,
//! };
//! let plan = Plan::new(Fleet::sample(), Catalog::new(), options)?;
//! assert_eq!(plan.target(), "4.11.4");
//! println!("{}", plan.to_text());
//! # Ok::<(), hcx_ffi::bindings::HcxError>(())
//! ```

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

#[cfg(feature = "uniffi")]
pub mod bindings;
pub mod capi;
pub mod error;
mod ops;
