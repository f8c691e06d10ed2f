//! `Registration`: a resource's link to the IO driver, and the readiness loops built on it.
//!
//! Every readiness poll spends one unit of the task's coop budget, so a task that always finds
//! its socket ready still yields to the scheduler. A `WouldBlock` clears exactly the readiness
//! it disproved (tick-checked, scheduled_io.rs), and the loop waits for the next event.

use crate::io::Interest;
use crate::loom::StdArc as Arc;
use crate::runtime::io::scheduled_io::{Direction, ReadyEvent, ScheduledIo};
use crate::runtime::{context, coop, scheduler};
use crate::util::error;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::pin;
use std::task::{ready, Context, Poll};

pub(crate) struct Registration {
    runtime: scheduler::Handle,
    shared: Arc<ScheduledIo>,
}

impl Registration {
    /// Registers `source` with the current runtime's IO driver.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub(crate) fn new_with_interest(
        source: &mut impl mio::event::Source,
        interest: Interest,
    ) -> io::Result<Registration> {
        let runtime = match context::with_current(scheduler::Handle::clone) {
            Ok(runtime) => runtime,
            Err(err) => panic!("{err}"),
        };
        Registration::new_with_interest_and_handle(source, interest, runtime)
    }

    /// Registers `source` with `runtime`'s IO driver.
    ///
    /// # Panics
    /// Panics if the runtime was built without IO.
    #[track_caller]
    pub(crate) fn new_with_interest_and_handle(
        source: &mut impl mio::event::Source,
        interest: Interest,
        runtime: scheduler::Handle,
    ) -> io::Result<Registration> {
        let Some(io) = runtime.driver().io() else {
            panic!("{}", error::IO_DISABLED);
        };
        let shared = io.add_source(source, interest.to_mio())?;
        Ok(Registration { runtime, shared })
    }

    /// The runtime this resource is registered with: a connection it accepts registers there
    /// too, whichever thread polls the accept.
    pub(crate) fn runtime(&self) -> &scheduler::Handle {
        &self.runtime
    }

    fn io(&self) -> &crate::runtime::io::Handle {
        self.runtime
            .driver()
            .io()
            .expect("checked when the registration was made")
    }

    /// Takes the resource out of the driver. Its waiters, if any, wait on.
    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source) -> io::Result<()> {
        self.io().deregister_source(&self.shared, source)
    }

    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.shared.clear_readiness(event);
    }

    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Read)
    }

    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Write)
    }

    /// Ready once the resource is ready in `direction`; an error once the runtime shut down.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(coop::poll_proceed(cx));
        match self.shared.poll_readiness(cx, direction) {
            Poll::Pending => {
                self.io().set_io_waiting();
                Poll::Pending
            }
            Poll::Ready(event) if event.is_shutdown => {
                Poll::Ready(Err(error::io_runtime_shutdown()))
            }
            Poll::Ready(event) => {
                coop.made_progress();
                Poll::Ready(Ok(event))
            }
        }
    }

    /// Runs `f` whenever the resource is ready in `direction`, until it does not block.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match f() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.clear_readiness(event);
                }
                result => return Poll::Ready(result),
            }
        }
    }

    /// Runs `f` once if the resource looks ready for `interest`; `WouldBlock` otherwise.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let event = self.shared.ready_now(interest);
        if event.is_shutdown {
            return Err(error::io_runtime_shutdown());
        }
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match f() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_readiness(event);
                Err(err)
            }
            result => result,
        }
    }

    /// Waits until the resource is ready for `interest` (any number of tasks may wait at once).
    pub(crate) async fn readiness(&self, interest: Interest) -> io::Result<ReadyEvent> {
        let mut waiting = pin!(self.shared.readiness(interest));
        let event = poll_fn(|cx| {
            let coop = ready!(coop::poll_proceed(cx));
            match waiting.as_mut().poll(cx) {
                Poll::Pending => {
                    self.io().set_io_waiting();
                    Poll::Pending
                }
                Poll::Ready(event) => {
                    coop.made_progress();
                    Poll::Ready(event)
                }
            }
        })
        .await;
        if event.is_shutdown {
            return Err(error::io_runtime_shutdown());
        }
        Ok(event)
    }

    /// Runs `f` whenever the resource is ready for `interest`, until it does not block.
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.readiness(interest).await?;
            match f() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.clear_readiness(event);
                }
                result => return result,
            }
        }
    }
}

// A panic cannot leave a registration half-updated where a later use would see it: readiness is
// one atomic word, and the waiter lists sit behind locks that ignore poisoning. So the socket
// types built on it may cross `catch_unwind` (Tokio's are unwind-safe too).
impl std::panic::UnwindSafe for Registration {}
impl std::panic::RefUnwindSafe for Registration {}

impl Drop for Registration {
    fn drop(&mut self) {
        // A task holding its own resource's waker would keep itself alive: break the cycle.
        self.shared.clear_wakers();
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}
