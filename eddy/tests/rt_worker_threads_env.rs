//! `EDDY_WORKER_THREADS` sets the default number of workers. Its own test binary: the variable
//! is process-wide, so no other test may run beside it.

use eddy::runtime::Builder;

#[test]
fn the_environment_sets_the_default_and_the_builder_overrides_it() {
    // SAFETY of `set_var` (edition 2021: a safe call): this binary has this one test, and no
    // other thread reads the environment while it runs.
    std::env::set_var("EDDY_WORKER_THREADS", "3");
    let rt = Builder::new_multi_thread().build().unwrap();
    assert_eq!(rt.metrics().num_workers(), 3);
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    assert_eq!(rt.metrics().num_workers(), 2);

    std::env::set_var("EDDY_WORKER_THREADS", "zero");
    let result = std::panic::catch_unwind(|| Builder::new_multi_thread().build());
    let payload = result.expect_err("a bad value panics");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("EDDY_WORKER_THREADS must be a positive number"),
        "{message}"
    );
    std::env::remove_var("EDDY_WORKER_THREADS");
}
