//! Poll-time histograms: what the user configures ([`HistogramConfiguration`], [`LogHistogram`]),
//! what a worker counts into (`HistogramBatch`, plain integers in its core) and what readers see
//! (`Histogram`, one per worker).
//!
//! Contract: a worker's `Histogram` is written only by that worker, when it flushes its
//! `MetricsBatch` (at a park and at maintenance, like every other worker counter), with plain
//! `Relaxed` stores of running totals; readers load with `Relaxed` and see the last flush. Timing
//! a poll touches only the batch, and a runtime built without the histogram has no batch
//! histogram at all, so a poll then pays one branch on an `Option`.
//!
//! # Bucket layouts
//! All values are nanoseconds.
//!
//! * Linear: `num_buckets` buckets of `bucket_width`; the last one also takes everything above.
//! * Log: an H2 histogram (Yang and Martin, "H2: a histogram with high precision and low cost",
//!   <https://iop.systems/blog/h2-histogram/>). Precision `p` means every power-of-two range
//!   `[2^h, 2^(h+1))` is cut into `2^p` equal buckets, so a bucket is at most `2^-p` of its lower
//!   bound wide (the relative error); values below `2^(p+1)` get a bucket each. Numbering those
//!   "raw" buckets from 0, a value `v >= 2^(p+1)` with `h = floor(log2 v)` falls in raw bucket
//!   `(h - p + 1) * 2^p + ((v - 2^h) >> (h - p))`: the group of its power of two, then its slice.
//!   Two changes make the raw buckets fit a poll time: every raw bucket below the one holding
//!   `min_value` folds into bucket 0 (nobody needs 100 buckets for polls under 100 ns), and every
//!   raw bucket above the one holding `max_value` folds into the last bucket (nothing is
//!   dropped). The legacy doubling histogram (`HistogramScale::Log`) is the case `p = 0`.

use crate::loom::{AtomicU64, Ordering};
use crate::util::error;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

/// The histogram [`Builder::enable_metrics_poll_time_histogram`] turns on unless told otherwise:
/// 10 linear buckets of 100 µs.
///
/// [`Builder::enable_metrics_poll_time_histogram`]: crate::runtime::Builder::enable_metrics_poll_time_histogram
const DEFAULT_BUCKET_WIDTH: Duration = Duration::from_micros(100);
const DEFAULT_NUM_BUCKETS: usize = 10;

/// `LogHistogram` defaults: 100 ns folds into bucket 0, 60 s and above into the last bucket,
/// 25% error (`p = 2`). That is 119 buckets.
const DEFAULT_LOG_MIN_VALUE: Duration = Duration::from_nanos(100);
const DEFAULT_LOG_MAX_VALUE: Duration = Duration::from_secs(60);
const DEFAULT_PRECISION: u32 = 2;
/// Above this a log histogram needs thousands of buckets per worker (2^p per power of two).
const MAX_PRECISION: u32 = 10;

/// The legacy poll-count histogram's resolution bounds (`metrics_poll_count_histogram_resolution`).
const MAX_LEGACY_RESOLUTION: Duration = Duration::from_secs(1);

/// How the buckets of the poll-time histogram are laid out: passed to
/// [`Builder::metrics_poll_time_histogram_configuration`].
///
/// ```
/// use eddy::runtime::{Builder, HistogramConfiguration, LogHistogram};
/// use std::time::Duration;
///
/// // Five buckets of 1 ms: [0, 1 ms), [1 ms, 2 ms), ... and [4 ms, ∞).
/// let linear = HistogramConfiguration::linear(Duration::from_millis(1), 5);
/// // Buckets that grow with the value, at most 10% wide.
/// let log = HistogramConfiguration::log(LogHistogram::builder().max_error(0.1));
///
/// let rt = Builder::new_current_thread()
///     .enable_metrics_poll_time_histogram()
///     .metrics_poll_time_histogram_configuration(linear)
///     .build()
///     .unwrap();
/// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 5);
/// # drop(log);
/// ```
///
/// [`Builder::metrics_poll_time_histogram_configuration`]: crate::runtime::Builder::metrics_poll_time_histogram_configuration
#[derive(Debug, Clone)]
pub struct HistogramConfiguration {
    layout: Layout,
}

impl HistogramConfiguration {
    /// `num_buckets` buckets, each `bucket_width` wide, starting at zero; the last bucket also
    /// counts every poll longer than the others cover.
    ///
    /// ```
    /// use eddy::runtime::{Builder, HistogramConfiguration};
    /// use std::time::Duration;
    ///
    /// let rt = Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(
    ///         Duration::from_micros(50),
    ///         4,
    ///     ))
    ///     .build()
    ///     .unwrap();
    /// let metrics = rt.metrics();
    /// let us = Duration::from_micros;
    /// assert_eq!(metrics.poll_time_histogram_bucket_range(1), us(50)..us(100));
    /// assert_eq!(metrics.poll_time_histogram_bucket_range(3).start, us(150));
    /// ```
    ///
    /// # Panics
    /// Panics when `bucket_width` is zero or `num_buckets` is 0.
    #[track_caller]
    pub fn linear(bucket_width: Duration, num_buckets: usize) -> HistogramConfiguration {
        assert!(
            !bucket_width.is_zero(),
            "{}",
            error::HISTOGRAM_BUCKET_WIDTH_ZERO
        );
        assert!(num_buckets > 0, "{}", error::HISTOGRAM_NO_BUCKETS);
        HistogramConfiguration {
            layout: Layout::Linear {
                bucket_width: duration_nanos(bucket_width),
                num_buckets,
            },
        }
    }

    /// Buckets that widen with the value, so short and long polls are both measured to within
    /// a chosen relative error (see [`LogHistogramBuilder`]); takes a [`LogHistogram`] or its
    /// builder.
    ///
    /// ```
    /// use eddy::runtime::{Builder, HistogramConfiguration, LogHistogram};
    /// use std::time::Duration;
    ///
    /// let config = HistogramConfiguration::log(
    ///     LogHistogram::builder()
    ///         .min_value(Duration::from_micros(10))
    ///         .max_value(Duration::from_secs(1))
    ///         .max_error(0.25),
    /// );
    /// let rt = Builder::new_multi_thread()
    ///     .worker_threads(1)
    ///     .enable_metrics_poll_time_histogram()
    ///     .metrics_poll_time_histogram_configuration(config)
    ///     .build()
    ///     .unwrap();
    /// let metrics = rt.metrics();
    /// let last = metrics.poll_time_histogram_num_buckets() - 1;
    /// assert_eq!(metrics.poll_time_histogram_bucket_range(0).start, Duration::ZERO);
    /// assert!(metrics.poll_time_histogram_bucket_range(last).start >= Duration::from_secs(1));
    /// ```
    pub fn log(configuration: impl Into<LogHistogram>) -> HistogramConfiguration {
        HistogramConfiguration {
            layout: Layout::Log(configuration.into()),
        }
    }

    /// What `enable_metrics_poll_time_histogram` alone gives.
    fn default_linear() -> HistogramConfiguration {
        HistogramConfiguration {
            layout: Layout::Linear {
                bucket_width: duration_nanos(DEFAULT_BUCKET_WIDTH),
                num_buckets: DEFAULT_NUM_BUCKETS,
            },
        }
    }
}

/// The scale of the legacy poll-count histogram
/// ([`Builder::metrics_poll_count_histogram_scale`]); new code passes a
/// [`HistogramConfiguration`] instead.
///
/// [`Builder::metrics_poll_count_histogram_scale`]: crate::runtime::Builder::metrics_poll_count_histogram_scale
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HistogramScale {
    /// Buckets of equal width (the resolution).
    Linear,
    /// Each bucket twice as wide as the one before; the first is the resolution rounded up to a
    /// power of two nanoseconds.
    Log,
}

/// A log-scaled (H2) layout for the poll-time histogram: bucket 0 covers `0..min_value`, the
/// last bucket covers `max_value` and up, and the buckets between are at most `2^-p` of their
/// lower bound wide. Build one with [`LogHistogram::builder`]; see [`LogHistogramBuilder`] for
/// the defaults.
///
/// ```
/// use eddy::runtime::LogHistogram;
/// use std::time::Duration;
///
/// let histogram = LogHistogram::builder().max_value(Duration::from_millis(10)).build();
/// // The last bucket starts at the end of the bucket holding 10 ms, a little above it.
/// assert!(histogram.max_value() >= 10_000_000);
/// assert!(histogram.max_value() <= 12_500_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogHistogram {
    num_buckets: usize,
    /// Precision: the relative error is at most `2^-p`.
    p: u32,
    /// Bucket `i >= 1` is raw bucket `bucket_offset + i` (module docs); bucket 0 gathers every
    /// raw bucket up to `bucket_offset`.
    bucket_offset: usize,
}

impl LogHistogram {
    /// A builder, with the defaults described at [`LogHistogramBuilder`].
    pub fn builder() -> LogHistogramBuilder {
        LogHistogramBuilder::default()
    }

    /// The smallest value (in nanoseconds) that lands in the last, open-ended bucket: every
    /// value below it is measured to within the histogram's error.
    pub fn max_value(&self) -> u64 {
        saturate(raw_start(self.p, self.bucket_offset + self.num_buckets - 1))
    }

    /// The legacy doubling layout: bucket 0 below `resolution` (rounded up to a power of two
    /// nanoseconds), then buckets that double, `num_buckets` in all.
    fn doubling(resolution: u64, num_buckets: usize) -> LogHistogram {
        let resolution = resolution.max(1).checked_next_power_of_two();
        let power = resolution.map_or(u64::BITS, u64::trailing_zeros) as usize;
        LogHistogram {
            num_buckets,
            p: 0,
            // With p = 0, raw bucket k + 1 is [2^k, 2^(k+1)).
            bucket_offset: power,
        }
    }

    fn num_buckets(&self) -> usize {
        self.num_buckets
    }

    fn bucket_of(&self, nanos: u64) -> usize {
        let raw = raw_index(self.p, nanos);
        if raw <= self.bucket_offset {
            0
        } else {
            (raw - self.bucket_offset).min(self.num_buckets - 1)
        }
    }

    fn bucket_range(&self, bucket: usize) -> Range<u64> {
        let start = if bucket == 0 {
            0
        } else {
            saturate(raw_start(self.p, self.bucket_offset + bucket))
        };
        let end = if bucket + 1 == self.num_buckets {
            u64::MAX
        } else {
            saturate(raw_start(self.p, self.bucket_offset + bucket + 1))
        };
        start..end
    }
}

impl Default for LogHistogram {
    fn default() -> LogHistogram {
        LogHistogramBuilder::default().build()
    }
}

impl From<LogHistogramBuilder> for LogHistogram {
    fn from(builder: LogHistogramBuilder) -> LogHistogram {
        builder.build()
    }
}

/// Configures a [`LogHistogram`].
///
/// Defaults: `min_value` 100 ns, `max_value` 60 s (the last bucket starts a little above it, at
/// about 60.1 s), `max_error` 25% (`p = 2`): 119 buckets.
///
/// ```
/// use eddy::runtime::LogHistogram;
/// use std::time::Duration;
///
/// let mut builder = LogHistogram::builder()
///     .min_value(Duration::from_micros(1))
///     .max_value(Duration::from_millis(100))
///     .max_error(0.05);
/// // Finer precision costs buckets; `max_buckets` refuses a layout that needs too many.
/// assert!(builder.max_buckets(100).is_err());
/// let histogram = builder.max_buckets(600).unwrap();
/// assert!(histogram.max_value() >= 100_000_000);
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct LogHistogramBuilder {
    max_value: Option<Duration>,
    min_value: Option<Duration>,
    precision: Option<u32>,
}

impl LogHistogramBuilder {
    /// The largest relative error a bucket may make: the smallest precision `p` (at least 2, at
    /// most 10) with `2^-p <= max_error` is used, so the real bound may be tighter.
    ///
    /// # Panics
    /// Panics unless `0 < max_error < 1`.
    #[track_caller]
    pub fn max_error(mut self, max_error: f64) -> Self {
        assert!(
            max_error > 0.0,
            "{}",
            error::HISTOGRAM_MAX_ERROR_NOT_POSITIVE
        );
        assert!(
            max_error < 1.0,
            "{}",
            error::HISTOGRAM_MAX_ERROR_NOT_BELOW_ONE
        );
        let mut p = DEFAULT_PRECISION;
        while p < MAX_PRECISION && 0.5f64.powi(p as i32) > max_error {
            p += 1;
        }
        self.precision = Some(p);
        self
    }

    /// The precision `p` itself: buckets at most `2^-p` of their lower bound wide. `p = 0`
    /// gives buckets that double, like the legacy [`HistogramScale::Log`].
    ///
    /// # Panics
    /// Panics when `p` is above 10.
    #[track_caller]
    pub fn precision_exact(mut self, p: u32) -> Self {
        assert!(
            p <= MAX_PRECISION,
            "{}",
            error::HISTOGRAM_PRECISION_TOO_HIGH
        );
        self.precision = Some(p);
        self
    }

    /// Polls shorter than this (rounded down to a bucket boundary) all land in bucket 0.
    pub fn min_value(mut self, duration: Duration) -> Self {
        self.min_value = Some(duration);
        self
    }

    /// Polls at least this long (rounded up to a bucket boundary) all land in the last bucket.
    ///
    /// # Panics
    /// Panics when `duration` is zero.
    #[track_caller]
    pub fn max_value(mut self, duration: Duration) -> Self {
        assert!(!duration.is_zero(), "{}", error::HISTOGRAM_MAX_VALUE_ZERO);
        self.max_value = Some(duration);
        self
    }

    /// Builds the histogram, or says how many buckets it would need when that is more than
    /// `max_buckets`.
    ///
    /// # Panics
    /// Panics when `min_value` is above `max_value`.
    #[track_caller]
    pub fn max_buckets(
        &mut self,
        max_buckets: usize,
    ) -> Result<LogHistogram, InvalidHistogramConfiguration> {
        let histogram = self.build();
        if histogram.num_buckets > max_buckets {
            return Err(InvalidHistogramConfiguration::TooManyBuckets {
                required_bucket_count: histogram.num_buckets,
            });
        }
        Ok(histogram)
    }

    /// Builds the histogram, however many buckets it needs (see [`max_buckets`](Self::max_buckets)).
    ///
    /// # Panics
    /// Panics when `min_value` is above `max_value`.
    #[track_caller]
    pub fn build(&self) -> LogHistogram {
        let min = self.min_value.unwrap_or(DEFAULT_LOG_MIN_VALUE);
        let max = self.max_value.unwrap_or(DEFAULT_LOG_MAX_VALUE);
        if min > max {
            error::histogram_min_above_max(min, max);
        }
        let p = self.precision.unwrap_or(DEFAULT_PRECISION);
        // Raw index 0 is [0, 1): a minimum of zero still leaves bucket 0 that one nanosecond.
        let bucket_offset = raw_index(p, duration_nanos(min).max(1)) - 1;
        let last_raw = raw_index(p, duration_nanos(max));
        LogHistogram {
            // Bucket 0, raw buckets bucket_offset + 1 ..= last_raw, and the open-ended one.
            num_buckets: last_raw - bucket_offset + 2,
            p,
            bucket_offset,
        }
    }
}

/// Why a [`LogHistogramBuilder`] refused to build.
#[derive(Debug)]
pub enum InvalidHistogramConfiguration {
    /// The layout needs more buckets than [`LogHistogramBuilder::max_buckets`] allowed.
    TooManyBuckets {
        /// How many it needs.
        required_bucket_count: usize,
    },
}

impl fmt::Display for InvalidHistogramConfiguration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidHistogramConfiguration::TooManyBuckets {
                required_bucket_count,
            } => write!(
                f,
                "{} {required_bucket_count} buckets",
                error::HISTOGRAM_TOO_MANY_BUCKETS
            ),
        }
    }
}

impl std::error::Error for InvalidHistogramConfiguration {}

/// What the builder collected about the poll-time histogram; `layout()` is what the runtime
/// uses (`None`: no histogram).
#[derive(Debug, Clone)]
pub(crate) struct PollTimeHistogramSettings {
    enabled: bool,
    configuration: HistogramConfiguration,
    /// Set by the deprecated `metrics_poll_count_histogram_*` setters. Once any of them is
    /// called, their settings replace `configuration`, whichever came last: Tokio behaves so,
    /// and a program that still uses them expects what they say.
    legacy: Option<LegacySettings>,
}

#[derive(Debug, Clone, Copy)]
struct LegacySettings {
    scale: HistogramScale,
    resolution: u64,
    num_buckets: usize,
}

impl Default for LegacySettings {
    fn default() -> LegacySettings {
        LegacySettings {
            scale: HistogramScale::Linear,
            resolution: duration_nanos(DEFAULT_BUCKET_WIDTH),
            num_buckets: DEFAULT_NUM_BUCKETS,
        }
    }
}

impl Default for PollTimeHistogramSettings {
    fn default() -> PollTimeHistogramSettings {
        PollTimeHistogramSettings {
            enabled: false,
            configuration: HistogramConfiguration::default_linear(),
            legacy: None,
        }
    }
}

impl PollTimeHistogramSettings {
    pub(crate) fn enable(&mut self) {
        self.enabled = true;
    }

    pub(crate) fn set_configuration(&mut self, configuration: HistogramConfiguration) {
        self.configuration = configuration;
    }

    pub(crate) fn set_legacy_scale(&mut self, scale: HistogramScale) {
        self.legacy.get_or_insert_with(Default::default).scale = scale;
    }

    #[track_caller]
    pub(crate) fn set_legacy_resolution(&mut self, resolution: Duration) {
        assert!(
            !resolution.is_zero() && resolution <= MAX_LEGACY_RESOLUTION,
            "{}",
            error::HISTOGRAM_RESOLUTION_OUT_OF_RANGE
        );
        self.legacy.get_or_insert_with(Default::default).resolution = duration_nanos(resolution);
    }

    #[track_caller]
    pub(crate) fn set_legacy_buckets(&mut self, num_buckets: usize) {
        assert!(num_buckets > 0, "{}", error::HISTOGRAM_NO_BUCKETS);
        self.legacy.get_or_insert_with(Default::default).num_buckets = num_buckets;
    }

    /// The layout each worker's histogram gets, if the histogram is on.
    pub(crate) fn layout(&self) -> Option<Layout> {
        if !self.enabled {
            return None;
        }
        Some(match self.legacy {
            None => self.configuration.layout,
            Some(legacy) => match legacy.scale {
                HistogramScale::Linear => Layout::Linear {
                    bucket_width: legacy.resolution,
                    num_buckets: legacy.num_buckets,
                },
                HistogramScale::Log => Layout::Log(LogHistogram::doubling(
                    legacy.resolution,
                    legacy.num_buckets,
                )),
            },
        })
    }
}

/// A bucket layout (module docs), in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Linear {
        bucket_width: u64,
        num_buckets: usize,
    },
    Log(LogHistogram),
}

impl Layout {
    pub(crate) fn num_buckets(&self) -> usize {
        match self {
            Layout::Linear { num_buckets, .. } => *num_buckets,
            Layout::Log(log) => log.num_buckets(),
        }
    }

    /// The bucket a poll of `nanos` lands in.
    fn bucket_of(&self, nanos: u64) -> usize {
        match self {
            Layout::Linear {
                bucket_width,
                num_buckets,
            } => usize::try_from(nanos / bucket_width)
                .unwrap_or(usize::MAX)
                .min(num_buckets - 1),
            Layout::Log(log) => log.bucket_of(nanos),
        }
    }

    /// The values bucket `bucket` counts; the last bucket ends at `u64::MAX`.
    pub(crate) fn bucket_range(&self, bucket: usize) -> Range<u64> {
        match self {
            Layout::Linear {
                bucket_width,
                num_buckets,
            } => {
                let start = (bucket as u64).saturating_mul(*bucket_width);
                let end = if bucket + 1 == *num_buckets {
                    u64::MAX
                } else {
                    start.saturating_add(*bucket_width)
                };
                start..end
            }
            Layout::Log(log) => log.bucket_range(bucket),
        }
    }
}

/// One worker's histogram as readers see it.
#[derive(Debug)]
pub(crate) struct Histogram {
    buckets: Box<[AtomicU64]>,
    layout: Layout,
}

impl Histogram {
    pub(crate) fn new(layout: Layout) -> Histogram {
        Histogram {
            buckets: (0..layout.num_buckets())
                .map(|_| AtomicU64::new(0))
                .collect(),
            layout,
        }
    }

    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The count of bucket `bucket` as of the worker's last flush; the caller checked the index.
    pub(crate) fn get(&self, bucket: usize) -> u64 {
        self.buckets[bucket].load(Ordering::Relaxed)
    }
}

/// One worker's histogram as it counts, in its core.
#[derive(Debug)]
pub(crate) struct HistogramBatch {
    buckets: Box<[u64]>,
    layout: Layout,
}

impl HistogramBatch {
    /// A batch shaped like the worker's published histogram.
    pub(crate) fn new(histogram: &Histogram) -> HistogramBatch {
        HistogramBatch {
            buckets: vec![0; histogram.buckets.len()].into_boxed_slice(),
            layout: histogram.layout,
        }
    }

    pub(crate) fn measure(&mut self, nanos: u64) {
        self.buckets[self.layout.bucket_of(nanos)] += 1;
    }

    /// Publishes the running totals (contract in the module docs).
    pub(crate) fn submit(&self, histogram: &Histogram) {
        for (published, &count) in histogram.buckets.iter().zip(self.buckets.iter()) {
            published.store(count, Ordering::Relaxed);
        }
    }
}

/// The raw H2 bucket of `value` at precision `p` (module docs).
fn raw_index(p: u32, value: u64) -> usize {
    if value < 1 << (p + 1) {
        return value as usize;
    }
    let h = u64::BITS - 1 - value.leading_zeros();
    let group = (h - p + 1) as usize;
    let slice = ((value - (1 << h)) >> (h - p)) as usize;
    (group << p) + slice
}

/// Where raw bucket `raw` starts, in u128: the bucket after the one holding `u64::MAX` starts
/// at 2^64.
fn raw_start(p: u32, raw: usize) -> u128 {
    if raw < 1 << (p + 1) {
        return raw as u128;
    }
    let group = (raw >> p) as u32;
    let slice = (raw & ((1 << p) - 1)) as u128;
    let h = group + p - 1;
    (1u128 << h) + (slice << (h - p))
}

fn saturate(value: u128) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

pub(crate) fn duration_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn ranges(layout: Layout) -> Vec<Range<u64>> {
        (0..layout.num_buckets())
            .map(|b| layout.bucket_range(b))
            .collect()
    }

    #[test]
    fn raw_buckets_tile_the_values() {
        for p in 0..=MAX_PRECISION {
            let mut expected_start = 0u128;
            // Up to the group of 2^63, whose last bucket ends at 2^64.
            for raw in 0..((64 - p as usize + 1) << p) {
                assert_eq!(raw_start(p, raw), expected_start, "p={p} raw={raw}");
                let next = raw_start(p, raw + 1);
                assert!(next > expected_start);
                for value in [expected_start, next - 1] {
                    if let Ok(value) = u64::try_from(value) {
                        assert_eq!(raw_index(p, value), raw, "p={p} value={value}");
                    }
                }
                expected_start = next;
            }
        }
        assert_eq!(raw_index(10, u64::MAX), (54 << 10) + 1023);
        assert_eq!(raw_start(10, (54 << 10) + 1024), 1u128 << 64);
    }

    #[test]
    fn the_default_log_histogram() {
        let histogram = LogHistogram::default();
        assert_eq!(histogram.num_buckets, 119);
        assert_eq!(histogram.max_value(), 60_129_542_144);
        let ranges = ranges(Layout::Log(histogram));
        assert_eq!(ranges[0], 0..96);
        assert_eq!(ranges[1], 96..112);
        assert_eq!(ranges[117], 51_539_607_552..60_129_542_144);
        assert_eq!(ranges[118], 60_129_542_144..u64::MAX);
    }

    #[test]
    fn log_buckets_are_contiguous_and_find_their_values() {
        let layouts = [
            LogHistogram::default(),
            LogHistogram::builder().precision_exact(0).build(),
            LogHistogram::builder()
                .min_value(Duration::ZERO)
                .max_value(Duration::from_nanos(100))
                .build(),
            LogHistogram::builder()
                .max_error(0.01)
                .min_value(Duration::from_micros(3))
                .max_value(Duration::from_millis(7))
                .build(),
        ];
        for log in layouts {
            let layout = Layout::Log(log);
            let ranges = ranges(layout);
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, u64::MAX);
            for (bucket, pair) in ranges.windows(2).enumerate() {
                assert_eq!(pair[0].end, pair[1].start, "{log:?} bucket {bucket}");
            }
            for (bucket, range) in ranges.iter().enumerate() {
                assert_eq!(layout.bucket_of(range.start), bucket, "{log:?}");
                assert_eq!(layout.bucket_of(range.end - 1), bucket, "{log:?}");
            }
            assert_eq!(layout.bucket_of(u64::MAX), ranges.len() - 1);
        }
    }

    #[test]
    fn relative_error_is_bounded_by_the_precision() {
        let log = LogHistogram::builder()
            .max_error(0.1)
            .min_value(Duration::from_micros(50))
            .max_value(Duration::from_secs(1))
            .build();
        // 2^-4 is the first power of two at or below 0.1.
        assert_eq!(log.p, 4);
        assert_eq!(log.num_buckets, 232);
        for range in &ranges(Layout::Log(log))[1..log.num_buckets - 1] {
            assert!((range.end - range.start) * 16 <= range.start, "{range:?}");
        }
    }

    #[test]
    fn max_error_picks_the_smallest_sufficient_precision() {
        let p = |error| LogHistogram::builder().max_error(error).build().p;
        assert_eq!(p(0.99), 2);
        assert_eq!(p(0.25), 2);
        assert_eq!(p(0.24), 3);
        assert_eq!(p(0.125), 3);
        assert_eq!(p(0.12), 4);
        assert_eq!(p(1e-9), MAX_PRECISION);
    }

    #[test]
    fn extreme_log_settings_neither_overflow_nor_panic() {
        let log = LogHistogram::builder()
            .precision_exact(MAX_PRECISION)
            .min_value(Duration::ZERO)
            .max_value(Duration::MAX)
            .build();
        assert_eq!(log.max_value(), u64::MAX);
        let layout = Layout::Log(log);
        // The regular buckets reach u64::MAX: the open-ended one stays empty.
        assert_eq!(layout.bucket_of(u64::MAX), log.num_buckets - 2);
        assert_eq!(layout.bucket_range(log.num_buckets - 1), u64::MAX..u64::MAX);
        let same = LogHistogram::builder()
            .min_value(Duration::from_micros(10))
            .max_value(Duration::from_micros(10))
            .build();
        assert_eq!(same.num_buckets, 3);
    }

    #[test]
    fn legacy_layouts() {
        let mut settings = PollTimeHistogramSettings::default();
        assert_eq!(settings.layout(), None);
        settings.enable();
        assert_eq!(
            ranges(settings.layout().unwrap())[9],
            900_000..u64::MAX,
            "the default: 10 buckets of 100 µs"
        );
        settings.set_legacy_scale(HistogramScale::Log);
        settings.set_legacy_resolution(Duration::from_micros(50));
        settings.set_legacy_buckets(6);
        // The resolution rounds up to 2^16 ns, then the buckets double.
        assert_eq!(
            ranges(settings.layout().unwrap()),
            [
                0..65_536,
                65_536..131_072,
                131_072..262_144,
                262_144..524_288,
                524_288..1_048_576,
                1_048_576..u64::MAX
            ]
        );
        // The legacy settings win over a configuration, as in Tokio.
        settings.set_configuration(HistogramConfiguration::linear(Duration::from_micros(7), 3));
        assert_eq!(settings.layout().unwrap().num_buckets(), 6);
    }

    #[test]
    fn a_batch_counts_and_publishes() {
        let histogram =
            Histogram::new(HistogramConfiguration::linear(Duration::from_nanos(10), 3).layout);
        let mut batch = HistogramBatch::new(&histogram);
        for nanos in [0, 9, 10, 25, 1_000, u64::MAX] {
            batch.measure(nanos);
        }
        assert_eq!(histogram.get(0), 0);
        batch.submit(&histogram);
        assert_eq!([0, 1, 2].map(|b| histogram.get(b)), [2, 1, 3]);
    }
}
