//! The C ABI. Its header, `include/hcx.h`, is generated from this module by cbindgen.
//!
//! Conventions, stated once here and on every function:
//! - Fallible functions return an [`hcx_status`]; results come back through out-parameters, which are set to
//!   NULL (pointer outs) on entry, so they are NULL on every error path.
//! - After a failure, `hcx_last_error_message()` returns the message (thread-local).
//! - Strings in are NUL-terminated UTF-8; invalid UTF-8 is `HCX_INVALID_UTF8`, never a crash. Strings out are
//!   owned by the caller and freed with `hcx_string_free`.
//! - Handles (`hcx_catalog`, `hcx_fleet`, `hcx_plan_options`, `hcx_plan`) are created by `*_new` (or
//!   `*_from_json`, `*_load`) and freed by their `*_free`, which accepts NULL.
//! - Catalogs, fleets and plans are immutable once made: they may be read from several threads at once, but
//!   must not be freed while another thread uses them. Plan options are not for concurrent use.
//! - Every body runs inside a panic boundary: a panic becomes `HCX_PANIC` (or NULL for functions without a
//!   status), never an unwind into C.

#![allow(non_camel_case_types, reason = "the C names of the header: hcx_catalog, hcx_status, ...")]

pub(crate) mod ffi;

// cbindgen writes the header in this declaration order (rustfmt keeps it alphabetical).
mod catalog;
mod fleet;
mod plan;
mod status;
mod version;

pub use catalog::*;
pub use fleet::*;
pub use plan::*;
pub use status::*;
pub use version::*;
