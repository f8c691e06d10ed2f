//! Command-line options.

use std::time::Duration;

use crate::measure::Settings;

/// Usage text for `--help` and for errors.
pub(crate) const USAGE: &str = "\
usage: eddy-bench [--samples N] [--quick] [--list] [FILTER...]

Runs each workload on eddy, tokio and smol, interleaved, and prints the
median time per iteration with the ratios to tokio.

  --samples N   samples per runtime per workload (default 30, or 6 with --quick;
                multiples of 6 use every running order equally often)
  --quick       short run: one warm-up and one iteration per sample
  --list        print the workload names and exit
  -h, --help    print this text
  FILTER        run only workloads whose name (e.g. current_thread/yield_many)
                contains one of these substrings";

/// Samples per contender per workload unless `--samples` says otherwise.
/// Multiples of six use each of the six running orders equally often.
const DEFAULT_SAMPLES: usize = 30;
/// Samples per contender per workload with `--quick`.
const QUICK_SAMPLES: usize = 6;
/// Warm-up iterations per contender per workload.
const DEFAULT_WARMUP_ITERATIONS: u32 = 3;
/// How long one sample should last, by default.
const DEFAULT_TARGET_SAMPLE_TIME: Duration = Duration::from_millis(10);
/// Upper bound on iterations per sample.
const MAX_ITERATIONS_PER_SAMPLE: u32 = 1_000;

/// What the user asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// `--samples N`, if given.
    pub(crate) samples: Option<usize>,
    /// `--quick`.
    pub(crate) quick: bool,
    /// `--list`.
    pub(crate) list: bool,
    /// `--help`.
    pub(crate) help: bool,
    /// Substrings selecting workloads; empty selects all.
    pub(crate) filters: Vec<String>,
}

impl Options {
    /// Parses the arguments after the program name.
    pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--samples" => {
                    let value = args.next().ok_or("--samples needs a value")?;
                    options.samples = Some(parse_samples(&value)?);
                }
                "--quick" => options.quick = true,
                "--list" => options.list = true,
                "-h" | "--help" => options.help = true,
                // `cargo bench` passes this to harness-less bench targets.
                "--bench" => {}
                _ => {
                    if let Some(value) = arg.strip_prefix("--samples=") {
                        options.samples = Some(parse_samples(value)?);
                    } else if arg.starts_with('-') {
                        return Err(format!("unknown option `{arg}`"));
                    } else {
                        options.filters.push(arg);
                    }
                }
            }
        }
        Ok(options)
    }

    /// Whether the workload called `full_name` is selected.
    pub(crate) fn selects(&self, full_name: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|filter| full_name.contains(filter))
    }

    /// The measurement settings these options imply.
    pub(crate) fn settings(&self) -> Settings {
        let default_samples = if self.quick {
            QUICK_SAMPLES
        } else {
            DEFAULT_SAMPLES
        };
        Settings {
            samples: self.samples.unwrap_or(default_samples),
            warmup_iterations: if self.quick {
                1
            } else {
                DEFAULT_WARMUP_ITERATIONS
            },
            target_sample_time: if self.quick {
                Duration::ZERO
            } else {
                DEFAULT_TARGET_SAMPLE_TIME
            },
            max_iterations_per_sample: MAX_ITERATIONS_PER_SAMPLE,
        }
    }
}

/// Parses the value of `--samples`: a positive integer.
fn parse_samples(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(samples) if samples > 0 => Ok(samples),
        _ => Err(format!("--samples needs a positive integer, got `{value}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn parses_samples_quick_and_filters() {
        let options = parse(&["--samples", "7", "yield", "--quick", "spawn"]).unwrap();
        assert_eq!(options.samples, Some(7));
        assert!(options.quick);
        assert_eq!(options.filters, ["yield", "spawn"]);
        assert_eq!(options.settings().samples, 7);
        assert_eq!(parse(&["--samples=9"]).unwrap().samples, Some(9));
    }

    #[test]
    fn quick_shrinks_the_default_sample_count() {
        assert_eq!(
            parse(&["--quick"]).unwrap().settings().samples,
            QUICK_SAMPLES
        );
        assert_eq!(parse(&[]).unwrap().settings().samples, DEFAULT_SAMPLES);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse(&["--samples"]).is_err());
        assert!(parse(&["--samples", "0"]).is_err());
        assert!(parse(&["--samples", "many"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }

    #[test]
    fn filters_match_substrings() {
        let options = parse(&["ping", "chain"]).unwrap();
        assert!(options.selects("current_thread/ping_pong"));
        assert!(options.selects("current_thread/chained_spawn"));
        assert!(!options.selects("current_thread/yield_many"));
        assert!(parse(&[]).unwrap().selects("anything"));
    }
}
