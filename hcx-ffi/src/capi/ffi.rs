//! The machinery every exported function uses: the panic boundary, the last error, handle casts, argument
//! checks and owned strings.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::hcx_status;
use crate::error::Error;

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces this thread's last error message (`None` clears it).
fn set_last_error(message: Option<String>) {
    // `try_with` fails only while the thread is being torn down; the message is lost then, nothing else.
    let _ = LAST_ERROR.try_with(|cell| *cell.borrow_mut() = message);
}

/// This thread's last error message.
pub(crate) fn last_error() -> Option<String> {
    LAST_ERROR.try_with(|cell| cell.borrow().clone()).ok().flatten()
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    format!("internal error (a panic in hcx-ffi): {}", hcx_core::panic::panic_message(payload))
}

/// Runs a status-returning body: clears the last error, then records the error or panic it ends with.
pub(crate) fn run_status(body: impl FnOnce() -> Result<(), Error>) -> hcx_status {
    set_last_error(None);
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => hcx_status::HCX_OK,
        Ok(Err(e)) => {
            set_last_error(Some(e.to_string()));
            e.status()
        }
        Err(payload) => {
            set_last_error(Some(panic_message(payload.as_ref())));
            hcx_status::HCX_PANIC
        }
    }
}

/// The value an exported function that returns no status gives back when its body panics.
pub(crate) trait PanicDefault {
    /// The fallback value.
    fn panic_default() -> Self;
}

impl PanicDefault for () {
    fn panic_default() -> Self {}
}

impl<T> PanicDefault for *mut T {
    fn panic_default() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> PanicDefault for *const T {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}

/// Runs a body that returns a plain value; a panic yields the type's [`PanicDefault`] and sets the last error.
pub(crate) fn run_value<T: PanicDefault>(body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            set_last_error(Some(panic_message(payload.as_ref())));
            T::panic_default()
        }
    }
}

/// The panic boundary of a function returning `hcx_status`; the body evaluates to `Result<(), Error>`.
///
/// It sits inside the function body, so cbindgen sees a plain signature.
macro_rules! ffi_status {
    ($($body:tt)*) => {
        $crate::capi::ffi::run_status(move || -> ::std::result::Result<(), $crate::error::Error> { $($body)* })
    };
}

/// The panic boundary of a function returning a plain value (`()`, a pointer).
macro_rules! ffi_value {
    ($($body:tt)*) => {
        $crate::capi::ffi::run_value(move || { $($body)* })
    };
}

pub(crate) use {ffi_status, ffi_value};

/// Ties an opaque C type to the Rust value behind it; handles are always `Box`es of `RustType`.
pub(crate) trait Castable {
    /// The Rust value a handle points to. `Send + Sync` because the header promises that a handle may be
    /// passed to and read from other threads: a type that breaks that promise does not compile as a handle.
    type RustType: Send + Sync;
}

/// Moves a value to the heap and returns it as a C handle; the caller frees it with [`free_handle`].
pub(crate) fn into_handle<C: Castable>(value: C::RustType) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

/// Borrows the value behind a handle.
///
/// # Safety
/// `ptr` is NULL or a live handle from [`into_handle`] for the same `C`, not freed during `'a`.
pub(crate) unsafe fn handle_ref<'a, C: Castable>(ptr: *const C, name: &'static str) -> Result<&'a C::RustType, Error> {
    // SAFETY: by this function's contract the pointer is NULL or a live Box<C::RustType>.
    unsafe { ptr.cast::<C::RustType>().as_ref() }.ok_or(Error::Null(name))
}

/// Borrows the value behind a handle mutably.
///
/// # Safety
/// As [`handle_ref`], and no other reference to the value exists during `'a`.
pub(crate) unsafe fn handle_mut<'a, C: Castable>(
    ptr: *mut C,
    name: &'static str,
) -> Result<&'a mut C::RustType, Error> {
    // SAFETY: by this function's contract the pointer is NULL or a live, unaliased Box<C::RustType>.
    unsafe { ptr.cast::<C::RustType>().as_mut() }.ok_or(Error::Null(name))
}

/// Frees a handle; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or a live handle from [`into_handle`] for the same `C`; it must not be used afterwards.
pub(crate) unsafe fn free_handle<C: Castable>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: by this function's contract the pointer came from Box::into_raw and is freed once.
        drop(unsafe { Box::from_raw(ptr.cast::<C::RustType>()) });
    }
}

/// Makes a handle: checks `out` and sets it to NULL, then stores what `make` gives; the body of every
/// constructor, inside the panic boundary.
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
pub(crate) unsafe fn new_handle<C: Castable>(
    out: *mut *mut C,
    make: impl FnOnce() -> Result<C::RustType, Error>,
) -> hcx_status {
    run_status(move || {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { Out::nulled(out, "out") }?;
        let value = make()?;
        // SAFETY: checked and writable by this function's contract.
        unsafe { out.write(into_handle::<C>(value)) };
        Ok(())
    })
}

/// Writes what `read` takes from a handle's value (a count, a flag) to a required out-parameter; the body of
/// every such getter, inside the panic boundary.
///
/// # Safety
/// `handle` is NULL or a live handle of type `C`; `out` is NULL or valid for writing a `T`.
pub(crate) unsafe fn get_value<C: Castable, T>(
    handle: *const C,
    handle_name: &'static str,
    out: *mut T,
    out_name: &'static str,
    read: impl FnOnce(&C::RustType) -> T,
) -> hcx_status {
    run_status(move || {
        let out = Out::required(out, out_name)?;
        // SAFETY: forwarded from this function's contract.
        let value = unsafe { handle_ref(handle, handle_name) }?;
        // SAFETY: checked and writable by this function's contract.
        unsafe { out.write(read(value)) };
        Ok(())
    })
}

/// Writes the text `render` makes of a handle's value to `out` as an owned C string; the body of every
/// string getter, inside the panic boundary.
///
/// # Safety
/// `handle` is NULL or a live handle of type `C`; `out` is NULL or valid for writing a pointer.
pub(crate) unsafe fn get_string<C: Castable>(
    handle: *const C,
    handle_name: &'static str,
    out: *mut *mut c_char,
    render: impl FnOnce(&C::RustType) -> Result<String, Error>,
) -> hcx_status {
    run_status(move || {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { Out::nulled(out, "out") }?;
        // SAFETY: forwarded from this function's contract.
        let value = unsafe { handle_ref(handle, handle_name) }?;
        let s = into_c_string(render(value)?)?;
        // SAFETY: checked and writable by this function's contract.
        unsafe { out.write(s) };
        Ok(())
    })
}

/// Writes a list's length to `out_count` and the list as a JSON array (`to_json` makes it) to `out_json`, each
/// only when wanted.
///
/// # Safety
/// `out_count` is NULL or valid for writing a `size_t`.
pub(crate) unsafe fn write_list(
    len: usize,
    to_json: impl FnOnce() -> serde_json::Result<String>,
    out_count: *mut usize,
    out_json: Option<Out<*mut c_char>>,
) -> Result<(), Error> {
    if let Some(out) = out_json {
        let text = to_json()
            .map_err(|e| Error::Catalog(hcx_core::catalog::CatalogError::Unserializable { message: e.to_string() }))?;
        // SAFETY: checked and writable by the caller's contract.
        unsafe { out.write(into_c_string(text)?) };
    }
    if !out_count.is_null() {
        // SAFETY: non-NULL and writable by this function's contract.
        unsafe { out_count.write(len) };
    }
    Ok(())
}

/// Reads a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unchanged during `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::Null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by this function's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| Error::Utf8 { name, offset: e.valid_up_to() })
}

/// Reads an optional NUL-terminated UTF-8 argument: NULL is `None`.
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(ptr: *const c_char, name: &'static str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg_str(ptr, name) }.map(Some)
    }
}

/// An out-parameter: checked for NULL up front, written once at the end.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Checks a required out-parameter.
    pub(crate) fn required(ptr: *mut T, name: &'static str) -> Result<Self, Error> {
        if ptr.is_null() { Err(Error::Null(name)) } else { Ok(Self { ptr }) }
    }

    /// Writes the result.
    ///
    /// # Safety
    /// The pointer given to [`Out::required`] is valid for a write of `T` (it need not be initialised).
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL (checked) and writable by this function's contract.
        unsafe { self.ptr.write(value) }
    }
}

impl<T> Out<*mut T> {
    /// Checks a required pointer out-parameter and sets it to NULL, so it is NULL on every error path.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for a write of a pointer.
    pub(crate) unsafe fn nulled(ptr: *mut *mut T, name: &'static str) -> Result<Self, Error> {
        let out = Self::required(ptr, name)?;
        // SAFETY: non-NULL (checked) and writable by this function's contract.
        unsafe { out.ptr.write(std::ptr::null_mut()) };
        Ok(out)
    }

    /// As [`Out::nulled`], but NULL means "not wanted".
    ///
    /// # Safety
    /// `ptr` is NULL or valid for a write of a pointer.
    pub(crate) unsafe fn optional(ptr: *mut *mut T) -> Option<Self> {
        if ptr.is_null() {
            None
        } else {
            // SAFETY: non-NULL and writable by this function's contract.
            unsafe { ptr.write(std::ptr::null_mut()) };
            Some(Self { ptr })
        }
    }
}

/// Moves a string to C as an owned NUL-terminated string, freed with `hcx_string_free`.
pub(crate) fn into_c_string(text: String) -> Result<*mut c_char, Error> {
    c_string(text).map(CString::into_raw)
}

/// A string as a `CString`; a NUL byte inside is [`Error::InteriorNul`].
pub(crate) fn c_string(text: String) -> Result<CString, Error> {
    CString::new(text).map_err(|e| Error::InteriorNul(e.nul_position()))
}

/// Moves a message to C, showing any NUL byte as `\0` so that it is never lost.
pub(crate) fn message_to_c(text: &str) -> *mut c_char {
    let clean = text.replace('\0', "\\0");
    CString::new(clean).map_or(std::ptr::null_mut(), CString::into_raw)
}
