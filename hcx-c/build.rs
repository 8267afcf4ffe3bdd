//! Gives `libhcx.so` a versioned soname: `libhcx.so.0.<minor>` while the version is 0.x (where a minor
//! release may break the ABI), `libhcx.so.<major>` from 1.0 on.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Cargo sets these for every build script; without them this is not a cargo build and nothing is right.
    let os = std::env::var("CARGO_CFG_TARGET_OS").expect("cargo sets CARGO_CFG_TARGET_OS for build scripts");
    if os != "linux" {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    let suffix = if major == "0" { format!("0.{minor}") } else { major };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhcx.so.{suffix}");
}
