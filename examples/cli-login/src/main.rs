//! `cli-login`: a command-line Nylas login with PKCE and a loopback redirect (RFC 8252 §7.3), over
//! nylas-pkce's `native` feature. It prints the grant's email and when the access token expires, never a
//! token.
//!
//! ```text
//! cli-login --client-id <ID> [--region us|eu | --api-base <URL>] [--port <N>] [--timeout <SECONDS>]
//!           [--provider <NAME>] [--login-hint <EMAIL>] [--no-browser]
//! ```
//!
//! Exit status: 0 signed in; 1 the login failed (the error's code and message on stderr: `timeout`,
//! `authorization_error`, …); 2 a usage error.

use std::process::ExitCode;
use std::time::Duration;

use nylas_pkce::native::{self, Loopback};
use nylas_pkce::{AuthorizationOptions, CallbackOutcome, ClientOptions, Config, Endpoints, Error, Flavor, Region};

const USAGE: &str = "usage: cli-login --client-id <ID> [--region us|eu | --api-base <URL>] [--port <N>] \
[--timeout <SECONDS>] [--provider <NAME>] [--login-hint <EMAIL>] [--no-browser]";

/// The command line.
#[derive(Debug)]
struct Args {
    client_id: String,
    region: Region,
    api_base: Option<String>,
    port: u16,
    timeout: Duration,
    provider: Option<String>,
    login_hint: Option<String>,
    browser: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        client_id: String::new(),
        region: Region::Us,
        api_base: None,
        port: 0,
        timeout: Duration::from_secs(300),
        provider: None,
        login_hint: None,
        browser: true,
    };
    while let Some(flag) = args.next() {
        if flag == "--no-browser" {
            out.browser = false;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--client-id" => out.client_id = value,
            "--region" => out.region = Region::parse(&value).ok_or("--region is us or eu")?,
            "--api-base" => out.api_base = Some(value),
            "--port" => out.port = value.parse().map_err(|_| "--port is a number from 0 to 65535")?,
            "--timeout" => {
                let secs: u64 = value.parse().map_err(|_| "--timeout is a whole number of seconds")?;
                if secs == 0 || secs > 86_400 {
                    return Err("--timeout is 1 to 86400 seconds".into());
                }
                out.timeout = Duration::from_secs(secs);
            }
            "--provider" => out.provider = Some(value),
            "--login-hint" => out.login_hint = Some(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if out.client_id.is_empty() {
        return Err("--client-id is required".into());
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("cli-login: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cli-login: error: {}: {}", e.code(), e.message());
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), Error> {
    let loopback = Loopback::bind(args.port, "/callback")?;
    let redirect_uri = loopback.redirect_uri();
    let config = match &args.api_base {
        Some(base) => Config::new(&args.client_id, &redirect_uri, Endpoints::nylas_base(base), Flavor::Nylas)?,
        None => Config::nylas(&args.client_id, &redirect_uri, args.region)?,
    };
    let client = native::client(config, ClientOptions::default());
    let options = AuthorizationOptions {
        provider: args.provider.clone(),
        login_hint: args.login_hint.clone(),
        ..AuthorizationOptions::default()
    };
    eprintln!("cli-login: waiting for the sign-in at {redirect_uri} for {} s", args.timeout.as_secs());
    let browser = args.browser;
    let open = move |url: &str| {
        // The URL carries no secret (the code challenge, not the verifier).
        if browser && native::open_browser(url).is_ok() {
            eprintln!("cli-login: opened the sign-in page in your browser; if it did not open, visit:\n{url}");
        } else {
            eprintln!("cli-login: open this URL in a browser to sign in:\n{url}");
        }
        Ok(())
    };
    let outcome = native::login(&client, loopback, &options, open, args.timeout)?;
    let CallbackOutcome::Tokens { tokens, .. } = outcome else {
        println!("admin consent granted");
        return Ok(());
    };
    let email = match &tokens.email {
        Some(email) => email.clone(),
        // Nylas's token answer names the email; otherwise ask the grant.
        None => native::block_on(client.grant_info())?
            .get("data")
            .and_then(|d| d.str_of("email"))
            .unwrap_or("(unknown)")
            .to_owned(),
    };
    println!("email: {email}");
    if let Some(grant) = &tokens.grant_id {
        println!("grant: {grant}");
    }
    match (tokens.expires_at, tokens.expires_in) {
        (Some(at), Some(secs)) => println!("expires: {} (in {secs} s)", rfc3339(at)),
        _ => println!("expires: not said"),
    }
    println!("refresh token: {}", if tokens.refresh_token.is_some() { "yes" } else { "no" });
    Ok(())
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC), by the days-to-civil algorithm.
fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let a = args(&["--client-id", "c", "--api-base", "http://127.0.0.1:1/v3", "--port", "9007", "--timeout", "5"])
            .unwrap();
        assert_eq!((a.client_id.as_str(), a.port, a.timeout.as_secs()), ("c", 9007, 5));
        assert_eq!(a.api_base.as_deref(), Some("http://127.0.0.1:1/v3"));
        assert!(a.browser);
        assert!(!args(&["--client-id", "c", "--no-browser"]).unwrap().browser);
        assert!(args(&[]).unwrap_err().contains("--client-id"));
        assert!(args(&["--client-id", "c", "--port", "70000"]).is_err());
        assert!(args(&["--client-id", "c", "--timeout", "0"]).is_err());
        assert!(args(&["--client-id"]).is_err());
        assert!(args(&["--client-id", "c", "--secret", "x"]).unwrap_err().contains("unknown flag"));
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_601_599_999), "2026-12-06T23:59:59Z");
    }
}
