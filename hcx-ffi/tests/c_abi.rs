//! Compiles the C tests (`tests/c/*.c` at the repository root) and the C example (`examples/c/plan.c`), runs
//! them, and checks their exit codes and output.
//!
//! They build against the installed C package when `HCX_C_PREFIX` names one (`scripts/install-c.sh PREFIX`,
//! as the test command does): flags from `pkg-config --cflags --libs hcx`, and the installed library's
//! exported symbols and soname are checked. Without it they build against the `libhcx_ffi` that cargo built
//! for this test run; `HCX_REQUIRE_C_PREFIX` makes the installed package mandatory.
//!
//! Flags: `-std=c11 -Wall -Wextra -Werror -pedantic`, plus AddressSanitizer and UBSan when the compiler can
//! build and run a sanitized program here; `HCX_REQUIRE_SANITIZERS=1` makes their absence a failure instead of
//! a note. The compiler is `$CC`, or `cc`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use hcx_core::Catalog;
use hcx_core::catalog::{Confidence, DeployedVersion};
use hcx_core::fleet::Platform;

/// Statuses no C test can produce: `HCX_PLAN_FAILED` is the fallback for planning errors that a newer
/// hcx-core may add; today every planning error has its own code.
const UNREACHABLE: &[&str] = &["HCX_PLAN_FAILED"];

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn repo_dir() -> &'static Path {
    crate_dir().parent().expect("hcx-ffi sits in the workspace root")
}

/// The directory holding `libhcx_ffi.so`. This test binary lives in `<target>/<profile>/deps`, where cargo
/// also puts the library it built for this test run (`<profile>/` may hold an older `cargo build` one).
fn lib_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let deps = exe.parent().expect("the deps directory");
        let name = format!("{}hcx_ffi{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
        [deps, deps.parent().expect("the profile directory")]
            .into_iter()
            .find(|d| d.join(&name).is_file())
            .unwrap_or_else(|| panic!("{name} not found next to {}; cargo builds it with the tests", exe.display()))
            .to_path_buf()
    })
}

/// The C package installed under `HCX_C_PREFIX`, as pkg-config describes it.
struct Installed {
    prefix: PathBuf,
    cflags: Vec<String>,
    libs: Vec<String>,
    libdir: PathBuf,
}

/// Runs `pkg-config ARGS hcx` on the installed package only (its `lib/pkgconfig` is the whole search path).
fn pkg_config(prefix: &Path, args: &[&str]) -> String {
    let out = Command::new("pkg-config")
        .env("PKG_CONFIG_LIBDIR", prefix.join("lib/pkgconfig"))
        .env_remove("PKG_CONFIG_PATH")
        .args(args)
        .arg("hcx")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pkg-config: {e}"));
    assert!(out.status.success(), "pkg-config {args:?} hcx failed:\n{}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// The installed package, or `None` to build against the build tree.
fn installed() -> Option<&'static Installed> {
    static INSTALLED: OnceLock<Option<Installed>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let Some(prefix) = std::env::var_os("HCX_C_PREFIX").filter(|p| !p.is_empty()).map(PathBuf::from) else {
                assert!(
                    std::env::var_os("HCX_REQUIRE_C_PREFIX").is_none(),
                    "HCX_REQUIRE_C_PREFIX is set but HCX_C_PREFIX is not"
                );
                eprintln!("note: HCX_C_PREFIX is not set; building the C programs against the build tree");
                return None;
            };
            Some(Installed {
                cflags: words(&pkg_config(&prefix, &["--cflags"])),
                libs: words(&pkg_config(&prefix, &["--libs"])),
                libdir: PathBuf::from(pkg_config(&prefix, &["--variable=libdir"])),
                prefix,
            })
        })
        .as_ref()
}

/// A scratch directory for this test binary's outputs.
fn work_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hcx-ffi-c");
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    })
}

fn compiler() -> String {
    std::env::var("CC").ok().filter(|c| !c.is_empty()).unwrap_or_else(|| "cc".to_owned())
}

const SANITIZE: &[&str] = &["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];

/// The sanitizer flags if a sanitized program builds and runs here, else none (with a note), or a failed test
/// when `HCX_REQUIRE_SANITIZERS` asks for them.
fn sanitizer_flags() -> &'static [&'static str] {
    static FLAGS: OnceLock<&'static [&'static str]> = OnceLock::new();
    FLAGS.get_or_init(|| {
        let problem = sanitizer_problem();
        match choose_sanitizers(problem.as_deref(), std::env::var_os("HCX_REQUIRE_SANITIZERS").as_deref()) {
            Ok(flags) => {
                if let Some(p) = &problem {
                    eprintln!(
                        "note: AddressSanitizer/UBSan are not usable here ({p}); building the C tests without them"
                    );
                }
                flags
            }
            Err(e) => panic!("{e}"),
        }
    })
}

/// Why a sanitized probe does not build or run here, or `None` when it does.
fn sanitizer_problem() -> Option<String> {
    let src = work_dir().join("probe.c");
    let exe = work_dir().join("probe");
    std::fs::write(&src, "#include <stdlib.h>\nint main(void) { char *p = malloc(4); free(p); return 0; }\n")
        .expect("write the probe");
    let failed = |what: &str, o: std::io::Result<Output>| match o {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!("{what} failed ({}): {}", o.status, text(&o.stderr).trim())),
        Err(e) => Some(format!("cannot {what}: {e}")),
    };
    failed("build a sanitized probe", Command::new(compiler()).args(SANITIZE).arg(&src).arg("-o").arg(&exe).output())
        .or_else(|| failed("run the sanitized probe", Command::new(&exe).output()))
}

/// The sanitizer flags to build with: all of them when the probe worked; none when it did not, unless
/// `required` (the value of `HCX_REQUIRE_SANITIZERS`, set and neither empty nor `0`) makes that an error.
fn choose_sanitizers(
    problem: Option<&str>,
    required: Option<&std::ffi::OsStr>,
) -> Result<&'static [&'static str], String> {
    let required = required.is_some_and(|v| !v.is_empty() && v != "0");
    match problem {
        None => Ok(SANITIZE),
        Some(p) if required => Err(format!(
            "HCX_REQUIRE_SANITIZERS is set but AddressSanitizer/UBSan are not usable with {:?}: {p}",
            compiler()
        )),
        Some(_) => Ok(&[]),
    }
}

#[test]
fn sanitizers_are_dropped_only_when_not_required() {
    use std::ffi::OsStr;
    assert_eq!(choose_sanitizers(None, None), Ok(SANITIZE));
    assert_eq!(choose_sanitizers(None, Some(OsStr::new("1"))), Ok(SANITIZE));
    let none: &[&str] = &[];
    assert_eq!(choose_sanitizers(Some("no libasan"), None), Ok(none));
    assert_eq!(choose_sanitizers(Some("no libasan"), Some(OsStr::new(""))), Ok(none));
    assert_eq!(choose_sanitizers(Some("no libasan"), Some(OsStr::new("0"))), Ok(none));
    let e = choose_sanitizers(Some("no libasan"), Some(OsStr::new("1"))).expect_err("required");
    assert!(e.contains("HCX_REQUIRE_SANITIZERS") && e.contains("no libasan"), "{e}");
}

/// Compiles one C program against the shared library: the installed one through pkg-config, or the build
/// tree's.
fn compile(source: &Path, name: &str) -> PathBuf {
    let exe = work_dir().join(name);
    let mut cc = Command::new(compiler());
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g", "-pthread"]).args(sanitizer_flags());
    match installed() {
        Some(i) => {
            cc.args(&i.cflags).arg(source).arg("-o").arg(&exe).args(&i.libs);
            cc.arg(format!("-Wl,-rpath,{}", i.libdir.display()));
        }
        None => {
            let lib = lib_dir();
            cc.arg("-I").arg(crate_dir().join("include")).arg(source).arg("-o").arg(&exe);
            cc.arg("-L").arg(lib).arg(format!("-Wl,-rpath,{}", lib.display())).arg("-lhcx_ffi");
        }
    }
    let output = cc.output().unwrap_or_else(|e| panic!("cannot run the C compiler {:?}: {e}", compiler()));
    assert!(output.status.success(), "compiling {} failed:\n{}", source.display(), text(&output.stderr));
    exe
}

fn run(exe: &Path, args: &[&Path]) -> Output {
    // Leak checking covers the library's frees too; the Rust runtime keeps what it owns reachable. Options
    // from the environment come first, so these win; scripts/test-faketime.sh adds `verify_asan_link_order=0`
    // there, since libfaketime is preloaded ahead of the ASan runtime.
    let inherited = std::env::var("ASAN_OPTIONS").ok().filter(|o| !o.is_empty());
    let asan = inherited.map_or_else(String::new, |o| o + ":") + "detect_leaks=1:abort_on_error=0";
    Command::new(exe)
        .args(args)
        .env("ASAN_OPTIONS", asan)
        .env("UBSAN_OPTIONS", "print_stacktrace=1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A catalog in which two cloud platforms validate different releases (AVS 4.11.4, GCVE 4.10.3).
fn two_validated_catalog() -> PathBuf {
    let mut data = Catalog::bundled().data().clone();
    let gcve = data.platforms.iter_mut().find(|p| p.platform == Platform::Gcve).expect("the catalog lists GCVE");
    gcve.deployed.push(DeployedVersion {
        as_of: time::macros::date!(2026 - 01 - 15),
        version: "4.10.3".parse().expect("a version"),
        build: None,
        sources: vec!["T-GCVE".into()],
        confidence: Confidence::ThirdParty,
        note: None,
    });
    let dir = work_dir().join("fixtures");
    std::fs::create_dir_all(&dir).expect("create the fixtures directory");
    let json = serde_json::to_string_pretty(&data).expect("the catalog serialises");
    Catalog::from_json(&json).expect("the fixture catalog is valid");
    std::fs::write(dir.join("two-validated-catalog.json"), json).expect("write the fixture");
    dir
}

/// The `HCX_*` names of the status enum in the checked-in header.
fn header_statuses() -> BTreeSet<String> {
    let header = std::fs::read_to_string(crate_dir().join("include/hcx.h")).expect("read include/hcx.h");
    let start = header.find("enum hcx_status").expect("the header declares hcx_status");
    let body = &header[start..start + header[start..].find("};").expect("the enum ends")];
    body.lines()
        .filter_map(|l| l.trim().split_once(" = ").map(|(name, _)| name.to_owned()))
        .filter(|n| n.starts_with("HCX_"))
        .collect()
}

#[test]
fn c_tests_pass_and_cover_every_status() {
    let tests_dir = repo_dir().join("tests/c");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&tests_dir)
        .expect("read tests/c")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    assert!(sources.len() >= 4, "expected the C tests in {}", tests_dir.display());

    let data = repo_dir().join("hcx-core/data");
    let fixtures = two_validated_catalog();
    let outputs: Vec<(String, Output)> = std::thread::scope(|s| {
        let handles: Vec<_> = sources
            .iter()
            .map(|src| {
                let (data, fixtures) = (&data, &fixtures);
                s.spawn(move || {
                    let name = src.file_stem().expect("a file name").to_string_lossy().into_owned();
                    let exe = compile(src, &name);
                    (name, run(&exe, &[data, fixtures]))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a C test thread")).collect()
    });

    let mut covered = BTreeSet::new();
    for (name, out) in &outputs {
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "{name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
            out.status,
            text(&out.stderr)
        );
        assert!(stdout.contains(&format!("{name}: ok")), "{name} did not finish:\n{stdout}");
        covered.extend(stdout.lines().filter_map(|l| l.strip_prefix("status ")).map(str::to_owned));
    }

    let all = header_statuses();
    assert!(all.contains("HCX_OK") && all.contains("HCX_PANIC"), "parsed statuses: {all:?}");
    let missing: Vec<&String> =
        all.iter().filter(|s| !covered.contains(*s) && !UNREACHABLE.contains(&s.as_str())).collect();
    assert!(missing.is_empty(), "no C test checks these statuses: {missing:?}");
}

#[test]
fn c_example_plans_the_sample_fleet() {
    let exe = compile(&repo_dir().join("examples/c/plan.c"), "plan");
    let fleet = repo_dir().join("hcx-core/data/sample-fleet.json");
    let out =
        Command::new(&exe).arg(&fleet).args(["validated", "2026-11-28", "json"]).output().expect("run the example");
    let stdout = text(&out.stdout);
    // 0: no blockers, 2: blockers; either way the plan is printed.
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "the example failed ({}):\n{stdout}\n{}",
        out.status,
        text(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_str(&stdout).expect("the example prints the plan as JSON");
    assert_eq!(plan["target"], "4.11.4");
    assert!(plan["steps"].as_array().is_some_and(|s| !s.is_empty()), "the plan has steps");

    let out = Command::new(&exe).arg("/nonexistent/fleet.json").output().expect("run the example");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("HCX_IO_ERROR") && stderr.contains("/nonexistent/fleet.json"), "{stderr}");
}

/// Runs `f` so that every read of today's date in it (in this process and in the programs it starts) sees
/// the same UTC day, which it returns with `f`'s result: `f` runs again when midnight passed during it, which
/// happens at most once in two short runs. A real difference between two plans shows on both runs.
fn on_one_day<T>(mut f: impl FnMut() -> T) -> (T, time::Date) {
    loop {
        let before = hcx_core::plan::today();
        let result = f();
        if hcx_core::plan::today() == before {
            return (result, before);
        }
    }
}

/// A fleet planned with no options through the C ABI gives the bytes and digest hcx-core's defaults give
/// (which are the bytes of `hcx plan --fleet FILE --format json`, checked in hcx-cli's tests).
#[test]
fn c_default_plan_is_the_core_default_plan() {
    let exe = compile(&crate_dir().join("tests/c/default_plan.c"), "default_plan");
    for name in
        ["hcx-core/data/sample-fleet.json", "examples/fleets/multi-site.json", "examples/fleets/legacy-4.3.json"]
    {
        let file = repo_dir().join(name);
        let fleet = hcx_core::fleet::Fleet::load(&file).expect("the example fleet loads");
        let ((out, p), today) = on_one_day(|| {
            let out = run(&exe, &[&file]);
            let options = hcx_core::plan::PlanOptions::default_for(&fleet, Catalog::bundled());
            (out, hcx_core::plan::plan(&fleet, Catalog::bundled(), &options))
        });
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let p = p.expect("the example fleet plans");
        assert_eq!(p.date, today, "{name}: the default plan date is today (UTC)");
        let stdout = text(&out.stdout);
        let (digest, json) = stdout.split_once('\n').expect("the digest line");
        assert_eq!(json, p.to_json(), "{name}");
        assert_eq!(digest, p.digest, "{name}");
    }
}

/// The staticlib works too: the example linked against the static library and the Rust runtime's system
/// libraries (installed: `libhcx.a` and pkg-config's `Libs.private`).
#[cfg(target_os = "linux")]
#[test]
fn c_example_links_statically() {
    let (archive, cflags, system_libs) = match installed() {
        Some(i) => {
            let private = words(&pkg_config(&i.prefix, &["--static", "--libs-only-l"]));
            (i.libdir.join("libhcx.a"), i.cflags.clone(), private.into_iter().filter(|l| l != "-lhcx").collect())
        }
        None => (
            lib_dir().join("libhcx_ffi.a"),
            vec!["-I".to_owned(), crate_dir().join("include").display().to_string()],
            // `rustc --print native-static-libs` for this target.
            words("-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"),
        ),
    };
    assert!(archive.is_file(), "no {}", archive.display());
    let exe = work_dir().join("plan_static");
    let output = Command::new(compiler())
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(&cflags)
        .arg(repo_dir().join("examples/c/plan.c"))
        .arg(&archive)
        .args(&system_libs)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("run the C compiler");
    assert!(output.status.success(), "static link failed:\n{}", text(&output.stderr));
    let out = Command::new(&exe)
        .arg(repo_dir().join("hcx-core/data/sample-fleet.json"))
        .args(["validated", "2026-11-28", "text"])
        .output()
        .expect("run the static example");
    let stdout = text(&out.stdout);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}\n{}", stdout, text(&out.stderr));
    assert!(stdout.contains("4.11.4"), "{stdout}");
}

/// The installed shared library: a versioned soname, and only `hcx_*` symbols exported, every function of the
/// header among them.
#[cfg(target_os = "linux")]
#[test]
fn installed_library_exports_only_the_c_abi() {
    let Some(i) = installed() else { return };
    assert_eq!(pkg_config(&i.prefix, &["--modversion"]), env!("CARGO_PKG_VERSION"));
    let lib = i.libdir.join("libhcx.so");
    let tool = |name: &str, args: &[&str]| {
        let out = Command::new(name).args(args).arg(&lib).output().unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
        assert!(out.status.success(), "{name} {args:?} failed: {}", text(&out.stderr));
        text(&out.stdout)
    };

    let (major, minor) = (env!("CARGO_PKG_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MINOR"));
    let soname = if major == "0" { format!("libhcx.so.0.{minor}") } else { format!("libhcx.so.{major}") };
    let dynamic = tool("readelf", &["-d"]);
    assert!(dynamic.contains(&format!("Library soname: [{soname}]")), "{dynamic}");
    assert!(i.libdir.join(&soname).is_file(), "no {soname} link in {}", i.libdir.display());

    let exported: BTreeSet<String> = tool("nm", &["-D", "--defined-only", "--format=posix"])
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    let foreign: Vec<&String> = exported.iter().filter(|s| !s.starts_with("hcx_")).collect();
    assert!(foreign.is_empty(), "libhcx.so exports more than the C ABI: {foreign:?}");

    let header = std::fs::read_to_string(i.prefix.join("include/hcx.h")).expect("read the installed hcx.h");
    // Every `hcx_name(` of the header: the declarations (and the functions its comments name).
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let declared: BTreeSet<String> = header
        .match_indices("hcx_")
        .filter(|(at, _)| !header[..*at].ends_with(ident))
        .filter_map(|(at, _)| {
            let name: String = header[at..].chars().take_while(|c| ident(*c)).collect();
            header[at + name.len()..].starts_with('(').then_some(name)
        })
        .collect();
    assert!(declared.len() > 20, "parsed functions: {declared:?}");
    let missing: Vec<&String> = declared.difference(&exported).collect();
    assert!(missing.is_empty(), "declared in hcx.h but not exported: {missing:?}");
    let header_in_tree = std::fs::read_to_string(crate_dir().join("include/hcx.h")).expect("read include/hcx.h");
    assert_eq!(header, header_in_tree, "the installed header is the checked-in one");
}
