//! `uniffi-bindgen`: generates Kotlin, Swift, Python or Ruby bindings for `hcx-ffi`, with the same uniffi version
//! the library was built with.
//!
//! ```text
//! cargo build -p hcx-ffi
//! cargo run -p uniffi-bindgen -- generate target/debug/libhcx_ffi.so --language kotlin --out-dir out
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
