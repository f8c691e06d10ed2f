//! `JoinError`: Display/Debug formats, `io::Error` conversion and the panic/cancel accessors.

use std::future::Future;
use std::io;

use eddy::runtime::Builder;
use eddy::task::{self, JoinError};

/// Spawns `fut` on a fresh current-thread runtime, aborting it first if `abort`, and returns
/// the task id and its join error.
fn join_error<F>(abort: bool, fut: F) -> (task::Id, JoinError)
where
    F: Future + Send + 'static,
    F::Output: Send + std::fmt::Debug + 'static,
{
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async move {
        let handle = eddy::spawn(fut);
        let id = handle.id();
        if abort {
            handle.abort();
        }
        (id, handle.await.unwrap_err())
    })
}

fn cancelled() -> (task::Id, JoinError) {
    join_error(true, futures::future::pending::<()>())
}

#[test]
fn cancelled_display_and_debug() {
    let (id, err) = cancelled();
    assert_eq!(err.id(), id);
    assert_eq!(err.to_string(), format!("task {id} was cancelled"));
    assert_eq!(
        format!("{err:?}"),
        format!("JoinError::Cancelled(Id({id}))")
    );
}

#[test]
fn panic_with_str_payload_display_and_debug() {
    let (id, err) = join_error(false, async { panic!("boom") });
    assert_eq!(err.id(), id);
    assert_eq!(
        err.to_string(),
        format!("task {id} panicked with message \"boom\"")
    );
    assert_eq!(
        format!("{err:?}"),
        format!("JoinError::Panic(Id({id}), \"boom\", ...)")
    );
}

#[test]
fn panic_with_string_payload_display() {
    let word = String::from("boom");
    let (id, err) = join_error(false, async move { panic!("{word}") });
    assert_eq!(
        err.to_string(),
        format!("task {id} panicked with message \"boom\"")
    );
}

#[test]
fn panic_with_other_payload_display() {
    let (id, err) = join_error(false, async { std::panic::panic_any(42_u32) });
    assert_eq!(err.to_string(), format!("task {id} panicked"));
    assert_eq!(
        format!("{err:?}"),
        format!("JoinError::Panic(Id({id}), ...)")
    );
}

#[test]
fn cancelled_accessors() {
    let (id, err) = cancelled();
    assert!(err.is_cancelled());
    assert!(!err.is_panic());
    let err = err.try_into_panic().unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(err.id(), id);
}

#[test]
fn panic_accessors() {
    let (_, err) = join_error(false, async { panic!("boom") });
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));

    let (_, err) = join_error(false, async { std::panic::panic_any(7_i64) });
    let payload = err.try_into_panic().unwrap();
    assert_eq!(payload.downcast_ref::<i64>(), Some(&7));
}

#[test]
fn into_io_error() {
    let (_, err) = cancelled();
    let io_err = io::Error::from(err);
    assert_eq!(io_err.kind(), io::ErrorKind::Other);
    assert_eq!(io_err.to_string(), "task was cancelled");

    let (_, err) = join_error(false, async { panic!("boom") });
    let io_err: io::Error = err.into();
    assert_eq!(io_err.kind(), io::ErrorKind::Other);
    assert_eq!(io_err.to_string(), "task panicked");
}

#[test]
fn join_error_is_std_error_send_sync() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    let (_, err) = cancelled();
    assert_error(&err);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().ends_with("was cancelled"));
}

#[test]
fn id_display_and_debug() {
    let (id, _) = cancelled();
    let n: u64 = id.to_string().parse().expect("Id displays as an integer");
    assert!(n > 0);
    assert_eq!(format!("{id:?}"), format!("Id({n})"));
}
