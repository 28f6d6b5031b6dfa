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
    match poll_once(f.as_mut()) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a request is held: release it (FakeHttp::release) and poll again"),
    }
}

/// Polls `f` once (with a waker that does nothing: the tests poll again after each release).
pub fn poll_once<F: Future + ?Sized>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

/// A request held open: its answer comes when the test releases it.
type Gate = Rc<RefCell<Option<Result<HttpResponse, Error>>>>;

/// Answers requests with the scripted `answers`, in order; once they run out, each request is held
/// open (in `held`, in the order sent) until the test releases it with [`FakeHttp::release`].
#[derive(Clone, Default)]
pub struct FakeHttp {
    pub sent: Rc<RefCell<Vec<HttpRequest>>>,
    pub answers: Rc<RefCell<Vec<Result<HttpResponse, Error>>>>,
    pub held: Rc<RefCell<Vec<Gate>>>,
}

impl FakeHttp {
    pub fn answer(&self, status: u16, body: &str) {
        self.answers.borrow_mut().push(Ok(HttpResponse { status, body: json::parse(body) }));
    }

    /// Answers the `i`th request held open (0 for the first).
    pub fn release(&self, i: usize, status: u16, body: &str) {
        let gate = self.held.borrow()[i].clone();
        assert!(gate.borrow().is_none(), "request {i} was released already");
        *gate.borrow_mut() = Some(Ok(HttpResponse { status, body: json::parse(body) }));
    }
}

/// The answer of a request held open.
struct Held(Gate);

impl Future for Held {
    type Output = Result<HttpResponse, Error>;
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        match self.0.borrow_mut().take() {
            Some(answer) => Poll::Ready(answer),
            None => Poll::Pending,
        }
    }
}

impl Http for FakeHttp {
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, Error>> {
        self.sent.borrow_mut().push(request);
        let scripted = {
            let mut answers = self.answers.borrow_mut();
            (!answers.is_empty()).then(|| answers.remove(0))
        };
        let gate = Gate::default();
        match scripted {
            Some(answer) => *gate.borrow_mut() = Some(answer),
            None => self.held.borrow_mut().push(gate.clone()),
        }
        Held(gate)
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
