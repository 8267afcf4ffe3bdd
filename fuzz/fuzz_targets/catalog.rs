//! Catalog loading: never panics; the queries of a catalog that loads do not panic either.
#![no_main]

use hcx_core::Catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(catalog) = Catalog::from_json(text) else { return };
    let date = time::macros::date!(2026 - 11 - 28);
    let releases = catalog.releases();
    for r in releases.iter().take(64) {
        let _ = catalog.support_status(&r.version, date);
    }
    if let (Some(first), Some(last)) = (releases.first(), releases.last()) {
        let _ = catalog.path(&first.version, &last.version);
        let _ = catalog.path(&last.version, &first.version);
    }
});
