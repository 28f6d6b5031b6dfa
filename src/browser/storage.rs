//! `sessionStorage` / `localStorage` behind the core's [`Storage`] trait.

use crate::transaction::Storage;
use crate::Error;

/// A web storage area; anything it throws (quota, private mode, a sandboxed frame) is
/// `storage_unavailable`.
#[derive(Debug, Clone)]
pub struct WebStorage(web_sys::Storage);

impl WebStorage {
    /// `sessionStorage`, if this page has one that works (a write is tried).
    pub fn session() -> Option<WebStorage> {
        Self::probe(web_sys::window()?.session_storage().ok()??)
    }

    /// `localStorage`, if this page has one that works (a write is tried).
    pub fn local() -> Option<WebStorage> {
        Self::probe(web_sys::window()?.local_storage().ok()??)
    }

    /// Wraps any `Storage` object.
    pub fn new(storage: web_sys::Storage) -> WebStorage {
        WebStorage(storage)
    }

    fn probe(storage: web_sys::Storage) -> Option<WebStorage> {
        let key = "nylas-pkce:probe";
        storage.set_item(key, "1").ok()?;
        storage.remove_item(key).ok()?;
        Some(WebStorage(storage))
    }
}

impl Storage for WebStorage {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        self.0.get_item(key).map_err(|_| Error::StorageUnavailable)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.0.set_item(key, value).map_err(|_| Error::StorageUnavailable)
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.0.remove_item(key).map_err(|_| Error::StorageUnavailable)
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let n = self.0.length().map_err(|_| Error::StorageUnavailable)?;
        let mut out = Vec::new();
        for i in 0..n {
            if let Some(k) = self.0.key(i).map_err(|_| Error::StorageUnavailable)? {
                if k.starts_with(prefix) {
                    out.push(k);
                }
            }
        }
        Ok(out)
    }
}
