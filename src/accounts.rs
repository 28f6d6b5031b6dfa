//! Several connected accounts (grants) per client: a user who connects a work and a personal mailbox to
//! the same app.
//!
//! A client holds one token set ([`Accounts::Single`], the default: a login replaces the previous one) or
//! one per grant ([`Accounts::Multiple`]: a login adds its grant's token set, or replaces the one of the
//! same grant). The rules here serve both drivers, [`crate::Client`] and the npm package:
//!
//! - where a token set is stored ([`token_key`]): one key per client, or one per grant inside the
//!   client's namespace;
//! - which account a call means ([`pick`]): the one it names, or the only one; a call that names none
//!   while several are connected is an error, not a guess.

use crate::prelude::*;

use crate::config::Config;
use crate::token::TokenSet;
use crate::transaction::namespace;
use crate::Error;

/// Prefix of the key under which tokens are kept when token storage is enabled.
pub const TOKEN_KEY_PREFIX: &str = "nylas-pkce:tokens:";

/// How many accounts a client holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accounts {
    /// One token set: a login replaces the previous one, whatever its grant (the default).
    #[default]
    Single,
    /// One token set per grant: a login adds its grant's token set or replaces the one of the same grant.
    Multiple,
}

impl Accounts {
    /// The mode an option names: `single` or `multiple`.
    ///
    /// # Errors
    /// `invalid_config` (field `accounts`) for any other name.
    pub fn parse(name: &str) -> Result<Self, Error> {
        match name {
            "single" => Ok(Accounts::Single),
            "multiple" => Ok(Accounts::Multiple),
            _ => Err(Error::InvalidConfig { field: "accounts", reason: "must be 'single' or 'multiple'" }),
        }
    }
}

/// A connected account, as a list of them shows it: no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The Nylas grant id (`None` from a server that sends none).
    pub grant_id: Option<String>,
    /// The account's email.
    pub email: Option<String>,
    /// The provider, e.g. `google`.
    pub provider: Option<String>,
    /// When the access token expires, milliseconds since the Unix epoch.
    pub expires_at: Option<u64>,
}

impl From<&TokenSet> for Account {
    fn from(t: &TokenSet) -> Self {
        Account {
            grant_id: t.grant_id.clone(),
            email: t.email.clone(),
            provider: t.provider.clone(),
            expires_at: t.expires_at,
        }
    }
}

/// The storage key of a client's token set: `nylas-pkce:tokens:<namespace>` for [`Accounts::Single`], and
/// `nylas-pkce:tokens:<namespace>:<grant id>` per grant for [`Accounts::Multiple`] (`grant` is `Some`;
/// `Some("")` gives the prefix of them all). The namespace binds the tokens to their server and client
/// ([`namespace`]).
pub fn token_key(config: &Config, grant: Option<&str>) -> String {
    let mut k = String::from(TOKEN_KEY_PREFIX);
    k.push_str(&namespace(config));
    if let Some(grant) = grant {
        k.push(':');
        k.push_str(grant);
    }
    k
}

/// The error of a call that names no account while several are connected.
pub const AMBIGUOUS: Error =
    Error::InvalidOption { field: "grantId", reason: "several accounts are connected: name one" };

/// The token set a call means: the one of `grant` when the call names one (`None` when no such account is
/// connected), else the only one.
///
/// # Errors
/// [`AMBIGUOUS`] when the call names no grant and several accounts are connected.
pub fn pick<'a>(sets: &'a [TokenSet], grant: Option<&str>) -> Result<Option<&'a TokenSet>, Error> {
    pick_by(sets, grant, |t| t)
}

/// [`pick`] over anything that holds a token set (the client keeps each with its session).
pub(crate) fn pick_by<'a, T>(
    items: &'a [T],
    grant: Option<&str>,
    set: impl Fn(&T) -> &TokenSet,
) -> Result<Option<&'a T>, Error> {
    match (grant, items) {
        (Some(g), _) => Ok(items.iter().find(|t| set(t).grant_id.as_deref() == Some(g))),
        (None, []) => Ok(None),
        (None, [only]) => Ok(Some(only)),
        (None, _) => Err(AMBIGUOUS),
    }
}

/// Puts `fresh` among `sets` as `mode` says: [`Accounts::Single`] keeps only it; [`Accounts::Multiple`]
/// replaces the set of the same grant (a set without a grant id stands for one account of its own) or
/// adds it at the end.
pub fn put(sets: &mut Vec<TokenSet>, fresh: TokenSet, mode: Accounts) {
    put_by(sets, fresh, mode, |t| t);
}

/// [`put`] over anything that holds a token set.
pub(crate) fn put_by<T>(items: &mut Vec<T>, fresh: T, mode: Accounts, set: impl Fn(&T) -> &TokenSet) {
    match (mode, items.iter().position(|t| set(t).grant_id == set(&fresh).grant_id)) {
        (Accounts::Single, _) => {
            items.clear();
            items.push(fresh);
        }
        (Accounts::Multiple, Some(i)) => {
            if let Some(slot) = items.get_mut(i) {
                *slot = fresh;
            }
        }
        (Accounts::Multiple, None) => items.push(fresh),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::AccessToken;

    fn set(grant: Option<&str>, token: &str) -> TokenSet {
        TokenSet {
            access_token: AccessToken::new(token.into()),
            token_type: "Bearer".into(),
            expires_in: Some(3600),
            expires_at: Some(1_000),
            refresh_token: None,
            scope: Vec::new(),
            id_token: None,
            id_token_claims: None,
            grant_id: grant.map(Into::into),
            email: grant.map(|g| format!("{g}@example.com")),
            provider: Some("google".into()),
        }
    }

    #[test]
    fn modes_parse_by_name_only() {
        assert_eq!(Accounts::parse("single"), Ok(Accounts::Single));
        assert_eq!(Accounts::parse("multiple"), Ok(Accounts::Multiple));
        for bad in ["", "Multiple", "many", "multiple "] {
            assert_eq!(Accounts::parse(bad).unwrap_err().field(), Some("accounts"), "{bad:?}");
        }
    }

    #[test]
    fn single_mode_replaces_and_multiple_mode_adds_or_replaces_by_grant() {
        let mut sets = Vec::new();
        put(&mut sets, set(Some("g1"), "a"), Accounts::Single);
        put(&mut sets, set(Some("g2"), "b"), Accounts::Single);
        assert_eq!(sets.iter().map(|t| t.access_token.secret()).collect::<Vec<_>>(), ["b"]);

        let mut sets = Vec::new();
        put(&mut sets, set(Some("g1"), "a"), Accounts::Multiple);
        put(&mut sets, set(Some("g2"), "b"), Accounts::Multiple);
        put(&mut sets, set(Some("g1"), "c"), Accounts::Multiple);
        put(&mut sets, set(None, "d"), Accounts::Multiple);
        put(&mut sets, set(None, "e"), Accounts::Multiple);
        let tokens: Vec<_> = sets.iter().map(|t| t.access_token.secret()).collect();
        assert_eq!(tokens, ["c", "b", "e"]);
    }

    #[test]
    fn a_call_means_the_grant_it_names_or_the_only_one() {
        let none: Vec<TokenSet> = Vec::new();
        assert_eq!(pick(&none, None), Ok(None));
        assert_eq!(pick(&none, Some("g1")), Ok(None));
        let one = [set(Some("g1"), "a")];
        assert_eq!(pick(&one, None).map(|t| t.map(|t| t.access_token.secret())), Ok(Some("a")));
        assert_eq!(pick(&one, Some("g2")), Ok(None));
        let two = [set(Some("g1"), "a"), set(Some("g2"), "b")];
        assert_eq!(pick(&two, Some("g2")).map(|t| t.map(|t| t.access_token.secret())), Ok(Some("b")));
        assert_eq!(pick(&two, None), Err(AMBIGUOUS));
        assert_eq!(AMBIGUOUS.code(), "invalid_option");
    }

    #[test]
    fn keys_are_per_grant_inside_the_client_namespace() {
        let config = Config::new(
            "cid",
            "https://app.example.com/cb",
            crate::config::Endpoints::nylas_base("https://api.us.nylas.com/v3"),
            crate::config::Flavor::Nylas,
        )
        .unwrap();
        let single = token_key(&config, None);
        assert_eq!(single, format!("{TOKEN_KEY_PREFIX}{}", namespace(&config)));
        assert_eq!(token_key(&config, Some("g1")), format!("{single}:g1"));
        assert_eq!(token_key(&config, Some("")), format!("{single}:"));
    }
}
