//! Every user-facing panic and error message, in one place.
//!
//! Each message names the cause and, where there is one, the fix. Display texts of error types are
//! lowercase; the longer panic messages keep Tokio's wording where a user may search for it.

/// A runtime-only operation was called with no runtime on this thread.
pub(crate) const NO_RUNTIME: &str = "there is no reactor running, must be called from the context of an eddy runtime: \
     call it inside `Runtime::block_on` or a spawned task, or hold the guard returned by `Runtime::enter`";

/// The thread-local context was already torn down (a destructor ran during thread exit).
pub(crate) const THREAD_LOCAL_DESTROYED: &str =
    "the eddy context thread-local variable has been destroyed: this thread is exiting";

/// `block_on` on a thread that already drives a runtime.
pub(crate) const RUNTIME_WITHIN_RUNTIME: &str = "Cannot start a runtime from within a runtime. \
     This happens because a function (like `block_on`) attempted to block the current thread \
     while the thread is being used to drive asynchronous tasks.";

/// Dropping a runtime inside an asynchronous context.
pub(crate) const DROP_RUNTIME_IN_ASYNC: &str =
    "Cannot drop a runtime in a context where blocking is not allowed. \
     This happens when a runtime is dropped from within an asynchronous context. \
     Use `Runtime::shutdown_background` there instead.";

/// `EnterGuard`s dropped in the wrong order.
pub(crate) const ENTER_GUARD_ORDER: &str =
    "`EnterGuard` values dropped out of order. Guards returned by \
     `eddy::runtime::Handle::enter()` must be dropped in the reverse order as they were acquired.";

/// `task::id()` called outside a task.
pub(crate) const NO_TASK_ID: &str = "Can't get a task id when not inside a task";

/// `JoinError::into_panic` on a cancellation.
pub(crate) const JOIN_ERROR_NOT_PANIC: &str = "`JoinError` reason is not a panic.";

/// A `JoinHandle` polled again after it returned `Ready`.
pub(crate) const JOIN_HANDLE_AFTER_COMPLETION: &str = "JoinHandle polled after completion";

/// `Builder::build` of a multi-thread runtime: the OS refused a worker thread (the error that
/// follows says why: too many threads, a stack size it cannot map...).
pub(crate) const WORKER_THREAD_SPAWN_FAILED: &str =
    "failed to start a worker thread of the multi-thread runtime";

/// Builder asserts.
pub(crate) const MAX_BLOCKING_THREADS_ZERO: &str = "Max blocking threads cannot be set to 0";
pub(crate) const RUNTIME_NAME_EMPTY: &str = "runtime name shouldn't be empty";
pub(crate) const GLOBAL_QUEUE_INTERVAL_ZERO: &str = "global_queue_interval must be greater than 0";
pub(crate) const EVENT_INTERVAL_ZERO: &str = "event_interval must be greater than 0";
pub(crate) const WORKER_THREADS_ZERO: &str = "Worker threads cannot be set to 0";
pub(crate) const MAX_IO_EVENTS_ZERO: &str =
    "max_io_events_per_tick must be greater than 0: the IO driver needs room for one event";

/// `EDDY_WORKER_THREADS` set to something that is not a positive number.
pub(crate) const WORKER_THREADS_ENV_INVALID: &str =
    "EDDY_WORKER_THREADS must be a positive number of worker threads";

/// A task panicked under `UnhandledPanic::ShutdownRuntime`.
pub(crate) const UNHANDLED_PANIC_SHUTDOWN: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";

/// The OS refused to start the first thread of the blocking pool.
pub(crate) const OS_CANNOT_SPAWN_THREAD: &str = "OS can't spawn worker thread";

/// The `io::Error` of `task::Builder::spawn_blocking` when the OS refused the pool's first
/// thread: the OS's own error, with what failed in front.
pub(crate) fn io_cannot_spawn_thread(cause: std::io::Error) -> std::io::Error {
    std::io::Error::new(cause.kind(), format!("{OS_CANNOT_SPAWN_THREAD}: {cause}"))
}

/// `task::spawn_local` with neither a `LocalSet` nor a `LocalRuntime` around.
pub(crate) const SPAWN_LOCAL_OUTSIDE: &str =
    "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`";

/// `spawn_local` on a `LocalRuntime` from another thread (through its `Handle`).
pub(crate) const LOCAL_RUNTIME_WRONG_THREAD: &str = "Local tasks can only be spawned on a \
     LocalRuntime from the thread the runtime was created on: its `!Send` tasks run only there; \
     spawn `Send` futures with `Handle::spawn` instead";

/// `Builder::build_local` on a multi-thread builder.
pub(crate) const LOCAL_RUNTIME_MULTI_THREAD: &str =
    "multi_thread is not supported for LocalRuntime";

/// `LocalSet::new` while the thread is exiting.
pub(crate) const LOCAL_SET_DURING_SHUTDOWN: &str = "cannot create LocalSet during thread shutdown";

/// A `LocalSet` task panicked under `UnhandledPanic::ShutdownRuntime`.
pub(crate) const LOCAL_SET_UNHANDLED_PANIC: &str =
    "a spawned task panicked and the LocalSet is configured to shutdown on unhandled panic";

/// `LocalKey::with` or `get` outside a scope of that key; also its `AccessError`'s cause.
pub(crate) const TASK_LOCAL_NOT_SET: &str =
    "cannot access a task-local storage value without setting it first";

/// The `Display` text of `task::AccessError`.
pub(crate) const TASK_LOCAL_ACCESS_ERROR: &str = "task-local value not set";

/// A `TaskLocalFuture` polled again after it returned `Ready`.
pub(crate) const TASK_LOCAL_FUTURE_AFTER_COMPLETION: &str =
    "`TaskLocalFuture` polled after completion";

/// A task-local scope entered from inside `LocalKey::with` of the same key.
pub(crate) const TASK_LOCAL_BORROWED: &str =
    "cannot enter a task-local scope while the task-local storage is borrowed";

/// A task-local scope entered while the thread exits (from a thread-local destructor).
pub(crate) const TASK_LOCAL_DESTROYED: &str =
    "cannot enter a task-local scope during or after destruction of the underlying thread-local";

/// `block_in_place` where the thread cannot hand its work over: a current-thread runtime, a
/// `LocalSet`.
pub(crate) const BLOCK_IN_PLACE_NOT_MULTI_THREAD: &str =
    "can call blocking only when running on the multi-threaded runtime: on a current-thread \
     runtime or inside a `LocalSet` the thread cannot hand its tasks to another one; use \
     `spawn_blocking` there instead";

/// A timer created on a runtime built without the time driver.
pub(crate) const TIMERS_DISABLED: &str =
    "An eddy runtime context was found, but timers are disabled. \
     Call `enable_time` (or `enable_all`) on the runtime builder to enable timers.";

/// A timer polled after its runtime shut down.
pub(crate) const TIMER_POLLED_AFTER_SHUTDOWN: &str =
    "An eddy runtime context was found, but it is being shutdown: \
     timers stop when their runtime shuts down; keep the runtime alive while its timers are in use";

/// `time::pause` on a runtime whose clock cannot be frozen.
pub(crate) const PAUSE_MULTI_THREAD: &str =
    "`time::pause()` requires the `current_thread` eddy runtime. \
     This is the default Runtime used by `#[eddy::test]`.";

/// `time::pause` on a frozen clock.
pub(crate) const TIME_ALREADY_FROZEN: &str = "time is already frozen";

/// `time::resume` or `time::advance` on a running clock.
pub(crate) const TIME_NOT_FROZEN: &str = "time is not frozen: call `time::pause()` first";

/// `time::pause`, `resume` or `advance` with no runtime on this thread.
pub(crate) const TIME_FROZEN_OUTSIDE_RUNTIME: &str =
    "time cannot be frozen from outside the eddy runtime: call it inside `block_on` or a task";

/// The `Display` text of `time::error::Elapsed`: a `Timeout` reached its deadline first.
pub(crate) const TIMEOUT_ELAPSED: &str = "deadline has elapsed";

/// The `Display` text of `time::error::Error::shutdown()`: the runtime owning the timer is gone.
pub(crate) const TIMER_SHUTDOWN: &str =
    "the timer is shutdown, must be called from the context of an eddy runtime";

/// The `Display` text of `time::error::Error::at_capacity()`.
pub(crate) const TIMER_AT_CAPACITY: &str = "timer is at capacity and cannot create a new entry";

/// The `Display` text of `time::error::Error::invalid()`: a deadline past the wheel's horizon.
pub(crate) const TIMER_INVALID: &str = "timer duration exceeds maximum duration";

/// `time::interval` or `time::interval_at` with a zero period (it would tick forever at once).
pub(crate) const INTERVAL_PERIOD_ZERO: &str = "`period` must be non-zero.";

/// An IO resource created on a runtime built without the IO driver.
pub(crate) const IO_DISABLED: &str = "An eddy runtime context was found, but IO is disabled. \
     Call `enable_io` (or `enable_all`) on the runtime builder to enable IO.";

/// The text of the `io::Error` that IO gets once its runtime shuts down.
pub(crate) const RUNTIME_SHUTTING_DOWN: &str =
    "An eddy runtime context was found, but it is being shutdown.";

/// A signal listener created through a handle whose runtime shut down.
pub(crate) const SIGNAL_DRIVER_GONE: &str =
    "signal driver gone: the runtime has shut down; create signal listeners while it runs";

/// `signal::unix::signal` of a number that cannot or must not get a handler (SIGKILL, SIGSTOP,
/// SIGILL, SIGFPE, SIGSEGV, or not positive).
pub(crate) fn io_refuse_signal(signum: libc::c_int) -> std::io::Error {
    std::io::Error::other(format!("Refusing to register signal {signum}"))
}

/// `signal::unix::signal` of a number above the system's highest signal.
pub(crate) fn io_signal_too_large(signum: libc::c_int) -> std::io::Error {
    std::io::Error::other(format!(
        "signal too large: {signum} is above the highest signal number of this system"
    ))
}

/// The operating system refused to install a signal handler.
pub(crate) fn io_signal_handler_failed(cause: std::io::Error) -> std::io::Error {
    std::io::Error::new(
        cause.kind(),
        format!("registering signal handler failed: {cause}"),
    )
}

/// The error of a signal listener created after its runtime shut down.
pub(crate) fn io_signal_driver_gone() -> std::io::Error {
    std::io::Error::other(SIGNAL_DRIVER_GONE)
}

/// The error behind `RUNTIME_SHUTTING_DOWN`, a type of its own so that
/// `runtime::is_rt_shutdown_err` can recognise it.
#[derive(Debug)]
pub(crate) struct RuntimeShutdown;

impl std::fmt::Display for RuntimeShutdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(RUNTIME_SHUTTING_DOWN)
    }
}

impl std::error::Error for RuntimeShutdown {}

/// The `io::Error` of IO on a runtime that shut down.
pub(crate) fn io_runtime_shutdown() -> std::io::Error {
    std::io::Error::other(RuntimeShutdown)
}

/// Whether `err` is the error of IO on a runtime that shut down.
pub(crate) fn is_runtime_shutdown(err: &std::io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.is::<RuntimeShutdown>())
}

/// `TcpStream::connect`, `TcpListener::bind` or `UdpSocket::bind` given a name that resolved to
/// no address at all.
pub(crate) const NO_ADDRESSES: &str = "could not resolve to any address";

/// `UdpSocket::send_to` given a name that resolved to no address.
pub(crate) const NO_ADDRESSES_TO_SEND: &str = "no addresses to send data to";

/// The `Display` text of `tcp::ReuniteError` and `unix::ReuniteError`.
pub(crate) const REUNITE_MISMATCH: &str =
    "tried to reunite halves that are not from the same socket";

/// `UnixSocket::listen` on a socket made with `new_datagram`.
pub(crate) const UNIX_LISTEN_ON_DATAGRAM: &str =
    "listen cannot be called on a datagram socket: make the socket with `UnixSocket::new_stream`";

/// `UnixSocket::connect` on a socket made with `new_datagram`.
pub(crate) const UNIX_CONNECT_ON_DATAGRAM: &str = "connect cannot be called on a datagram socket: \
     make the socket with `UnixSocket::new_stream`, or turn it into a `UnixDatagram` with \
     `UnixSocket::datagram` and connect that";

/// `UnixSocket::datagram` on a socket made with `new_stream`.
pub(crate) const UNIX_DATAGRAM_ON_STREAM: &str =
    "datagram cannot be called on a stream socket: make the socket with `UnixSocket::new_datagram`";

/// An `io::Error` of kind `InvalidInput` carrying `message`.
pub(crate) fn io_invalid_input(message: &'static str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// An IP socket reported an address of another family (it cannot happen; reported, not
/// trusted).
pub(crate) const NOT_AN_IP_ADDRESS: &str =
    "the socket reported an address that is not an IP address";

/// A `RuntimeMetrics` method given a worker index the runtime does not have.
#[cold]
#[track_caller]
pub(crate) fn worker_index_out_of_range(worker: usize, workers: usize) -> ! {
    panic!(
        "worker index {worker} out of range: this runtime has {workers} worker(s), numbered from \
         0; `RuntimeMetrics::num_workers` tells how many"
    )
}

/// A poll-time histogram bucket the histogram does not have.
#[cold]
#[track_caller]
pub(crate) fn histogram_bucket_out_of_range(bucket: usize, buckets: usize) -> ! {
    panic!(
        "histogram bucket {bucket} out of range: the poll-time histogram has {buckets} bucket(s), \
         numbered from 0; `RuntimeMetrics::poll_time_histogram_num_buckets` tells how many"
    )
}

/// A poll-time histogram read on a runtime built without one.
pub(crate) const HISTOGRAM_DISABLED: &str =
    "the poll-time histogram is disabled: call `enable_metrics_poll_time_histogram` on the \
     runtime builder to enable it";

/// `HistogramConfiguration::linear` with a zero width.
pub(crate) const HISTOGRAM_BUCKET_WIDTH_ZERO: &str =
    "bucket_width must be greater than 0: every poll would land in the last bucket";

/// A histogram of no buckets (`linear`, `metrics_poll_count_histogram_buckets`).
pub(crate) const HISTOGRAM_NO_BUCKETS: &str =
    "num_buckets must be greater than 0: a histogram needs at least one bucket";

/// `LogHistogramBuilder::max_error` of zero, a negative number or NaN.
pub(crate) const HISTOGRAM_MAX_ERROR_NOT_POSITIVE: &str =
    "max_error must be greater than 0: it is the relative error a bucket may make, e.g. 0.25";

/// `LogHistogramBuilder::max_error` of 1 or more.
pub(crate) const HISTOGRAM_MAX_ERROR_NOT_BELOW_ONE: &str =
    "max_error must be less than 1: it is the relative error a bucket may make, e.g. 0.25";

/// `LogHistogramBuilder::precision_exact` above 10.
pub(crate) const HISTOGRAM_PRECISION_TOO_HIGH: &str =
    "precision must be <= 10: precision p cuts each power of two into 2^p buckets";

/// `LogHistogramBuilder::max_value` of zero.
pub(crate) const HISTOGRAM_MAX_VALUE_ZERO: &str =
    "max value must be greater than 0: polls at least this long share the last bucket";

/// A `LogHistogramBuilder` whose minimum is above its maximum.
#[cold]
#[track_caller]
pub(crate) fn histogram_min_above_max(min: std::time::Duration, max: std::time::Duration) -> ! {
    panic!(
        "min_value ({min:?}) is above max_value ({max:?}): lower `min_value` or raise \
         `max_value` on the LogHistogramBuilder (the default max_value is 60 s)"
    )
}

/// The deprecated `metrics_poll_count_histogram_resolution` outside its range.
pub(crate) const HISTOGRAM_RESOLUTION_OUT_OF_RANGE: &str =
    "the poll count histogram's resolution must be greater than 0 and at most 1 second";

/// The start of `InvalidHistogramConfiguration`'s `Display` text (the count follows).
pub(crate) const HISTOGRAM_TOO_MANY_BUCKETS: &str =
    "this histogram configuration is over its bucket limit: it needs";
