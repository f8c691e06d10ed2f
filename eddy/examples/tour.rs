//! A first look at eddy: run this before anything else.
//!
//! ```text
//! cargo run --release --example tour
//! ```
//!
//! It builds a runtime, spawns and joins tasks, aborts one, sends blocking work to the blocking
//! pool, shows what a panicking task looks like from the outside, collects results with a
//! `JoinSet` in the order tasks finish, sleeps, gives up on a future with a timeout and ticks an
//! interval, echoes bytes over a loopback TCP connection, runs `!Send` tasks in a `LocalSet` and on a `LocalRuntime`, spreads work over the
//! multi-thread runtime, and prints what happened.

use eddy::runtime::{Builder, LocalRuntime};
use eddy::task::{self, JoinSet, LocalSet};
use eddy::time::{self, Duration};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

fn main() {
    let rt = Builder::new_current_thread()
        .name("tour")
        .thread_name("tour-blocking")
        // Timers need the time driver (section 8), sockets the IO driver (section 9).
        .enable_time()
        .enable_io()
        .build()
        .expect("failed to build the runtime");
    println!(
        "runtime {:?} (id {}, flavor {:?})",
        rt.handle().name().unwrap_or("unnamed"),
        rt.handle().id(),
        rt.handle().runtime_flavor()
    );

    rt.block_on(async {
        // 1. Spawn tasks and join them: each runs concurrently with this block.
        let started = Instant::now();
        let squares: Vec<_> = (1..=5u64)
            .map(|n| eddy::spawn(async move { n * n }))
            .collect();
        let mut sum = 0;
        for handle in squares {
            sum += handle.await.expect("a square task failed");
        }
        println!("joined 5 tasks: sum of squares = {sum}");

        // 2. Many small tasks: spawning is cheap.
        let many: Vec<_> = (0..10_000u64)
            .map(|n| eddy::spawn(async move { n }))
            .collect();
        let mut total = 0;
        for handle in many {
            total += handle.await.unwrap();
        }
        println!(
            "spawned and joined 10,000 tasks (sum {total}) in {:?}",
            started.elapsed()
        );

        // 3. Abort a task that would never finish.
        let stuck = eddy::spawn(std::future::pending::<()>());
        let id = stuck.id();
        stuck.abort();
        let err = stuck.await.unwrap_err();
        println!(
            "aborted task {id}: is_cancelled = {} ({err})",
            err.is_cancelled()
        );

        // 4. Blocking work runs on the blocking pool, not on the scheduler thread.
        let blocking = task::spawn_blocking(|| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("?").to_string();
            let sum: u64 = (1..=1_000_000u64).sum();
            (name, sum)
        });
        let (thread, sum) = blocking.await.unwrap();
        println!("spawn_blocking ran on thread {thread:?} and summed to {sum}");

        // 5. A panicking task does not take the runtime down; its JoinHandle reports it.
        //    (The default panic hook would print the panic too; silence it for this demo.)
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let panicky = eddy::spawn(async { panic!("boom") });
        let err = panicky.await.unwrap_err();
        std::panic::set_hook(default_hook);
        println!("a task panicked and the runtime carried on: {err}");

        // 6. Tasks take turns: yield_now lets the others run.
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let yielders: Vec<_> = (0..3)
            .map(|_| {
                let counter = counter.clone();
                eddy::spawn(async move {
                    for _ in 0..100 {
                        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        task::yield_now().await;
                    }
                })
            })
            .collect();
        for handle in yielders {
            handle.await.unwrap();
        }
        println!(
            "3 tasks yielded 100 times each: {} steps in all",
            counter.load(std::sync::atomic::Ordering::Relaxed)
        );
    });

    // 7. A JoinSet hands results back in the order the tasks finish, not the order they were
    //    spawned: the task spawned first yields the most, so it finishes last.
    rt.block_on(async {
        let mut set = JoinSet::new();
        for (name, yields) in [
            ("spawned first", 30),
            ("spawned second", 20),
            ("spawned third", 10),
        ] {
            set.spawn(async move {
                for _ in 0..yields {
                    task::yield_now().await;
                }
                name
            });
        }
        let mut order = Vec::new();
        while let Some(done) = set.join_next().await {
            order.push(done.unwrap());
        }
        println!("a JoinSet returned results as they finished: {order:?}");
    });

    // 8. Timers: sleep, give up on a future that takes too long, tick at a fixed period.
    rt.block_on(async {
        let started = Instant::now();
        time::sleep(Duration::from_millis(20)).await;
        println!("slept 20 ms (took {:?})", started.elapsed());

        let never_done = std::future::pending::<()>();
        match time::timeout(Duration::from_millis(10), never_done).await {
            Ok(()) => println!("the future completed in time"),
            Err(elapsed) => println!("gave up on a future after 10 ms: {elapsed}"),
        }

        // An interval returns the instants its ticks were scheduled for, so the offsets are
        // exact however late the ticks are noticed. The first tick completes at once.
        let mut interval = time::interval(Duration::from_millis(10));
        let first = interval.tick().await;
        let mut offsets = Vec::new();
        for _ in 0..3 {
            offsets.push(interval.tick().await - first);
        }
        println!("an interval ticked {offsets:?} after its first tick");
    });

    // 9. TCP over loopback: an echo server task, and a client that talks to it.
    rt.block_on(async {
        use futures::io::{AsyncReadExt, AsyncWriteExt};

        let listener = eddy::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        eddy::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept a connection");
            let mut buf = [0u8; 64];
            loop {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        if socket.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut client = eddy::net::TcpStream::connect(addr)
            .await
            .expect("connect to the echo server");
        let mut echoed = Vec::new();
        for word in ["hello", " ", "eddy"] {
            client.write_all(word.as_bytes()).await.expect("send");
            let mut buf = vec![0u8; word.len()];
            client.read_exact(&mut buf).await.expect("receive the echo");
            echoed.extend_from_slice(&buf);
        }
        println!(
            "a TCP echo server on {addr} sent back {:?}",
            String::from_utf8_lossy(&echoed)
        );
    });

    // 10. `!Send` futures (here: sharing an `Rc<RefCell<..>>`) run in a `LocalSet`, on this
    //    thread, next to the runtime's other tasks.
    let local = LocalSet::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    local.block_on(&rt, async {
        let writers: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|name| {
                let log = log.clone();
                task::spawn_local(async move {
                    for step in 0..2 {
                        log.borrow_mut().push(format!("{name}{step}"));
                        task::yield_now().await;
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
    });
    println!("a LocalSet interleaved 3 !Send tasks: {:?}", log.borrow());

    // Dropping the runtime cancels what is left and waits for running blocking work.
    drop(rt);
    println!("runtime shut down cleanly");

    // 11. A LocalRuntime is a current-thread runtime that takes `!Send` tasks directly.
    let local_rt = LocalRuntime::new().expect("failed to build the local runtime");
    let counter = Rc::new(RefCell::new(0));
    let bumps: Vec<_> = (0..4)
        .map(|_| {
            let counter = counter.clone();
            local_rt.spawn_local(async move { *counter.borrow_mut() += 1 })
        })
        .collect();
    local_rt.block_on(async {
        for bump in bumps {
            bump.await.unwrap();
        }
    });
    println!(
        "a LocalRuntime ran 4 !Send tasks: counter = {}",
        counter.borrow()
    );

    // 12. The multi-thread runtime spreads tasks over worker threads that steal from each other.
    let mt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tour-worker")
        .build()
        .expect("failed to build the multi-thread runtime");
    let threads = mt.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..64 {
            set.spawn(async {
                // Some work (black_box keeps it from being folded away), then report which
                // worker ran it.
                let sum: u64 = (0..200_000u64).map(std::hint::black_box).sum();
                task::yield_now().await;
                (sum, std::thread::current().id())
            });
        }
        let mut threads = std::collections::HashSet::new();
        while let Some(done) = set.join_next().await {
            threads.insert(done.unwrap().1);
        }
        threads.len()
    });
    println!("the multi-thread runtime ran 64 tasks on {threads} worker thread(s)");
}
