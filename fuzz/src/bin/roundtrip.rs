//! Property: any state, scope and login hint survive build → parse. The authorization URL is built with
//! them (when the builder accepts them), its query is parsed back, and each value comes out exactly as it
//! went in; a callback carrying the same state is accepted by the callback parser.
use nylas_pkce::authorize::{build_authorization_request, AuthorizationOptions};
use nylas_pkce::callback::{parse_callback, Callback};
use nylas_pkce::config::{Config, Region};
use nylas_pkce::encode::{form_body, parse_query};

fn main() {
    let config = Config::nylas("client", "https://a.example/cb", Region::Us).unwrap();
    afl::fuzz!(|data: &[u8]| {
        let f = nylas_pkce_fuzz::fields(data, 3);
        let state = f.first().cloned().unwrap_or_default();
        let scope = f.get(1).cloned().unwrap_or_default();
        let hint = f.get(2).cloned().unwrap_or_default();
        let options = AuthorizationOptions {
            state: Some(state.clone()),
            scopes: if scope.is_empty() { vec![] } else { vec![scope.clone()] },
            login_hint: Some(hint.clone()),
            ..Default::default()
        };
        let mut n = 1u8;
        let mut rng = |b: &mut [u8]| {
            b.iter_mut().for_each(|x| {
                n = n.wrapping_add(13);
                *x = n;
            });
            Ok(())
        };
        let Ok(req) = build_authorization_request(&config, &options, &mut rng, 0) else { return };
        let query = req.url.split_once('?').expect("a query").1;
        let params = parse_query(query).expect("the builder writes valid percent-encoding");
        let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        assert_eq!(get("state").as_deref(), Some(state.as_str()));
        if !scope.is_empty() {
            assert_eq!(get("scope").as_deref(), Some(scope.as_str()));
        }
        if !hint.is_empty() {
            assert_eq!(get("login_hint").as_deref(), Some(hint.as_str()));
        }
        // The same state in a callback is accepted.
        let callback = ["https://a.example/cb?code=c&", &form_body(&[("state", Some(&state))])].concat();
        match parse_callback(&callback, &state, None, false) {
            Ok(Callback::Code { .. }) => {}
            other => panic!("state {state:?} did not survive a callback: {other:?}"),
        }
    });
}
