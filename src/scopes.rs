//! Scopes: Nylas scope names to provider scopes, and the checks Google needs.
//!
//! Nylas v3 takes the provider's own scope strings ("you now use the provider scopes directly … you also
//! specify the full provider scopes", v3 changes reference). The table below is the reference's ("Gmail
//! scopes": Google scope ↔ Nylas scopes, plus the always-required Google scopes), so an app written with
//! Nylas v2 names can ask for the right strings. For Microsoft the reference names only the scopes an
//! Azure app needs and the calendar scopes; nothing else is mapped, and no scope is ever guessed.
//!
//! Google's known inconsistency (reference, "Inconsistency for Google Accounts"): `gmail.metadata`
//! together with a broader Gmail scope (`gmail.readonly` already includes it, `gmail.modify`, …) makes
//! Google answer 403 and the account never syncs. [`check`] refuses that combination before the user is
//! sent to Google, unless the app opts out.

use crate::prelude::*;

use crate::Error;

/// Where Google's scopes live.
const GOOGLE: &str = "https://www.googleapis.com/auth/";

/// Nylas scope name → Google scope (without [`GOOGLE`]), from the reference's "Gmail scopes" table read
/// from the Nylas side. `email` (v2: send and modify everything) is `gmail.modify`, which the reference
/// lists for `email.modify` and `email.send`.
const GOOGLE_SCOPES: &[(&str, &str)] = &[
    ("email", "gmail.modify"),
    ("email.modify", "gmail.modify"),
    ("email.read_only", "gmail.readonly"),
    ("email.send", "gmail.send"),
    ("email.drafts", "gmail.compose"),
    ("email.folders_and_labels", "gmail.labels"),
    ("email.metadata", "gmail.metadata"),
    ("calendar", "calendar"),
    ("calendar.read_only", "calendar.readonly"),
    ("contacts", "contacts"),
    ("contacts.read_only", "contacts.readonly"),
    ("room_resources.read_only", "admin.directory.resource.calendar.readonly"),
];

/// The Google scopes every Google grant needs (reference: "Required Google scopes").
const GOOGLE_REQUIRED: &[&str] =
    &["https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/userinfo.profile", "openid"];

/// Nylas scope name → Microsoft Graph scope: only the calendar scopes the reference names.
const MICROSOFT_SCOPES: &[(&str, &str)] =
    &[("calendar", "Calendars.ReadWrite.Shared"), ("calendar.read_only", "Calendars.Read.Shared")];

/// The Microsoft Graph scopes every Microsoft app needs (reference: "Microsoft scopes").
const MICROSOFT_REQUIRED: &[&str] = &["User.Read", "offline_access", "openid", "profile"];

/// Every Nylas scope name the reference lists (v2 "Nylas scopes").
pub const NYLAS_SCOPES: &[&str] = &[
    "email",
    "email.modify",
    "email.read_only",
    "email.send",
    "email.folders_and_labels",
    "email.metadata",
    "email.drafts",
    "calendar",
    "calendar.free_busy",
    "calendar.read_only",
    "room_resources.read_only",
    "contacts",
    "contacts.read_only",
];

/// A provider whose scope strings [`provider_scopes`] knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeProvider {
    /// Google: every Nylas scope name has a Gmail/Calendar/Contacts scope.
    Google,
    /// Microsoft: only the calendar scopes (the reference maps nothing else).
    Microsoft,
}

impl ScopeProvider {
    /// Parses `google` / `microsoft`.
    pub fn parse(s: &str) -> Option<ScopeProvider> {
        match s {
            "google" => Some(ScopeProvider::Google),
            "microsoft" => Some(ScopeProvider::Microsoft),
            _ => None,
        }
    }
}

/// Whether `scope` is already a provider's scope string, to be passed through unchanged: a URL
/// (`https://…`, `api://…`), an OpenID Connect scope, or a Microsoft Graph permission (`Mail.Read`).
fn is_provider_scope(scope: &str) -> bool {
    let b = scope.as_bytes();
    scope.starts_with("https://")
        || scope.starts_with("api://")
        || matches!(scope, "openid" | "profile" | "offline_access")
        || (b.first().is_some_and(u8::is_ascii_uppercase)
            && b.contains(&b'.')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'.'))
}

/// The provider scope strings for `names` (Nylas scope names and provider scopes, mixed), in order,
/// without repeats, with the provider's always-required scopes after them when `required`.
///
/// # Errors
/// `invalid_option` (`field: scopes`) naming every scope that is neither a Nylas name with a mapping for
/// this provider nor a provider scope.
pub fn provider_scopes(provider: ScopeProvider, names: &[String], required: bool) -> Result<Vec<String>, Error> {
    let (table, always) = match provider {
        ScopeProvider::Google => (GOOGLE_SCOPES, GOOGLE_REQUIRED),
        ScopeProvider::Microsoft => (MICROSOFT_SCOPES, MICROSOFT_REQUIRED),
    };
    let mut out: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for name in names {
        match table.iter().find(|(n, _)| n == name) {
            Some((_, p)) if provider == ScopeProvider::Google => push([GOOGLE, p].concat()),
            Some((_, p)) => push((*p).into()),
            None if is_provider_scope(name) => push(name.clone()),
            None => unknown.push(name.clone()),
        }
    }
    if !unknown.is_empty() {
        let reason = if unknown.iter().all(|u| NYLAS_SCOPES.contains(&u.as_str())) {
            "have no equivalent for this provider in the Nylas reference:"
        } else {
            "are not Nylas scope names or provider scopes:"
        };
        return Err(Error::InvalidScopes { scopes: unknown, reason });
    }
    if required {
        for r in always {
            push((*r).into());
        }
    }
    Ok(out)
}

/// The Gmail scopes broader than `gmail.metadata` (each includes what it reads), as full URLs and as
/// the Nylas names that map to them.
const BROADER_THAN_METADATA: &[&str] = &[
    "https://mail.google.com/",
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.compose",
    "https://www.googleapis.com/auth/gmail.insert",
    "email",
    "email.read_only",
    "email.modify",
    "email.drafts",
];

fn is_metadata(scope: &str) -> bool {
    scope == "https://www.googleapis.com/auth/gmail.metadata" || scope == "email.metadata"
}

/// Checks a scope list before it is sent: no empty list where the flow needs one, no repeats, and (for
/// Google or an unknown provider, unless `allow_conflicts`) not `gmail.metadata` together with a broader
/// Gmail scope.
///
/// # Errors
/// `invalid_option` (`field: scopes`) naming the scopes at fault and why.
pub fn check(scopes: &[String], provider: Option<&str>, allow_conflicts: bool) -> Result<(), Error> {
    let mut sorted: Vec<&str> = scopes.iter().map(String::as_str).collect();
    if crate::json::has_repeats(&mut sorted) {
        let mut repeated: Vec<String> = Vec::new();
        for w in sorted.windows(2) {
            if let [a, b] = w {
                if a == b && !repeated.iter().any(|r| r == a) {
                    repeated.push((*a).into());
                }
            }
        }
        return Err(Error::InvalidScopes { scopes: repeated, reason: "appear more than once:" });
    }
    let google = provider.is_none_or(|p| p == "google");
    if google && !allow_conflicts {
        let metadata = scopes.iter().find(|s| is_metadata(s));
        let broader = scopes.iter().find(|s| BROADER_THAN_METADATA.contains(&s.as_str()));
        if let (Some(m), Some(b)) = (metadata, broader) {
            return Err(Error::InvalidScopes {
                scopes: vec![m.clone(), b.clone()],
                reason: "conflict at Google: metadata with a broader Gmail scope makes Google answer 403 and the \
                         account never syncs (the broader scope already reads metadata; drop one, or set \
                         allowScopeConflicts):",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn google_table_from_the_reference() {
        let out = provider_scopes(
            ScopeProvider::Google,
            &names(&["email.read_only", "email.send", "calendar", "contacts.read_only", "room_resources.read_only"]),
            false,
        )
        .unwrap();
        assert_eq!(
            out,
            [
                "https://www.googleapis.com/auth/gmail.readonly",
                "https://www.googleapis.com/auth/gmail.send",
                "https://www.googleapis.com/auth/calendar",
                "https://www.googleapis.com/auth/contacts.readonly",
                "https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly",
            ]
        );
        for (nylas, google) in GOOGLE_SCOPES {
            let got = provider_scopes(ScopeProvider::Google, &names(&[nylas]), false).unwrap();
            assert_eq!(got, [[GOOGLE, google].concat()], "{nylas}");
        }
        // The required scopes come after, once; provider scopes pass through unchanged; no repeats.
        let out = provider_scopes(
            ScopeProvider::Google,
            &names(&["email.modify", "https://www.googleapis.com/auth/gmail.modify", "openid"]),
            true,
        )
        .unwrap();
        assert_eq!(
            out,
            [
                "https://www.googleapis.com/auth/gmail.modify",
                "openid",
                "https://www.googleapis.com/auth/userinfo.email",
                "https://www.googleapis.com/auth/userinfo.profile",
            ]
        );
    }

    #[test]
    fn unknown_and_unmapped_names_are_errors_naming_them() {
        let e = provider_scopes(ScopeProvider::Google, &names(&["email.read", "calendar", "mail"]), false).unwrap_err();
        assert_eq!(e.code(), "invalid_option");
        assert_eq!(e.field(), Some("scopes"));
        assert!(e.message().contains("email.read, mail") && !e.message().contains("calendar"), "{}", e.message());
        // Microsoft: only what the reference maps; Graph permissions pass through.
        let out = provider_scopes(ScopeProvider::Microsoft, &names(&["calendar", "Mail.Read"]), true).unwrap();
        assert_eq!(
            out,
            ["Calendars.ReadWrite.Shared", "Mail.Read", "User.Read", "offline_access", "openid", "profile"]
        );
        let e = provider_scopes(ScopeProvider::Microsoft, &names(&["email.read_only"]), false).unwrap_err();
        assert!(e.message().contains("no equivalent") && e.message().contains("email.read_only"), "{}", e.message());
        let e = provider_scopes(ScopeProvider::Google, &names(&["calendar.free_busy"]), false).unwrap_err();
        assert!(e.message().contains("no equivalent"), "{}", e.message());
    }

    #[test]
    fn metadata_with_a_broader_gmail_scope_is_refused() {
        let meta = "https://www.googleapis.com/auth/gmail.metadata";
        for broader in [
            "https://www.googleapis.com/auth/gmail.readonly",
            "https://www.googleapis.com/auth/gmail.modify",
            "https://mail.google.com/",
            "email.read_only",
        ] {
            let e = check(&names(&[meta, broader]), Some("google"), false).unwrap_err();
            assert_eq!((e.code(), e.field()), ("invalid_option", Some("scopes")));
            assert!(e.message().contains(meta) && e.message().contains(broader), "{}", e.message());
            assert!(check(&names(&[meta, broader]), None, false).is_err(), "no provider: Google is possible");
            assert!(check(&names(&[meta, broader]), Some("google"), true).is_ok(), "opted out");
            assert!(check(&names(&[meta, broader]), Some("microsoft"), false).is_ok(), "not Google");
        }
        assert!(check(&names(&["email.metadata", "email.modify"]), Some("google"), false).is_err());
        assert!(check(&names(&[meta, "https://www.googleapis.com/auth/gmail.send"]), None, false).is_ok());
        assert!(check(&names(&[meta, "https://www.googleapis.com/auth/calendar"]), None, false).is_ok());
    }

    #[test]
    fn repeats_are_refused() {
        let e = check(&names(&["a", "b", "a", "b", "a"]), None, false).unwrap_err();
        assert!(e.message().ends_with("appear more than once: a, b"), "{}", e.message());
        assert!(check(&names(&[]), None, false).is_ok());
    }
}
