//! What `std`'s prelude would give every module; the core is `no_std` + `alloc`.

pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::string::String;
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
