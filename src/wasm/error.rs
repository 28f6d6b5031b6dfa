//! Errors for JavaScript: every throw is a `NylasPkceError` (registered by the package wrapper) with a
//! stable `code` and, where known, the OAuth/Nylas fields. No secret is ever copied into one.

use core::cell::RefCell;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

impl From<Error> for JsError {
    fn from(e: Error) -> JsError {
        JsError(to_js(&e))
    }
}

thread_local! {
    static CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

pub fn set_class(class: JsValue) {
    let _ = CLASS.try_with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            *slot = class.dyn_into().ok();
        }
    });
}

fn set(target: &JsValue, key: &str, value: JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

fn set_str(target: &JsValue, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        set(target, key, JsValue::from_str(v));
    }
}

fn set_num(target: &JsValue, key: &str, value: Option<f64>) {
    if let Some(v) = value {
        set(target, key, JsValue::from_f64(v));
    }
}

/// Builds the `NylasPkceError` for `e`.
pub fn to_js(e: &Error) -> JsValue {
    let message = e.message();
    let class = CLASS.try_with(|c| c.try_borrow().ok().and_then(|v| v.clone())).ok().flatten();
    let err = class
        .and_then(|class| Reflect::construct(&class, &Array::of1(&JsValue::from_str(&message))).ok())
        .unwrap_or_else(|| js_sys::Error::new(&message).into());
    set_str(&err, "code", Some(e.code()));
    set_num(&err, "status", e.status().map(f64::from));
    set_str(&err, "field", e.field());
    if let Some(d) = e.details() {
        set_str(&err, "error", Some(&d.error));
        set_str(&err, "errorDescription", d.description.as_deref());
        set_str(&err, "errorUri", d.uri.as_deref());
        set_num(&err, "eventCode", d.event_code.map(f64::from));
        set_str(&err, "type", d.kind.as_deref());
        set_str(&err, "requestId", d.request_id.as_deref());
    }
    if let Error::InsufficientScope(s) = e {
        let list =
            |items: &[String]| -> JsValue { items.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into() };
        set(&err, "providedScopes", list(&s.provided));
        set(&err, "requiredScopes", list(&s.required));
    }
    err
}
