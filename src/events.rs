//! The Nylas authentication service's event codes (reference: "Event codes"), used to enrich errors.
//!
//! Ranges: 0–9999 HTTP, 10000–19999 token, 20000–29999 grant, 30000–39999 integration,
//! 40000–49999 provider.

/// One entry of the Nylas event-code catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCode {
    /// Numeric event code, e.g. `45008`.
    pub code: u32,
    /// Event type, e.g. `invalid_token`.
    pub kind: &'static str,
    /// HTTP status the service answers with, where the reference gives one.
    pub http_status: Option<u16>,
    /// The reference's default message.
    pub message: &'static str,
}

const fn e(code: u32, kind: &'static str, http: u16, message: &'static str) -> EventCode {
    EventCode { code, kind, http_status: if http == 0 { None } else { Some(http) }, message }
}

/// Every event code of the reference, sorted by code.
pub const EVENT_CODES: &[EventCode] = &[
    e(400, "bad_request", 400, "Bad request"),
    e(401, "invalid_request_error", 401, "Authentication error"),
    e(403, "unauthorized_access", 403, "Unauthorized access"),
    e(404, "not_found_error", 404, "Resource not found"),
    e(500, "internal_error", 500, "Internal error, contact administrator"),
    e(700, "invalid_request_payload", 400, "Invalid JSON payload format"),
    e(701, "invalid_query_params", 400, "Invalid query params provided"),
    e(702, "app_id_not_allowed", 400, "Application ID not allowed"),
    e(
        15001,
        "invalid_token_expiry",
        400,
        "Invalid expires_in value, should be integer in seconds, minimum 60secs and maximum 10 years",
    ),
    e(25002, "login_expires_in_invalid", 400, "expires_in should be more than one minute and less than 24 hours"),
    e(25003, "redirect_uri_not_allowed", 400, "redirect_uri is not allowed for this integration"),
    e(25004, "login_id_invalid", 400, "Login ID or request is invalid or has expired"),
    e(25005, "integration_no_longer_exists", 400, "Integration no longer exists"),
    e(25006, "no_login_scopes", 400, "Integration default scopes and login request scopes are both empty"),
    e(25007, "grant_not_found", 404, "Grant not found"),
    e(25008, "refresh_token_invalid", 400, "Invalid refresh_token supplied to grant"),
    e(25009, "grant_expired", 0, "Grant refresh/access token has expired, please re-auth. Marked as invalid grant"),
    e(25010, "provider_required", 400, "Provider field is required"),
    e(25011, "refresh_token_required", 400, "refresh_token field is required"),
    e(25012, "grant_created", 201, "Grant created"),
    e(25013, "grant_deleted", 200, "Grant deleted"),
    e(25014, "grant_updated", 200, "Grant updated"),
    e(25015, "reauth_email_invalid", 0, "Emails did not match during reauth"),
    e(
        25016,
        "scopes_conflict",
        0,
        "Some requested scopes were NOT included in the completed hosted auth, resulting in denied authentication",
    ),
    e(25017, "gmail_domain_invalid", 0, "GMail domain is not allowed, resulting in denied authentication"),
    e(25018, "grant_access_denied", 0, "Access to grant denied"),
    e(25020, "historic_sync_completed", 0, "Historic sync completed"),
    e(25021, "invalid_authentication", 0, "Authentication failed due to wrong input or credentials"),
    e(25022, "provider_not_responding", 0, "Provider not responding"),
    e(25023, "auth_limit_reached", 0, "Max number of retries reached for hosted authentication"),
    e(25027, "grant_reauthenticated", 0, "Existing Grant re-authenticated"),
    e(26001, "hosted_login_started", 0, "Hosted login started. Occurs when user visits \"/connect/login?id=...\""),
    e(
        26002,
        "hosted_login_used",
        0,
        "Hosted login used. Happens when user gets redirected to Nylas' \"/connect/callback\"",
    ),
    e(26004, "session_revoke_failed", 400, "Session revoke failed"),
    e(26005, "session_revoke_success", 0, "Session revoke success"),
    e(31001, "integration_created", 201, "Integration created"),
    e(31002, "integration_deleted", 200, "Integration deleted"),
    e(31003, "integration_updated", 200, "Integration updated"),
    e(31005, "provider_not_supported", 400, "Provider invalid or not supported"),
    e(31013, "credential_created", 201, "Credential created"),
    e(31014, "credential_updated", 200, "Credential updated"),
    e(31015, "credential_deleted", 200, "Credential deleted"),
    e(35004, "integration_not_found", 404, "Integration not found"),
    e(35006, "provider_settings_invalid", 400, "Provider settings not supported"),
    e(
        35007,
        "provider_settings_secret_required",
        400,
        "Provider settings and secret both are required if one needs to change",
    ),
    e(35008, "integration_already_exists", 400, "Integration already exists"),
    e(35009, "integration_problem", 400, "Issues found with integration's settings/config"),
    e(35010, "credential_not_found", 400, "Credential not found"),
    e(35011, "credential_already_exists", 400, "Credential with this name for given integration already exists"),
    e(35012, "credential_missing_param", 400, "Credential is missing some essential values in its settings"),
    e(45001, "provider_code_request_failed", 400, "Provider refused to return refresh_token using code (hosted auth)"),
    e(45002, "oauth_failed", 400, "Hosted OAuth failed due to rejection by provider or user refusing consent"),
    e(45003, "invalid_client", 400, "The OAuth client was not found"),
    e(45004, "invalid_grant", 400, "Error creating grant with provided OAuth params"),
    e(
        45005,
        "invalid_request",
        400,
        "The request is missing a required parameter, includes an invalid parameter value, or is otherwise malformed",
    ),
    e(45006, "redirect_uri_mismatch", 400, "Redirect URI not allowed"),
    e(45007, "unsupported_grant_type", 400, "Invalid grant_type"),
    e(45008, "invalid_token", 400, "Token expired or revoked"),
    e(45009, "oauth_redirect", 0, "Redirecting in OAuth2.0 protocol"),
    e(45010, "oauth_provider_error", 400, "Error from OAuth2 provider"),
];

/// Looks up an event code in the catalogue.
pub fn lookup(code: u32) -> Option<&'static EventCode> {
    EVENT_CODES.binary_search_by_key(&code, |e| e.code).ok().and_then(|i| EVENT_CODES.get(i))
}

/// Reads an event code from an `error_uri` (or any text) that ends in digits, e.g. `45002`,
/// `https://…/event-codes#45002`. Returns `None` where there are no trailing digits.
pub fn from_trailing_digits(text: &str) -> Option<u32> {
    let digits = text.len() - text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    text.get(text.len() - digits..)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        for w in EVENT_CODES.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        assert_eq!(EVENT_CODES.len(), 60);
    }

    #[test]
    fn lookup_finds_reference_entries() {
        let e = lookup(45008).unwrap();
        assert_eq!(e.kind, "invalid_token");
        assert_eq!(e.http_status, Some(400));
        assert_eq!(e.message, "Token expired or revoked");
        assert_eq!(lookup(25003).unwrap().kind, "redirect_uri_not_allowed");
        assert_eq!(lookup(702).unwrap().message, "Application ID not allowed");
        assert_eq!(lookup(25009).unwrap().http_status, None);
        assert!(lookup(12345).is_none());
    }

    #[test]
    fn trailing_digits() {
        assert_eq!(from_trailing_digits("45002"), Some(45002));
        assert_eq!(from_trailing_digits("https://x.example/event-codes#25003"), Some(25003));
        assert_eq!(from_trailing_digits("https://x.example/errors"), None);
        assert_eq!(from_trailing_digits(""), None);
        assert_eq!(from_trailing_digits("x1234567"), None);
    }
}
