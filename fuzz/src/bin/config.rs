//! Configuration and per-call options through the npm binding: the option reader (the JSON the fuzzer
//! writes, packed as the package's JavaScript packs it), `NylasAuth`'s settings, an authorization with and
//! without `NylasAuth`'s defaults, the stateless token request, and the settings the second half reads back.
use nylas_pkce::json::{self, Json};
use nylas_pkce_npm::fields::{pack_json, AUTHORIZATION, CLIENT, CONFIG, TOKEN_REQUEST};
use nylas_pkce_npm::{engine, login, options};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let f = nylas_pkce_fuzz::fields(data, 3);
        let text = |i: usize| f.get(i).map(String::as_str).unwrap_or("");
        let config = json::parse(text(0)).unwrap_or(Json::Null);
        let call = json::parse(text(1)).unwrap_or(Json::Null);
        let packed = |list, o: &Json, config| pack_json(list, o, &[list], config).unwrap_or_default();
        let both: &[&[nylas_pkce_npm::fields::Field]] = &[CONFIG, CLIENT];
        let cfg = pack_json(CONFIG, &config, both, true).unwrap_or_default();
        let client = pack_json(CLIENT, &config, both, true).unwrap_or_default();
        // The raw third field too: the binding must refuse, not misread, a packed string that no
        // JavaScript of ours wrote.
        for (cfg, call) in [(cfg.as_str(), packed(AUTHORIZATION, &call, false)), (text(2), text(2).into())] {
            let mut n = 7u8;
            let mut rng = |b: &mut [u8]| {
                b.iter_mut().for_each(|x| {
                    n = n.wrapping_mul(31).wrapping_add(17);
                    *x = n;
                });
                Ok(())
            };
            let _ = options::config(cfg);
            let _ = options::authorization(&call);
            let _ =
                login::start(cfg, &call, &call, true, 1_000, &[0.0, 1e300, f64::NAN], 600_000, None, None, &mut rng);
            let _ = login::start(cfg, "", &call, false, 1_000, &[], 0, Some("a@b".into()), None, &mut rng);
        }
        if let Ok(settings) = login::settings(&cfg, &client) {
            engine::session(&settings).expect("the second half reads what the first wrote");
            let _ = engine::token_request(&settings, &packed(TOKEN_REQUEST, &call, false));
            let _ = engine::token_request(&settings, text(2));
        }
    });
}
