use nylas_pkce::browser::{self, BrowserClient, Persist};
use nylas_pkce::{AuthorizationOptions, CallbackOutcome, ClientOptions, Config, Error, Region, TokenSet};

/// One client for the app (keep it in your framework's context: it is not `Send`, an `Rc` is enough).
fn client() -> Result<BrowserClient, Error> {
    let config = Config::nylas("<client id>", "https://app.example.com/", Region::Us)?;
    // Tokens in memory, the default: a reload logs out. `Persist::Session` keeps them for the tab and
    // `Persist::Local` across tabs and restarts, readable by any script of the origin.
    Ok(browser::client(config, Persist::Memory, ClientOptions::default()))
}

/// At start-up: a load of the redirect URI with callback parameters completes the login.
async fn on_load(client: &BrowserClient) -> Result<Option<TokenSet>, Error> {
    let Some(url) = browser::is_callback().then(browser::current_url).flatten() else { return Ok(None) };
    // First, before the exchange: the code and state are spent either way, and a reload must not replay them.
    browser::clean_address_bar();
    match client.handle_callback(&url).await? {
        CallbackOutcome::Tokens { tokens, .. } => Ok(Some(*tokens)), // tokens.email, tokens.grant_id, …
        CallbackOutcome::AdminConsent { .. } => Ok(None),
    }
}

/// "Connect": send the browser to the authorization page.
fn connect(client: &BrowserClient) -> Result<(), Error> {
    let request = client.authorize(&AuthorizationOptions { provider: Some("google".into()), ..Default::default() })?;
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&request.url);
    }
    Ok(())
}

/// A call to Nylas: a valid access token (concurrent calls share one refresh, where the server allows it).
async fn bearer(client: &BrowserClient) -> Result<String, Error> {
    Ok(format!("Bearer {}", client.access_token().await?.secret()))
}

/// "Log out": forgets the tokens, ends the session (an answer still on the way is dropped), revokes them.
async fn log_out(client: &BrowserClient) -> Result<(), Error> {
    client.logout().await
}
