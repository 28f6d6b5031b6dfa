//! A 64 KiB stack instead of rustc's 1 MiB default for the package's wasm: the deepest recursion is the
//! JSON reader's, bounded at 32 levels, and the wasm's memory after start-up stays at two pages.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=65536");
    }
}
