//! The endpoints file: never panics; a file that loads has at least one endpoint, unique sites, and URLs whose
//! origin is computed without panicking.
#![no_main]

use hcx_core::client::discover::{EndpointsFile, origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(file) = EndpointsFile::from_json(text) {
        assert!(!file.endpoints.is_empty());
        let mut sites: Vec<&str> = file.endpoints.iter().map(|e| e.site.as_str()).collect();
        sites.sort_unstable();
        sites.dedup();
        assert_eq!(sites.len(), file.endpoints.len());
        for e in &file.endpoints {
            let _ = origin(&e.url);
        }
    }
});
