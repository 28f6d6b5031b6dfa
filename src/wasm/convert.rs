//! Moving values across the boundary as JSON text: `JSON.stringify` → the core's parser on the way in,
//! the core's writer → `JSON.parse` on the way out. One crossing per call instead of one per field.

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::json::{self, Json};

/// An options object (or any JSON-able value) as [`Json`]; `undefined`/`null`/unserialisable → `Null`.
pub fn input(v: &JsValue) -> Json {
    if v.is_undefined() || v.is_null() {
        return Json::Null;
    }
    JSON::stringify(v).ok().and_then(|s| s.as_string()).and_then(|s| json::parse(&s)).unwrap_or(Json::Null)
}

/// JSON text written by the core, as a JS value.
pub fn output(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}
