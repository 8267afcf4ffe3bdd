//! Version parsing: never panics; what parses prints canonically and parses back equal (build included);
//! errors quote only the start of long input.
#![no_main]

use hcx_core::HcxVersion;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match text.parse::<HcxVersion>() {
        Ok(v) => {
            let shown = v.to_string();
            let back: HcxVersion = shown.parse().expect("a printed version parses back");
            assert_eq!(back, v);
            assert_eq!(back.build(), v.build());
            assert_eq!(back.to_string(), shown, "printing is canonical");
        }
        Err(e) => assert!(e.to_string().len() < 600, "the error copies its input"),
    }
});
