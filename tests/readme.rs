//! The README's Rust snippets are the code that compiles: the browser-client one is
//! `tests/readme/browser.rs`, compiled for wasm32 as a module of `tests/browser.rs`.

#[test]
fn the_browser_client_snippet_is_the_one_compiled() {
    let readme = include_str!("../README.md");
    let snippet = include_str!("readme/browser.rs");
    assert!(
        readme.contains(&format!("```rust,ignore\n{snippet}```\n")),
        "the README's browser-client snippet differs from tests/readme/browser.rs: copy that file into it"
    );
}
