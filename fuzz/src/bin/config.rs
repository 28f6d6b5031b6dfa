//! Configuration and per-call options: `NylasAuth` settings, `buildAuthorizationUrl`, the stateless token
//! request, and the settings record the second half reads back.
use nylas_pkce::api::{self, engine};
use nylas_pkce::json::{self, Json};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let f = nylas_pkce_fuzz::fields(data, 2);
        let config = json::parse(f.first().map(String::as_str).unwrap_or("")).unwrap_or(Json::Null);
        let options = json::parse(f.get(1).map(String::as_str).unwrap_or("")).unwrap_or(Json::Null);
        if let Ok(settings) = engine::settings(&config) {
            let settings = json::parse(&settings).expect("settings are JSON");
            engine::session(&settings).expect("the second half reads what the first wrote");
            let _ = engine::token_request(&settings, &options);
        }
        let mut n = 7u8;
        let mut rng = |b: &mut [u8]| {
            b.iter_mut().for_each(|x| {
                n = n.wrapping_mul(31).wrapping_add(17);
                *x = n;
            });
            Ok(())
        };
        let _ = engine::authorize(&config, &options, &mut rng, 1_000, "");
        let _ = engine::authorize(&config, &Json::Null, &mut rng, 1_000, "");
        let _ = api::token_request(&config);
    });
}
