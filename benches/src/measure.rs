//! Running a workload on every contender, interleaved, and summarising the
//! timings.
//!
//! For one workload, each contender's runtime is built first (untimed), then
//! warmed up; the warm-up also decides how many iterations make one sample
//! (the same count for every contender). Then, for each sample, every
//! contender runs that many iterations back to back, and the order of the
//! contenders changes from one sample to the next (see [`running_order`]) so
//! none always goes first.
//!
//! A contender that panics (say, a feature eddy does not have yet) is
//! reported as failed for that workload; the others carry on.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::suite::{Contender, Runner, Workload};

/// How much to measure.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Samples per contender per workload.
    pub(crate) samples: usize,
    /// Untimed iterations per contender before sampling starts.
    pub(crate) warmup_iterations: u32,
    /// Wall time one sample should take; decides iterations per sample.
    pub(crate) target_sample_time: Duration,
    /// Upper bound on iterations per sample.
    pub(crate) max_iterations_per_sample: u32,
}

/// The timings of one workload.
pub(crate) struct Measurement {
    /// Iterations each contender ran per sample.
    pub(crate) iterations_per_sample: u32,
    /// Indexed by [`Contender::index`]: nanoseconds per iteration, one entry
    /// per sample in sample order, or why the contender failed.
    pub(crate) per_contender: [Result<Vec<f64>, String>; 3],
}

impl Measurement {
    /// Per-sample nanoseconds per iteration of `contender`, if it succeeded.
    pub(crate) fn samples(&self, contender: Contender) -> Result<&[f64], &str> {
        match &self.per_contender[contender.index()] {
            Ok(samples) => Ok(samples),
            Err(reason) => Err(reason),
        }
    }

    /// Summary of `contender`'s samples, if it succeeded.
    pub(crate) fn summary(&self, contender: Contender) -> Option<Summary> {
        self.samples(contender).ok().and_then(Summary::of)
    }

    /// Median over samples of `numerator`'s time divided by `denominator`'s
    /// time in the same sample. Pairing by sample cancels slow drifts of the
    /// machine (frequency, other load), which hit both alike.
    pub(crate) fn paired_ratio(&self, numerator: Contender, denominator: Contender) -> Option<f64> {
        let numerators = self.samples(numerator).ok()?;
        let denominators = self.samples(denominator).ok()?;
        let ratios: Vec<f64> = numerators
            .iter()
            .zip(denominators)
            .map(|(top, bottom)| top / bottom)
            .collect();
        Summary::of(&ratios).map(|summary| summary.median)
    }
}

/// Order statistics of a set of samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Summary {
    /// First quartile.
    pub(crate) lower_quartile: f64,
    /// Median.
    pub(crate) median: f64,
    /// Third quartile.
    pub(crate) upper_quartile: f64,
}

impl Summary {
    /// Quartiles of `values` (linear interpolation between ranks); `None`
    /// if there are no values.
    pub(crate) fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            lower_quartile: quantile(&sorted, 0.25),
            median: quantile(&sorted, 0.5),
            upper_quartile: quantile(&sorted, 0.75),
        })
    }

    /// Interquartile range relative to the median: a rough noise figure.
    pub(crate) fn relative_spread(&self) -> f64 {
        (self.upper_quartile - self.lower_quartile) / self.median
    }
}

/// The `q`-quantile of non-empty, sorted `sorted`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = q * (sorted.len() - 1) as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    let weight = rank - below as f64;
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

/// The contenders in the order they run in sample number `sample`.
///
/// Samples cycle through all six orders: the three rotations of the table
/// order, then the three rotations of its reverse. So every contender goes
/// first, second and last equally often, and also runs right after each of
/// the other two equally often (whatever a runtime leaves behind, such as
/// busy blocking-pool threads or cold caches, hits everyone alike).
pub(crate) fn running_order(sample: usize) -> [Contender; 3] {
    let contenders = Contender::ALL.len();
    let mut order = Contender::ALL;
    if sample / contenders % 2 == 1 {
        order.reverse();
    }
    order.rotate_left(sample % contenders);
    order
}

/// Measures `workload` on every contender as described in the module docs.
pub(crate) fn measure(workload: &Workload, settings: &Settings) -> Measurement {
    let mut per_contender: [Result<Vec<f64>, String>; 3] =
        Contender::ALL.map(|_| Ok(Vec::with_capacity(settings.samples)));
    let mut runners: [Option<Runner>; 3] = Contender::ALL.map(|contender| {
        let setup = workload.setup;
        match catch_panic(|| setup(contender)) {
            Ok(runner) => Some(runner),
            Err(reason) => {
                per_contender[contender.index()] = Err(format!("setup panicked: {reason}"));
                None
            }
        }
    });

    let mut slowest_warmup = Duration::ZERO;
    for contender in Contender::ALL {
        let Some(runner) = runners[contender.index()].as_mut() else {
            continue;
        };
        let mut fastest = None::<Duration>;
        for _ in 0..settings.warmup_iterations {
            match time_iterations(runner, 1) {
                Ok(elapsed) => fastest = Some(fastest.map_or(elapsed, |best| best.min(elapsed))),
                Err(reason) => {
                    fail(&mut runners, &mut per_contender, contender, reason);
                    break;
                }
            }
        }
        slowest_warmup = slowest_warmup.max(fastest.unwrap_or_default());
    }
    let iterations_per_sample = iterations_for(slowest_warmup, settings);

    for sample in 0..settings.samples {
        for contender in running_order(sample) {
            let Some(runner) = runners[contender.index()].as_mut() else {
                continue;
            };
            match time_iterations(runner, iterations_per_sample) {
                Ok(elapsed) => {
                    let nanos_per_iteration =
                        elapsed.as_nanos() as f64 / f64::from(iterations_per_sample);
                    if let Ok(samples) = &mut per_contender[contender.index()] {
                        samples.push(nanos_per_iteration);
                    }
                }
                Err(reason) => fail(&mut runners, &mut per_contender, contender, reason),
            }
        }
    }

    for runner in runners.into_iter().flatten() {
        drop_runner(runner);
    }
    Measurement {
        iterations_per_sample,
        per_contender,
    }
}

/// Iterations per sample so that a sample lasts about
/// `settings.target_sample_time`, given one iteration of the slowest
/// contender took `slowest_iteration`.
fn iterations_for(slowest_iteration: Duration, settings: &Settings) -> u32 {
    if slowest_iteration.is_zero() {
        return 1;
    }
    let wanted = settings.target_sample_time.as_nanos() / slowest_iteration.as_nanos();
    u32::try_from(wanted)
        .unwrap_or(u32::MAX)
        .clamp(1, settings.max_iterations_per_sample.max(1))
}

/// Runs `runner` `iterations` times and returns the total wall time, or the
/// panic message if it panicked.
fn time_iterations(runner: &mut Runner, iterations: u32) -> Result<Duration, String> {
    catch_panic(|| {
        let start = Instant::now();
        for _ in 0..iterations {
            runner();
        }
        start.elapsed()
    })
}

/// Marks `contender` as failed with `reason` and discards its runner.
fn fail(
    runners: &mut [Option<Runner>; 3],
    per_contender: &mut [Result<Vec<f64>, String>; 3],
    contender: Contender,
    reason: String,
) {
    per_contender[contender.index()] = Err(format!("panicked: {reason}"));
    if let Some(runner) = runners[contender.index()].take() {
        drop_runner(runner);
    }
}

/// Drops a runner (and so its runtime), containing any panic from doing so.
fn drop_runner(runner: Runner) {
    if let Err(reason) = catch_panic(move || drop(runner)) {
        eprintln!("  (dropping a runtime panicked: {reason})");
    }
}

/// Runs `work`, turning a panic into its message.
fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| panic_message(&*payload))
}

/// The text of a panic payload, when it has one.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "non-text panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_between_ranks() {
        let summary = Summary::of(&[4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!(summary.median, 3.0);
        assert_eq!(summary.lower_quartile, 2.0);
        assert_eq!(summary.upper_quartile, 4.0);
        assert_eq!(Summary::of(&[1.0, 2.0]).unwrap().median, 1.5);
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn orders_are_balanced_over_six_samples() {
        let mut position_counts = [[0; 3]; 3];
        let mut follows_counts = [[0; 3]; 3];
        for sample in 0..6 {
            let order = running_order(sample);
            for (position, contender) in order.iter().enumerate() {
                position_counts[contender.index()][position] += 1;
            }
            for pair in order.windows(2) {
                follows_counts[pair[1].index()][pair[0].index()] += 1;
            }
        }
        assert_eq!(position_counts, [[2; 3]; 3]);
        assert_eq!(follows_counts, [[0, 2, 2], [2, 0, 2], [2, 2, 0]]);
    }

    #[test]
    fn panics_become_messages() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        let caught = catch_panic(|| -> u8 { panic!("boom {}", 1) });
        assert_eq!(caught, Err("boom 1".to_owned()));
        let caught = catch_panic(|| -> u8 { panic!("static boom") });
        assert_eq!(caught, Err("static boom".to_owned()));
    }
}
