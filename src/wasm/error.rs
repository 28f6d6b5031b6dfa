//! Errors for JavaScript: every throw is a `NylasPkceError` (registered by the package wrapper) with a
//! stable `code` and, where known, the OAuth/Nylas fields. No secret is ever copied into one.

use core::cell::RefCell;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::{set, set_opt};
use crate::Error;

/// Result type of exported functions.
pub type JsResult<T> = Result<T, JsError>;

/// A thrown JS value.
#[derive(Debug)]
pub struct JsError(pub JsValue);

impl From<JsError> for JsValue {
    fn from(e: JsError) -> JsValue {
        e.0
    }
}

thread_local! {
    static CLASS: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

pub fn set_class(class: JsValue) {
    let _ = CLASS.try_with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            *slot = Some(class);
        }
    });
}

impl From<Error> for JsError {
    fn from(e: Error) -> JsError {
        JsError(to_js(&e))
    }
}

/// Builds the `NylasPkceError` for `e`.
pub fn to_js(e: &Error) -> JsValue {
    let message = JsValue::from_str(&e.message());
    let err = CLASS
        .try_with(|c| c.try_borrow().ok().and_then(|v| v.clone()))
        .ok()
        .flatten()
        .and_then(|class| class.dyn_into::<js_sys::Function>().ok())
        .and_then(|class| Reflect::construct(&class, &Array::of1(&message)).ok())
        .unwrap_or_else(|| js_sys::Error::new(&e.message()).into());
    set(&err, "code", e.code());
    if let Some(s) = e.status() {
        set(&err, "status", s);
    }
    set_opt(&err, "field", e.field());
    if let Some(d) = e.details() {
        set(&err, "error", d.error.as_str());
        set_opt(&err, "errorDescription", d.description.as_deref());
        set_opt(&err, "errorUri", d.uri.as_deref());
        if let Some(ev) = d.event_code {
            set(&err, "eventCode", ev);
        }
        set_opt(&err, "type", d.kind.as_deref());
        set_opt(&err, "requestId", d.request_id.as_deref());
    }
    if let Error::InsufficientScope(s) = e {
        set(&err, "providedScopes", super::convert::str_array(&s.provided));
        set(&err, "requiredScopes", super::convert::str_array(&s.required));
    }
    err
}
