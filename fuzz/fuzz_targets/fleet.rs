//! Fleet loading: never panics; a valid fleet survives a JSON round trip unchanged and validates.
#![no_main]

use hcx_core::fleet::Fleet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(fleet) = Fleet::from_json(text) {
        let again = Fleet::from_json(&fleet.to_json_pretty()).expect("a loaded fleet reloads");
        assert_eq!(again, fleet);
        fleet.validate().expect("a loaded fleet validates");
    }
});
