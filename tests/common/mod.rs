//! Fakes shared by the native client suites: a scripted HTTP client, a settable clock, a deterministic
//! random source, and storage the test can look into.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use nylas_pkce::client::{Clock, Http, HttpResponse};
use nylas_pkce::json;
use nylas_pkce::{Error, HttpRequest, MemoryStorage, Storage};

pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the fake HTTP client never pends"),
    }
}

#[derive(Clone, Default)]
pub struct FakeHttp {
    pub sent: Rc<RefCell<Vec<HttpRequest>>>,
    pub answers: Rc<RefCell<Vec<Result<HttpResponse, Error>>>>,
}

impl FakeHttp {
    pub fn answer(&self, status: u16, body: &str) {
        self.answers.borrow_mut().push(Ok(HttpResponse { status, body: json::parse(body) }));
    }
}

impl Http for FakeHttp {
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, Error>> {
        self.sent.borrow_mut().push(request);
        let next = self.answers.borrow_mut().remove(0);
        async move { next }
    }
}

#[derive(Clone)]
pub struct FakeClock(pub Rc<Cell<u64>>);
impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

pub fn rng() -> impl FnMut(&mut [u8]) -> Result<(), Error> {
    // xorshift64: deterministic, not cryptographic; enough to give every flow a distinct state.
    let mut n = 0x9E37_79B9_7F4A_7C15u64;
    move |b: &mut [u8]| {
        for x in b.iter_mut() {
            n ^= n << 13;
            n ^= n >> 7;
            n ^= n << 17;
            *x = n as u8;
        }
        Ok(())
    }
}

/// Storage the client and the test share.
#[derive(Clone, Default)]
pub struct Shared(pub Rc<MemoryStorage>);

impl Storage for Shared {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.0.remove(key)
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        self.0.keys(prefix)
    }
}
