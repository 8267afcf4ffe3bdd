//! The message of a caught panic, for the front ends that must not unwind into a foreign caller (the C ABI,
//! Python).

use std::any::Any;

/// What a panic said: its `&str` or `String` payload, else `"a panic without a message"`.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 42)).expect_err("it panics");
/// assert_eq!(hcx_core::panic::panic_message(payload.as_ref()), "boom 42");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_gives_a_message() {
        let text: Box<dyn Any + Send> = Box::new("static text");
        let owned: Box<dyn Any + Send> = Box::new(String::from("owned text"));
        let other: Box<dyn Any + Send> = Box::new(7_u32);
        assert_eq!(panic_message(text.as_ref()), "static text");
        assert_eq!(panic_message(owned.as_ref()), "owned text");
        assert_eq!(panic_message(other.as_ref()), "a panic without a message");
    }
}
