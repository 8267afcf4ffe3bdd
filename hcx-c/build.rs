//! Gives `libhcx.so` a versioned soname: `libhcx.so.0.<minor>` while the version is 0.x (where a minor
//! release may break the ABI), `libhcx.so.<major>` from 1.0 on.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "linux" {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let suffix = if major == "0" { format!("0.{minor}") } else { major };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhcx.so.{suffix}");
}
