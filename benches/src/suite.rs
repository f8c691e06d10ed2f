//! The list of workloads: what each one measures, how big it is, and how to
//! set it up on each contender.
//!
//! Every workload exists once per contender. For eddy and tokio the code is
//! literally the same (see [`crate::tokio_api`]); smol gets a hand-written
//! equivalent in [`crate::smol_rt`].
//!
//! Adding a multi-thread variant means: a `multi_thread()` constructor next
//! to `current_thread()` in [`crate::tokio_api`], an `Executor`-with-threads
//! version in [`crate::smol_rt`], a `Flavor::MultiThread` variant here, and
//! new entries in [`all`] that pass the multi-thread runtime to the same
//! workload functions.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::smol_mt;
use crate::smol_rt;
use crate::tcp::{self, eddy_tcp, tokio_tcp, SmolPlace};
use crate::tokio_api::{eddy_rt, tokio_rt};

/// Tasks spawned (and awaited) by `spawn_many_local` and the `spawn_many_remote_*` workloads.
pub(crate) const SPAWN_MANY_TASKS: usize = 10_000;
/// Tasks in `yield_many`.
pub(crate) const YIELD_TASKS: usize = 200;
/// `yield_now` calls made by each task of `yield_many`.
pub(crate) const YIELDS_PER_TASK: usize = 500;
/// Ping-pong exchanges in `ping_pong` (each one spawns two tasks).
pub(crate) const PING_PONGS: usize = 1_000;
/// Length of the spawn chain in `chained_spawn`.
pub(crate) const CHAIN_LENGTH: usize = 1_000;
/// Blocking closures in `spawn_blocking`.
pub(crate) const BLOCKING_CALLS: usize = 1_000;
/// Tasks spawned from a foreign thread in `remote_spawn`.
pub(crate) const REMOTE_TASKS: usize = 10_000;
/// Tasks that keep the workers busy in `spawn_many_remote_busy`: two per worker, as in Tokio's
/// `rt_multi_threaded` bench, so a worker that finishes a yield still finds one to run.
pub(crate) const BUSY_TASKS: usize = 2 * MULTI_THREAD_WORKERS;
/// Worker threads of the multi-thread contenders: one per core of the reference machine.
pub(crate) const MULTI_THREAD_WORKERS: usize = 2;
/// Tasks in `timers_sleep_many`, each sleeping once.
pub(crate) const SLEEPING_TASKS: usize = 100_000;
/// Shortest sleep of `timers_sleep_many`, in microseconds.
const SLEEP_MIN_MICROS: u64 = 1_000;
/// Longest sleep of `timers_sleep_many`, in microseconds.
const SLEEP_MAX_MICROS: u64 = 5_000;
/// Seed of the generator that draws the sleeps of `timers_sleep_many`: every contender and every
/// run sleeps the same durations.
const SLEEP_SEED: u64 = 0x5EED_71E5;
/// `timeout` calls (each on a future that is already ready) in `timers_timeout_ready`.
pub(crate) const READY_TIMEOUTS: usize = 1_000_000;
/// Timers created and dropped unpolled in `timers_sleep_create_drop`.
pub(crate) const DROPPED_SLEEPS: usize = 1_000_000;
/// The duration of the timers that never fire (the timeouts of `timers_timeout_ready`, the
/// sleeps of `timers_sleep_create_drop`): far enough out that no run reaches it.
pub(crate) const UNFIRED_TIMER: Duration = Duration::from_secs(3_600);

/// Connections of `tcp_echo`.
pub(crate) const ECHO_CONNECTIONS: usize = 50;
/// Round trips each connection of `tcp_echo` makes per iteration.
pub(crate) const ECHO_ROUND_TRIPS: usize = 2_000;
/// Bytes per message of `tcp_echo`.
pub(crate) const ECHO_MESSAGE: usize = 64;
/// Bytes sent over the one connection of `tcp_stream` per iteration.
pub(crate) const STREAM_BYTES: usize = 256 << 20;
/// Bytes per write of `tcp_stream`.
pub(crate) const STREAM_CHUNK: usize = 64 << 10;

/// The sleeps of `timers_sleep_many`: `SLEEPING_TASKS` durations drawn uniformly, to the
/// microsecond, from 1 to 5 ms, by a generator with a fixed seed. Drawn once per set-up,
/// outside the timed region.
pub(crate) fn sleep_durations() -> Arc<[Duration]> {
    let mut rng = fastrand::Rng::with_seed(SLEEP_SEED);
    (0..SLEEPING_TASKS)
        .map(|_| Duration::from_micros(rng.u64(SLEEP_MIN_MICROS..=SLEEP_MAX_MICROS)))
        .collect()
}

/// One prepared run of a workload on one contender: the runtime (or
/// executor) is built when the `Runner` is created, and each call runs the
/// workload once to completion.
pub(crate) type Runner = Box<dyn FnMut()>;

/// A runtime under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Contender {
    /// This project.
    Eddy,
    /// The reference: ratios are relative to tokio.
    Tokio,
    /// smol, driven through `async-executor`.
    Smol,
}

impl Contender {
    /// All contenders, in the order they appear in the table.
    pub(crate) const ALL: [Contender; 3] = [Contender::Eddy, Contender::Tokio, Contender::Smol];

    /// Lower-case name, as printed in the table.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Contender::Eddy => "eddy",
            Contender::Tokio => "tokio",
            Contender::Smol => "smol",
        }
    }

    /// Position of this contender in [`Contender::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Contender::Eddy => 0,
            Contender::Tokio => 1,
            Contender::Smol => 2,
        }
    }
}

/// Which kind of scheduler a workload runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `Builder::new_current_thread()` for eddy and tokio, `LocalExecutor`
    /// (or a single `Executor::run`) on the calling thread for smol.
    CurrentThread,
    /// `Builder::new_multi_thread()` with `MULTI_THREAD_WORKERS` workers for
    /// eddy and tokio; an `Executor` run by as many threads for smol. The
    /// calling thread only waits, in every case.
    MultiThread,
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flavor::CurrentThread => f.write_str("current_thread"),
            Flavor::MultiThread => f.write_str("multi_thread"),
        }
    }
}

/// One benchmark, available on every contender.
pub(crate) struct Workload {
    /// Name used in the table and matched by the command-line filter.
    pub(crate) name: &'static str,
    /// Scheduler kind.
    pub(crate) flavor: Flavor,
    /// How many elementary operations one iteration performs.
    pub(crate) ops_per_iteration: usize,
    /// What one of those operations is ("task", "yield", ...).
    pub(crate) op_unit: &'static str,
    /// Builds the runtime for `contender` and returns the prepared workload.
    pub(crate) setup: fn(Contender) -> Runner,
}

impl Workload {
    /// Name with the flavor, e.g. `current_thread/spawn_many_local`; this is
    /// what the filter matches against.
    pub(crate) fn full_name(&self) -> String {
        format!("{}/{}", self.flavor, self.name)
    }
}

/// Every workload, in the order they run and are printed.
pub(crate) fn all() -> Vec<Workload> {
    vec![
        Workload {
            name: "spawn_many_local",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: SPAWN_MANY_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::spawn_many_local(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::spawn_many_local(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::spawn_many_local(),
            },
        },
        Workload {
            name: "yield_many",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: YIELD_TASKS * YIELDS_PER_TASK,
            op_unit: "yield",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::yield_many(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::yield_many(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::yield_many(),
            },
        },
        Workload {
            name: "ping_pong",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: PING_PONGS,
            op_unit: "ping-pong",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::ping_pong(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::ping_pong(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::ping_pong(),
            },
        },
        Workload {
            name: "chained_spawn",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: CHAIN_LENGTH,
            op_unit: "spawn",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::chained_spawn(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::chained_spawn(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::chained_spawn(),
            },
        },
        Workload {
            name: "spawn_blocking",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: BLOCKING_CALLS,
            op_unit: "call",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::spawn_blocking(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::spawn_blocking(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::spawn_blocking(),
            },
        },
        Workload {
            name: "local_spawn_many",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: SPAWN_MANY_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::local_spawn_many(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::local_spawn_many(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::local_spawn_many(),
            },
        },
        Workload {
            name: "local_yield_many",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: YIELD_TASKS * YIELDS_PER_TASK,
            op_unit: "yield",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::local_yield_many(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::local_yield_many(tokio_rt::current_thread()),
                // A `LocalExecutor` is smol's only kind of local executor: the same
                // workload as `yield_many`.
                Contender::Smol => smol_rt::yield_many(),
            },
        },
        Workload {
            name: "remote_spawn",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: REMOTE_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::remote_spawn(eddy_rt::current_thread()),
                Contender::Tokio => tokio_rt::remote_spawn(tokio_rt::current_thread()),
                Contender::Smol => smol_rt::remote_spawn(),
            },
        },
        Workload {
            name: "timers_sleep_many",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: SLEEPING_TASKS,
            op_unit: "sleep",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::sleep_many(eddy_rt::current_thread_with_time()),
                Contender::Tokio => tokio_rt::sleep_many(tokio_rt::current_thread_with_time()),
                Contender::Smol => smol_rt::sleep_many(),
            },
        },
        Workload {
            name: "timers_timeout_ready",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: READY_TIMEOUTS,
            op_unit: "timeout",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::timeout_ready(eddy_rt::current_thread_with_time()),
                Contender::Tokio => tokio_rt::timeout_ready(tokio_rt::current_thread_with_time()),
                Contender::Smol => smol_rt::timeout_ready(),
            },
        },
        Workload {
            name: "timers_sleep_create_drop",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: DROPPED_SLEEPS,
            op_unit: "sleep",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::sleep_create_drop(eddy_rt::current_thread_with_time()),
                Contender::Tokio => {
                    tokio_rt::sleep_create_drop(tokio_rt::current_thread_with_time())
                }
                Contender::Smol => smol_rt::sleep_create_drop(),
            },
        },
        Workload {
            name: "spawn_many_local",
            flavor: Flavor::MultiThread,
            ops_per_iteration: SPAWN_MANY_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::spawn_many_local(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::spawn_many_local(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::spawn_many_local(),
            },
        },
        Workload {
            name: "spawn_many_remote_idle",
            flavor: Flavor::MultiThread,
            ops_per_iteration: SPAWN_MANY_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::spawn_many_remote_idle(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::spawn_many_remote_idle(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::spawn_many_remote_idle(),
            },
        },
        Workload {
            name: "spawn_many_remote_busy",
            flavor: Flavor::MultiThread,
            ops_per_iteration: SPAWN_MANY_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::spawn_many_remote_busy(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::spawn_many_remote_busy(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::spawn_many_remote_busy(),
            },
        },
        Workload {
            name: "yield_many",
            flavor: Flavor::MultiThread,
            ops_per_iteration: YIELD_TASKS * YIELDS_PER_TASK,
            op_unit: "yield",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::yield_many(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::yield_many(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::yield_many(),
            },
        },
        Workload {
            name: "ping_pong",
            flavor: Flavor::MultiThread,
            ops_per_iteration: PING_PONGS,
            op_unit: "ping-pong",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::ping_pong(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::ping_pong(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::ping_pong(),
            },
        },
        Workload {
            name: "chained_spawn",
            flavor: Flavor::MultiThread,
            ops_per_iteration: CHAIN_LENGTH,
            op_unit: "spawn",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::chained_spawn(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::chained_spawn(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::chained_spawn(),
            },
        },
        Workload {
            name: "spawn_blocking",
            flavor: Flavor::MultiThread,
            ops_per_iteration: BLOCKING_CALLS,
            op_unit: "call",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::spawn_blocking(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::spawn_blocking(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::spawn_blocking(),
            },
        },
        Workload {
            name: "remote_spawn",
            flavor: Flavor::MultiThread,
            ops_per_iteration: REMOTE_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::remote_spawn(eddy_rt::multi_thread()),
                Contender::Tokio => tokio_rt::remote_spawn(tokio_rt::multi_thread()),
                Contender::Smol => smol_mt::remote_spawn(),
            },
        },
        Workload {
            name: "remote_spawn_2_threads",
            flavor: Flavor::MultiThread,
            ops_per_iteration: REMOTE_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::remote_spawn_from(eddy_rt::multi_thread(), 2),
                Contender::Tokio => tokio_rt::remote_spawn_from(tokio_rt::multi_thread(), 2),
                Contender::Smol => smol_mt::remote_spawn_from(2),
            },
        },
        Workload {
            name: "remote_spawn_8_threads",
            flavor: Flavor::MultiThread,
            ops_per_iteration: REMOTE_TASKS,
            op_unit: "task",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::remote_spawn_from(eddy_rt::multi_thread(), 8),
                Contender::Tokio => tokio_rt::remote_spawn_from(tokio_rt::multi_thread(), 8),
                Contender::Smol => smol_mt::remote_spawn_from(8),
            },
        },
        Workload {
            name: "timers_sleep_many",
            flavor: Flavor::MultiThread,
            ops_per_iteration: SLEEPING_TASKS,
            op_unit: "sleep",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::sleep_many(eddy_rt::multi_thread_with_time()),
                Contender::Tokio => tokio_rt::sleep_many(tokio_rt::multi_thread_with_time()),
                Contender::Smol => smol_mt::sleep_many(),
            },
        },
        Workload {
            name: "timers_timeout_ready",
            flavor: Flavor::MultiThread,
            ops_per_iteration: READY_TIMEOUTS,
            op_unit: "timeout",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::timeout_ready(eddy_rt::multi_thread_with_time()),
                Contender::Tokio => tokio_rt::timeout_ready(tokio_rt::multi_thread_with_time()),
                Contender::Smol => smol_mt::timeout_ready(),
            },
        },
        Workload {
            name: "timers_sleep_create_drop",
            flavor: Flavor::MultiThread,
            ops_per_iteration: DROPPED_SLEEPS,
            op_unit: "sleep",
            setup: |contender| match contender {
                Contender::Eddy => eddy_rt::sleep_create_drop(eddy_rt::multi_thread_with_time()),
                Contender::Tokio => tokio_rt::sleep_create_drop(tokio_rt::multi_thread_with_time()),
                Contender::Smol => smol_mt::sleep_create_drop(),
            },
        },
        Workload {
            name: "tcp_echo",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: ECHO_CONNECTIONS * ECHO_ROUND_TRIPS,
            op_unit: "round trip",
            setup: |contender| match contender {
                Contender::Eddy => eddy_tcp::echo(eddy_tcp::current_thread()),
                Contender::Tokio => tokio_tcp::echo(tokio_tcp::current_thread()),
                Contender::Smol => tcp::smol_echo(SmolPlace::local()),
            },
        },
        Workload {
            name: "tcp_stream",
            flavor: Flavor::CurrentThread,
            ops_per_iteration: STREAM_BYTES >> 20,
            op_unit: "MiB",
            setup: |contender| match contender {
                Contender::Eddy => eddy_tcp::stream(eddy_tcp::current_thread()),
                Contender::Tokio => tokio_tcp::stream(tokio_tcp::current_thread()),
                Contender::Smol => tcp::smol_stream(SmolPlace::local()),
            },
        },
        Workload {
            name: "tcp_echo",
            flavor: Flavor::MultiThread,
            ops_per_iteration: ECHO_CONNECTIONS * ECHO_ROUND_TRIPS,
            op_unit: "round trip",
            setup: |contender| match contender {
                Contender::Eddy => eddy_tcp::echo(eddy_tcp::multi_thread()),
                Contender::Tokio => tokio_tcp::echo(tokio_tcp::multi_thread()),
                Contender::Smol => tcp::smol_echo(SmolPlace::pool()),
            },
        },
        Workload {
            name: "tcp_stream",
            flavor: Flavor::MultiThread,
            ops_per_iteration: STREAM_BYTES >> 20,
            op_unit: "MiB",
            setup: |contender| match contender {
                Contender::Eddy => eddy_tcp::stream(eddy_tcp::multi_thread()),
                Contender::Tokio => tokio_tcp::stream(tokio_tcp::multi_thread()),
                Contender::Smol => tcp::smol_stream(SmolPlace::pool()),
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_names_are_unique() {
        let mut names: Vec<String> = all().iter().map(Workload::full_name).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "two workloads share a name");
    }

    #[test]
    fn timer_workloads_run_on_both_flavors() {
        let names: Vec<String> = all().iter().map(Workload::full_name).collect();
        for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
            for workload in [
                "timers_sleep_many",
                "timers_timeout_ready",
                "timers_sleep_create_drop",
            ] {
                let name = format!("{flavor}/{workload}");
                assert!(names.contains(&name), "{name} is missing");
            }
        }
    }

    #[test]
    fn sleep_durations_are_fixed_and_in_range() {
        let durations = sleep_durations();
        assert_eq!(durations.len(), SLEEPING_TASKS);
        assert_eq!(durations, sleep_durations(), "the draw is not repeatable");
        let min = Duration::from_micros(SLEEP_MIN_MICROS);
        let max = Duration::from_micros(SLEEP_MAX_MICROS);
        assert!(durations.iter().all(|d| (min..=max).contains(d)));
        // Spread over the range, not stuck at one value.
        assert!(durations.iter().any(|d| *d < Duration::from_millis(2)));
        assert!(durations.iter().any(|d| *d > Duration::from_millis(4)));
    }

    #[test]
    fn multi_thread_spawns_locally_and_remotely() {
        let names: Vec<String> = all().iter().map(Workload::full_name).collect();
        for expected in [
            "multi_thread/spawn_many_local",
            "multi_thread/spawn_many_remote_idle",
            "multi_thread/spawn_many_remote_busy",
        ] {
            assert!(
                names.iter().any(|name| name == expected),
                "{expected} missing"
            );
        }
    }

    /// One iteration of each remote spawn-many workload on every contender: they finish
    /// (the countdowns reach zero, the busy tasks stop) and the runtimes shut down.
    #[test]
    fn spawn_many_remote_workloads_run_on_every_contender() {
        for workload in all()
            .into_iter()
            .filter(|workload| workload.name.starts_with("spawn_many_remote"))
        {
            for contender in Contender::ALL {
                let mut runner = (workload.setup)(contender);
                runner();
                drop(runner);
            }
        }
    }

    #[test]
    fn tcp_workloads_run_on_both_flavors() {
        let names: Vec<String> = all().iter().map(Workload::full_name).collect();
        for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
            for workload in ["tcp_echo", "tcp_stream"] {
                let name = format!("{flavor}/{workload}");
                assert!(names.contains(&name), "{name} is missing");
            }
        }
    }
}
