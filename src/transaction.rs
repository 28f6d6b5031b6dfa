//! Pending authorizations ("transactions") and where they are kept between the redirect and the callback.
//!
//! A transaction is stored under a key derived from its `state`, so several flows (two tabs) can run at
//! once. [`TransactionStore::take`] removes it *before* it is checked: a replayed callback finds nothing
//! (`no_transaction`), and a code is never exchanged twice.

use crate::encode::base64_no_pad;
use crate::prelude::*;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::json::{self, Json};
use crate::secret::{CodeVerifier, State};
use crate::Error;

/// What the authorization request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseType {
    /// `code`: the authorization-code flow.
    #[default]
    Code,
    /// `adminconsent`: Microsoft admin consent through Nylas (no code comes back).
    AdminConsent,
}

impl ResponseType {
    /// The `response_type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Code => "code",
            ResponseType::AdminConsent => "adminconsent",
        }
    }

    /// Parses `code` / `adminconsent`.
    pub fn parse(s: &str) -> Option<ResponseType> {
        match s {
            "code" => Some(ResponseType::Code),
            "adminconsent" => Some(ResponseType::AdminConsent),
            _ => None,
        }
    }
}

/// A pending authorization: what the callback and the code exchange need.
///
/// # Security
/// Holds the code verifier. Keep it in storage of the same origin only, for as short as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The `state` sent.
    pub state: State,
    /// The PKCE verifier (`None` for admin consent).
    pub code_verifier: Option<CodeVerifier>,
    /// The `redirect_uri` sent; the token request must repeat it.
    pub redirect_uri: String,
    /// When the authorization started, milliseconds since the Unix epoch.
    pub created_at: u64,
    /// The issuer expected in the callback's `iss`, if any.
    pub issuer: Option<String>,
    /// `code` or `adminconsent`.
    pub response_type: ResponseType,
    /// The client that started it: only this client id…
    pub client_id: String,
    /// …and this token endpoint may complete it (mix-up defence).
    pub token_endpoint: String,
    /// The app's state (JSON text), handed back with the callback's result; never sent.
    pub app_state: Option<String>,
}

impl Transaction {
    /// Serialises for storage (JSON).
    pub fn to_json(&self) -> String {
        let created = json::u64_to_string(self.created_at);
        json::write_object(&[
            ("v", Some("2")),
            ("state", Some(self.state.secret())),
            ("verifier", self.code_verifier.as_ref().map(|v| v.secret())),
            ("redirectUri", Some(&self.redirect_uri)),
            ("createdAt", Some(&created)),
            ("issuer", self.issuer.as_deref()),
            ("responseType", Some(self.response_type.as_str())),
            ("clientId", Some(&self.client_id)),
            ("tokenEndpoint", Some(&self.token_endpoint)),
            ("appState", self.app_state.as_deref()),
        ])
    }

    /// Reads a stored record (what [`Transaction::to_json`] wrote); `None` where it is not one.
    pub fn read(raw: &str) -> Option<Transaction> {
        json::parse(raw).as_ref().and_then(Transaction::from_json)
    }

    /// Whether this transaction is older than `ttl_ms` at `now_ms` (or dated more than a minute in the
    /// future, which no clock of ours wrote).
    pub fn is_expired(&self, now_ms: u64, ttl_ms: u64) -> bool {
        expired(self.created_at, now_ms, ttl_ms)
    }

    /// Reads a stored transaction; `None` where it is not one (corrupt or foreign data).
    pub fn from_json(value: &Json) -> Option<Transaction> {
        if value.str_of("v") != Some("2") {
            return None;
        }
        Some(Transaction {
            state: State::new(value.str_of("state")?.into()),
            code_verifier: match value.str_of("verifier") {
                Some(v) => Some(CodeVerifier::parse(v).ok()?),
                None => None,
            },
            redirect_uri: value.str_of("redirectUri")?.into(),
            created_at: value.uint_of("createdAt")?,
            issuer: value.str_of("issuer").map(Into::into),
            response_type: ResponseType::parse(value.str_of("responseType")?)?,
            client_id: value.str_of("clientId")?.into(),
            token_endpoint: value.str_of("tokenEndpoint")?.into(),
            // Handed back as JSON: only text that is exactly one JSON value (a tampered record's is refused).
            app_state: match value.get("appState") {
                None => None,
                Some(Json::String(text)) if json::parse(text).is_some() => Some(text.clone()),
                Some(_) => return None,
            },
        })
    }
}

/// Whether a transaction created at `created_at` is older than `ttl_ms` at `now_ms` (or dated more than a
/// minute in the future, which no clock of ours wrote).
pub fn expired(created_at: u64, now_ms: u64, ttl_ms: u64) -> bool {
    now_ms.saturating_sub(created_at) > ttl_ms || created_at > now_ms.saturating_add(60_000)
}

/// A string key-value store (`sessionStorage`, `localStorage`, memory, or an adapter of the user's).
/// Every method may fail with `storage_unavailable`.
pub trait Storage {
    /// The value under `key`.
    fn get(&self, key: &str) -> Result<Option<String>, Error>;
    /// Stores `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), Error>;
    /// Removes `key`.
    fn remove(&self, key: &str) -> Result<(), Error>;
    /// All keys that start with `prefix`.
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error>;
}

impl<S: Storage + ?Sized> Storage for Box<S> {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        (**self).remove(key)
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        (**self).keys(prefix)
    }
}

/// An in-memory [`Storage`] (tests, and the fallback when browser storage throws).
#[derive(Debug, Default)]
pub struct MemoryStorage {
    items: core::cell::RefCell<Vec<(String, String)>>,
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        let items = self.items.try_borrow().map_err(|_| Error::StorageUnavailable)?;
        Ok(items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        let mut items = self.items.try_borrow_mut().map_err(|_| Error::StorageUnavailable)?;
        items.retain(|(k, _)| k != key);
        items.push((key.into(), value.into()));
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        let mut items = self.items.try_borrow_mut().map_err(|_| Error::StorageUnavailable)?;
        items.retain(|(k, _)| k != key);
        Ok(())
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let items = self.items.try_borrow().map_err(|_| Error::StorageUnavailable)?;
        Ok(items.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(k, _)| k.clone()).collect())
    }
}

/// Prefix of every transaction key this crate writes; each client's keys add a namespace
/// ([`prefix_for`]).
pub const KEY_PREFIX: &str = "nylas-pkce:tx:";

/// What [`namespace`] hashes first: its version.
pub const NAMESPACE_TAG: &str = "nylas-pkce namespace 2";

/// A client's namespace in storage: 22 base64url characters of SHA-256 over the issuer (empty without
/// one), the token endpoint and the client id, each length-prefixed so that no two configurations share a
/// namespace. Two clients on one page (Nylas and another server, `us` and `eu`, two token endpoints of one
/// issuer) never see each other's transactions or tokens, and a token record is bound to its server by the
/// key it is stored under.
pub fn namespace(config: &Config) -> String {
    let mut h = Sha256::new();
    h.update(NAMESPACE_TAG.as_bytes());
    let issuer = config.endpoints.issuer.as_deref().unwrap_or_default();
    for part in [issuer, &config.endpoints.token, &config.client_id] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    base64_no_pad(&URL_SAFE_NO_PAD, digest.get(..16).unwrap_or_default())
}

/// The storage prefix of a client's transactions: `nylas-pkce:tx:<namespace>:`.
pub fn prefix_for(config: &Config) -> String {
    let mut p = String::from(KEY_PREFIX);
    p.push_str(&namespace(config));
    p.push(':');
    p
}

/// Default time to live of a pending authorization: 10 minutes.
pub const DEFAULT_TTL_MS: u64 = 10 * 60 * 1000;

/// Transactions in a [`Storage`], keyed by a hash of their state, with a time to live.
#[derive(Debug)]
pub struct TransactionStore<S> {
    storage: S,
    ttl_ms: u64,
    prefix: String,
}

impl<S: Storage> TransactionStore<S> {
    /// A store over `storage` for the client whose keys start with `prefix` ([`prefix_for`]); transactions
    /// older than `ttl_ms` are expired.
    pub fn new(storage: S, ttl_ms: u64, prefix: String) -> Self {
        TransactionStore { storage, ttl_ms, prefix }
    }

    /// This client's key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The underlying storage.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// Saves a transaction, after purging expired ones.
    pub fn put(&self, tx: &Transaction, now_ms: u64) -> Result<(), Error> {
        self.purge_expired(now_ms)?;
        self.storage.set(&key_for(&self.prefix, tx.state.secret()), &tx.to_json())
    }

    /// Removes and returns the transaction for `state`, then checks it: `no_transaction` if there is none
    /// (or it is unreadable), `transaction_expired` if it is older than the TTL.
    pub fn take(&self, state: &str, now_ms: u64) -> Result<Transaction, Error> {
        let key = key_for(&self.prefix, state);
        let raw = self.storage.get(&key)?.ok_or(Error::NoTransaction)?;
        self.storage.remove(&key)?;
        let tx = Transaction::read(&raw).ok_or(Error::NoTransaction)?;
        if !tx.state.ct_eq(state) {
            return Err(Error::NoTransaction);
        }
        if self.is_expired(&tx, now_ms) {
            return Err(Error::TransactionExpired);
        }
        Ok(tx)
    }

    /// Removes and returns the raw record under `key` (see [`crate::flow::callback_key`]); checking it is
    /// [`crate::flow::complete_callback`]'s job.
    pub fn take_raw(&self, key: &str) -> Result<Option<String>, Error> {
        let raw = self.storage.get(key)?;
        if raw.is_some() {
            self.storage.remove(key)?;
        }
        Ok(raw)
    }

    /// Whether a transaction for `state` is pending (not taken, not expired).
    pub fn contains(&self, state: &str, now_ms: u64) -> Result<bool, Error> {
        Ok(match self.storage.get(&key_for(&self.prefix, state))? {
            Some(raw) => Transaction::read(&raw).is_some_and(|tx| !self.is_expired(&tx, now_ms)),
            None => false,
        })
    }

    /// Whether any unexpired transaction is pending (a callback with an unknown state then means a
    /// mismatch rather than a replay).
    pub fn has_pending(&self, now_ms: u64) -> Result<bool, Error> {
        self.purge_expired(now_ms)?;
        Ok(!self.storage.keys(&self.prefix)?.is_empty())
    }

    /// Removes every expired or unreadable transaction.
    pub fn purge_expired(&self, now_ms: u64) -> Result<(), Error> {
        for key in self.storage.keys(&self.prefix)? {
            let keep = self
                .storage
                .get(&key)?
                .and_then(|raw| Transaction::read(&raw))
                .is_some_and(|tx| !self.is_expired(&tx, now_ms));
            if !keep {
                self.storage.remove(&key)?;
            }
        }
        Ok(())
    }

    fn is_expired(&self, tx: &Transaction, now_ms: u64) -> bool {
        tx.is_expired(now_ms, self.ttl_ms)
    }

    /// Removes every pending transaction of this client (logout).
    pub fn clear(&self) -> Result<(), Error> {
        for key in self.storage.keys(&self.prefix)? {
            self.storage.remove(&key)?;
        }
        Ok(())
    }
}

/// The storage key of a state under a client's `prefix`: the prefix and a hash, so the state itself is
/// not a key.
pub fn key_for(prefix: &str, state: &str) -> String {
    let digest = Sha256::digest(state.as_bytes());
    let mut key = String::with_capacity(prefix.len() + 43);
    key.push_str(prefix);
    key.push_str(&base64_no_pad(&URL_SAFE_NO_PAD, &digest));
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(state: &str, created_at: u64) -> Transaction {
        Transaction {
            state: State::new(state.into()),
            code_verifier: Some(CodeVerifier::parse(&"v".repeat(43)).unwrap()),
            redirect_uri: "https://app.example.com/cb".into(),
            created_at,
            issuer: None,
            response_type: ResponseType::Code,
            client_id: "client".into(),
            token_endpoint: "https://api.us.nylas.com/v3/connect/token".into(),
            app_state: None,
        }
    }

    fn store() -> TransactionStore<MemoryStorage> {
        TransactionStore::new(MemoryStorage::default(), DEFAULT_TTL_MS, "nylas-pkce:tx:ns:".into())
    }

    #[test]
    fn roundtrip_json() {
        let mut t = tx("s\"tate", 1_700_000_000_000);
        t.issuer = Some("https://idp".into());
        let back = Transaction::from_json(&json::parse(&t.to_json()).unwrap()).unwrap();
        assert_eq!(back, t);
        let mut a = tx("s", 1);
        a.code_verifier = None;
        a.response_type = ResponseType::AdminConsent;
        assert_eq!(Transaction::from_json(&json::parse(&a.to_json()).unwrap()).unwrap(), a);
    }

    #[test]
    fn take_is_single_use() {
        let s = store();
        s.put(&tx("one", 1000), 1000).unwrap();
        assert!(s.contains("one", 1000).unwrap());
        assert_eq!(s.take("one", 2000).unwrap().redirect_uri, "https://app.example.com/cb");
        assert_eq!(s.take("one", 2000).unwrap_err().code(), "no_transaction");
        assert_eq!(s.take("never", 2000).unwrap_err().code(), "no_transaction");
    }

    #[test]
    fn two_flows_at_once() {
        let s = store();
        s.put(&tx("tab-a", 1000), 1000).unwrap();
        s.put(&tx("tab-b", 1000), 1000).unwrap();
        assert!(s.take("tab-b", 1500).is_ok());
        assert!(s.take("tab-a", 1500).is_ok());
    }

    #[test]
    fn expiry_and_purge() {
        let s = store();
        s.put(&tx("old", 0), 0).unwrap();
        assert_eq!(s.take("old", DEFAULT_TTL_MS + 1).unwrap_err().code(), "transaction_expired");
        // taken even though expired: a second try finds nothing
        assert_eq!(s.take("old", DEFAULT_TTL_MS + 1).unwrap_err().code(), "no_transaction");
        s.put(&tx("stale", 0), 0).unwrap();
        s.storage().set(&key_for(s.prefix(), "garbage"), "{not json").unwrap();
        s.put(&tx("fresh", DEFAULT_TTL_MS + 5), DEFAULT_TTL_MS + 5).unwrap();
        assert_eq!(s.storage().keys(KEY_PREFIX).unwrap().len(), 1);
        assert!(s.contains("fresh", DEFAULT_TTL_MS + 5).unwrap());
        assert!(!s.contains("stale", DEFAULT_TTL_MS + 5).unwrap());
    }

    #[test]
    fn namespaces_hash_issuer_token_endpoint_and_client_id_unambiguously() {
        use crate::config::{Endpoints, Flavor};
        let cfg = |issuer: Option<&str>, token: &str, client: &str| {
            let mut e = Endpoints::nylas_base("https://api.example/v3");
            e.issuer = issuer.map(Into::into);
            e.token = token.into();
            Config::new(client, "https://app.example.com/cb", e, Flavor::Nylas).unwrap()
        };
        let base = namespace(&cfg(Some("https://i.example"), "https://i.example/token", "c"));
        assert_eq!(base.len(), 22);
        // One issuer, another token endpoint (before: the same namespace).
        assert_ne!(base, namespace(&cfg(Some("https://i.example"), "https://i.example/other-token", "c")));
        assert_ne!(base, namespace(&cfg(None, "https://i.example/token", "c")));
        assert_ne!(base, namespace(&cfg(Some("https://i.example"), "https://i.example/token", "d")));
        // An issuer is not confused with a token endpoint of the same text (before: "issuer or token endpoint").
        assert_ne!(
            namespace(&cfg(None, "https://i.example/token", "c")),
            namespace(&cfg(Some("https://i.example/token"), "https://i.example/t2", "c"))
        );
    }

    #[test]
    fn keys_do_not_contain_the_state() {
        let k = key_for("nylas-pkce:tx:ns:", "my-secret-state");
        assert!(k.starts_with(KEY_PREFIX));
        assert!(!k.contains("my-secret-state"));
        assert_ne!(key_for("p:", "a"), key_for("p:", "b"));
    }

    #[test]
    fn corrupt_entries_are_no_transaction() {
        let s = store();
        s.storage().set(&key_for(s.prefix(), "x"), r#"{"v":"1","state":"x"}"#).unwrap();
        assert_eq!(s.take("x", 0).unwrap_err().code(), "no_transaction");
        s.storage()
            .set(
                &key_for(s.prefix(), "y"),
                r#"{"v":"1","state":"other","redirectUri":"https://a/cb","createdAt":"0","responseType":"code"}"#,
            )
            .unwrap();
        assert_eq!(s.take("y", 0).unwrap_err().code(), "no_transaction");
    }
}
