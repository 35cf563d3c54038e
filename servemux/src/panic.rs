//! The text of a panic payload, for the layers that catch a handler's panic and log it (the
//! server's connection task here, the controller lifecycle and gin's recovery above).

use std::any::Any;

/// The message a panic carried: the `&str` or `String` of `panic!`, or a fixed text for any
/// other payload.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
/// assert_eq!(servemux::panic_message(&*payload), "boom 7");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}
