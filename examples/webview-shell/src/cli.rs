//! The command line: `webview-shell [--auto] [--timeout SECS] [--click SELECTOR] PAGE_URL`.

use std::time::Duration;

use url::Url;

/// `--help`'s text (also printed after a usage error).
pub const USAGE: &str = "\
usage: webview-shell [--auto] [--timeout SECS] [--click SELECTOR] PAGE_URL

Opens PAGE_URL (the app page: http or https) in the app window. When the page asks to log in, the
authorization URL opens in a second window, the shell's stand-in for the system browser; the redirect to
com.example.shell:/callback is caught there and handed back to the page. Each result the page reports is
printed as one line, `RESULT {json}`.

  --auto             log in as soon as the page is ready, then exit at the page's first result
  --timeout SECS     exit with status 2 if the page has reported no result after SECS seconds
                     (default: 60 with --auto, none without)
  --click SELECTOR   stand in for the user in the browser window: click the first element matching the CSS
                     SELECTOR on each page loaded there (e.g. '#deny' on the mock's consent page)
  -h, --help         print this help

exit status: 0 the page's last result was a success (or there was none and the window was closed),
1 it was a failure, 2 a usage error, a shell error or the time-out";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print [`USAGE`] and exit successfully.
    Help,
    /// Run the shell.
    Run(Options),
}

/// The shell's settings.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// The app page, an absolute http or https URL.
    pub page: Url,
    /// Start the login as soon as the page is ready, and exit at its first result.
    pub auto: bool,
    /// Give up after this long without a result.
    pub timeout: Option<Duration>,
    /// A CSS selector to click on each page the browser window loads.
    pub click: Option<String>,
}

/// The time-out `--auto` uses when `--timeout` is not given.
const AUTO_TIMEOUT: Duration = Duration::from_secs(60);

/// Parses the arguments after the program name. The error is a one-line message for the user.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut page = None;
    let mut auto = false;
    let mut timeout = None;
    let mut click = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--auto" => auto = true,
            "--timeout" => {
                let value = args.next().ok_or("--timeout needs a number of seconds")?;
                let secs = value
                    .parse::<u64>()
                    .ok()
                    .filter(|secs| (1..=86_400).contains(secs))
                    .ok_or_else(|| format!("--timeout takes 1 to 86400 seconds, not {value:?}"))?;
                timeout = Some(Duration::from_secs(secs));
            }
            "--click" => {
                let selector = args.next().filter(|s| !s.trim().is_empty()).ok_or("--click needs a CSS selector")?;
                click = Some(selector);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag:?}")),
            _ if page.is_some() => return Err(format!("one page URL only, not also {arg:?}")),
            _ => page = Some(page_url(&arg)?),
        }
    }
    let page = page.ok_or("the app page's URL is missing")?;
    let timeout = timeout.or(auto.then_some(AUTO_TIMEOUT));
    Ok(Command::Run(Options { page, auto, timeout, click }))
}

/// The app page's URL: absolute, http or https (the page needs a web origin for `fetch` and storage).
fn page_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("the page URL {text:?} is not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(format!("the page URL must be http or https, not {other}:")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    fn options(args: &[&str]) -> Options {
        match parse_all(args) {
            Ok(Command::Run(options)) => options,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn a_page_alone_runs_interactively_without_a_time_out() {
        let o = options(&["http://127.0.0.1:5173/page/"]);
        assert_eq!(o.page.as_str(), "http://127.0.0.1:5173/page/");
        assert!(!o.auto);
        assert_eq!(o.timeout, None);
        assert_eq!(o.click, None);
    }

    #[test]
    fn auto_defaults_to_a_minute_and_timeout_overrides_it() {
        assert_eq!(options(&["--auto", "http://127.0.0.1/"]).timeout, Some(Duration::from_secs(60)));
        let o = options(&["http://127.0.0.1/", "--timeout", "5", "--auto", "--click", "#deny"]);
        assert!(o.auto);
        assert_eq!(o.timeout, Some(Duration::from_secs(5)));
        assert_eq!(o.click.as_deref(), Some("#deny"));
    }

    #[test]
    fn help_wins() {
        assert_eq!(parse_all(&["--auto", "--help"]), Ok(Command::Help));
        assert_eq!(parse_all(&["-h"]), Ok(Command::Help));
    }

    #[test]
    fn bad_command_lines_are_refused() {
        for args in [
            &[][..],
            &["--auto"],
            &["file:///tmp/index.html"],
            &["com.example.shell:/callback"],
            &["not a url"],
            &["http://127.0.0.1/", "http://127.0.0.1/other"],
            &["http://127.0.0.1/", "--timeout"],
            &["http://127.0.0.1/", "--timeout", "0"],
            &["http://127.0.0.1/", "--timeout", "-1"],
            &["http://127.0.0.1/", "--timeout", "soon"],
            &["http://127.0.0.1/", "--click"],
            &["http://127.0.0.1/", "--click", " "],
            &["http://127.0.0.1/", "--verbose"],
        ] {
            assert!(parse_all(args).is_err(), "{args:?} was accepted");
        }
    }
}
