//! The JSON shapes of the second half's results: a checked callback, a token set, a request to send,
//! `handleRedirectCallback`'s outcome, and an error's details. The package reads them with `JSON.parse`.

use alloc::string::String;

use nylas_pkce::callback::Callback;
use nylas_pkce::flow::CallbackOutcome;
use nylas_pkce::http::HttpRequest;
use nylas_pkce::json::{Json, ObjectWriter};
use nylas_pkce::Error;

fn extras(w: &mut ObjectWriter, extras: &[(String, String)]) {
    let m = extras.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
    w.value("extras", &Json::Object(m));
}

/// `{ type: 'code' | 'admin_consent' | 'hosted', state, extras, … }`.
pub fn callback_result(cb: &Callback) -> String {
    let mut w = ObjectWriter::default();
    match cb {
        Callback::Code { code, state, extras: ex } => {
            w.str("type", "code").str("code", code.secret()).str("state", state.secret());
            extras(&mut w, ex);
        }
        Callback::AdminConsent { state, extras: ex } => {
            w.str("type", "admin_consent").bool("adminConsent", true).str("state", state.secret());
            extras(&mut w, ex);
        }
        Callback::Hosted { grant_id, provider, email, state, extras: ex } => {
            w.str("type", "hosted").str("grantId", grant_id).opt_str("provider", provider.as_deref());
            w.opt_str("email", email.as_deref()).str("state", state.secret());
            extras(&mut w, ex);
        }
        // A kind of callback this binding does not know yet: its type alone.
        _ => {
            w.str("type", "unknown");
        }
    }
    w.finish()
}

/// `handleRedirectCallback`'s result: `{ type: 'tokens', …token set }` or `{ type: 'admin_consent' }`.
pub fn outcome(o: &CallbackOutcome) -> String {
    let mut w = ObjectWriter::default();
    match o {
        CallbackOutcome::Tokens { tokens, app_state } => {
            let set = tokens.to_json();
            let members = set.strip_prefix('{').and_then(|m| m.strip_suffix('}')).unwrap_or_default();
            let mut out = String::from("{\"type\":\"tokens\"");
            if !members.is_empty() {
                out.push(',');
                out.push_str(members);
            }
            if let Some(state) = app_state {
                out.push_str(",\"appState\":");
                out.push_str(state);
            }
            out.push('}');
            return out;
        }
        CallbackOutcome::AdminConsent { app_state } => {
            w.str("type", "admin_consent");
            if let Some(state) = app_state {
                w.value_text("appState", state);
            }
        }
    }
    w.finish()
}

/// `{ url, method, headers, body }`.
pub fn http_request(req: &HttpRequest) -> String {
    let headers = req.headers.iter().map(|(k, v)| (String::from(*k), Json::String(v.clone()))).collect();
    let mut w = ObjectWriter::default();
    w.str("url", &req.url).str("method", req.method.as_str()).value("headers", &Json::Object(headers));
    w.opt_str("body", req.body.as_deref()).finish()
}

/// An error's details as JSON, where it has any: `{ status, error, errorDescription, errorUri, eventCode,
/// type, requestId, providedScopes, requiredScopes }` (absent members left out). No secret is ever part of
/// an error.
pub fn error_details(e: &Error) -> Option<String> {
    let scopes = match e {
        Error::InsufficientScope(s) => Some(s),
        _ => None,
    };
    if e.status().is_none() && e.details().is_none() && scopes.is_none() {
        return None;
    }
    let mut w = ObjectWriter::default();
    if let Some(s) = e.status() {
        w.num("status", u64::from(s));
    }
    if let Some(d) = e.details() {
        w.str("error", &d.error)
            .opt_str("errorDescription", d.description.as_deref())
            .opt_str("errorUri", d.uri.as_deref());
        if let Some(c) = d.event_code {
            w.num("eventCode", u64::from(c));
        }
        w.opt_str("type", d.kind.as_deref()).opt_str("requestId", d.request_id.as_deref());
    }
    if let Some(s) = scopes {
        w.strs("providedScopes", &s.provided).strs("requiredScopes", &s.required);
    }
    Some(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nylas_pkce::json;
    use nylas_pkce::token;

    fn j(s: &str) -> Json {
        json::parse(s).unwrap()
    }

    #[test]
    fn results_are_json() {
        let t = token::parse_token_response(
            200,
            Some(&j(r#"{"access_token":"at","token_type":"Bearer","expires_in":10,"scope":"a b","id_token":"h.eyJzdWIiOiJnMSIsImVtYWlsIjoiYUBiLmMifQ.s"}"#)),
            1000,
        )
        .unwrap();
        let out = j(&t.to_json());
        assert_eq!((out.str_of("accessToken"), out.uint_of("expiresAt")), (Some("at"), Some(11_000)));
        assert_eq!(out.get("idTokenClaims").and_then(|c| c.str_of("email")), Some("a@b.c"));
        let o = j(&outcome(&CallbackOutcome::Tokens { tokens: Box::new(t), app_state: Some("[1]".into()) }));
        assert_eq!(o.get("appState"), Some(&Json::Array(vec![Json::Number(1.0)])));
        assert_eq!((o.str_of("type"), o.str_of("tokenType")), (Some("tokens"), Some("Bearer")));
        let cb = nylas_pkce::callback::parse_callback("?code=c&state=s&x=1", "s", None, false).unwrap();
        let r = j(&callback_result(&cb));
        assert_eq!(
            (r.str_of("type"), r.str_of("code"), r.get("extras").and_then(|e| e.str_of("x"))),
            (Some("code"), Some("c"), Some("1"))
        );
        let e = token::parse_token_response(403, Some(&j(r#"{"error":"invalid_grant","error_description":"no"}"#)), 0)
            .unwrap_err();
        let d = j(&error_details(&e).unwrap());
        assert_eq!((d.uint_of("status"), d.str_of("error")), (Some(403), Some("invalid_grant")));
        assert_eq!(error_details(&Error::StateMismatch), None);
    }
}
