//! Generates the Python bindings from the cdylib that cargo built for this test run (UniFFI library mode, the
//! same code as `cargo run -p uniffi-bindgen -- generate <lib> --language python`), then runs
//! `tests/uniffi/test_bindings.py` against them with `python3`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The built `libhcx_ffi.so`. This test binary lives in `<target>/<profile>/deps`, where cargo also puts the
/// library it built for this test run (`<profile>/` may hold an older `cargo build` one).
fn cdylib() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the deps directory");
    let name = format!("{}hcx_ffi{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    [deps, deps.parent().expect("the profile directory")]
        .into_iter()
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} not found next to {}; cargo builds it with the tests", exe.display()))
}

#[test]
fn python_bindings_work() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hcx-ffi-python");
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir).expect("clear the bindings directory");
    }
    std::fs::create_dir_all(&out_dir).expect("create the bindings directory");

    let lib = cdylib();
    let utf8 = |p: &Path| p.to_str().expect("a UTF-8 path").to_owned();
    uniffi::generate(uniffi::GenerateOptions {
        languages: vec![uniffi::TargetLanguage::Python],
        source: utf8(&lib).into(),
        out_dir: utf8(&out_dir).into(),
        metadata_no_deps: false,
        ..Default::default()
    })
    .expect("uniffi generates the Python bindings");
    let module = out_dir.join("hcx_ffi.py");
    assert!(module.is_file(), "no {}", module.display());
    // The generated module loads the library from its own directory.
    std::fs::copy(&lib, out_dir.join(lib.file_name().expect("a file name"))).expect("copy the library");

    let script = crate_dir.join("tests/uniffi/test_bindings.py");
    let data = crate_dir.parent().expect("the workspace root").join("hcx-core/data");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&data)
        .env("PYTHONPATH", &out_dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the Python binding tests failed:\n{stderr}");
    // unittest reports on stderr; make sure the tests really ran.
    assert!(stderr.contains("\nOK"), "{stderr}");
    assert!(
        stderr.contains("test_sample_plan")
            && stderr.contains("test_invalid_version_is_typed")
            && stderr.contains("test_every_schema_field_is_a_record_field"),
        "{stderr}"
    );
}
