//! Printing: the header that identifies a run, and the result tables.

use std::thread;

use crate::clock;
use crate::measure::{Measurement, Settings};
use crate::suite::{Contender, Workload};

/// Width of each numeric column.
const COLUMN: usize = 11;
/// Width of the unit column of the per-operation table.
const UNIT_COLUMN: usize = 14;

/// Prints what is needed to quote a run: date, machine, command, settings.
pub(crate) fn print_header(command_line: &str, settings: &Settings) {
    let cores = thread::available_parallelism()
        .map(|cores| cores.to_string())
        .unwrap_or_else(|error| format!("unknown ({error})"));
    let build = if cfg!(debug_assertions) {
        "DEBUG (numbers are meaningless; run with --release)"
    } else {
        "release"
    };
    println!("eddy-bench: eddy vs tokio vs smol, same workload code, samples interleaved");
    println!("date:     {}", clock::utc_now());
    println!(
        "machine:  {cores} cores available, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    println!("command:  {command_line}");
    println!("build:    {build}");
    println!(
        "samples:  {} per runtime per workload after {} warm-up iteration(s); \
         order changed every sample",
        settings.samples, settings.warmup_iterations
    );
    println!();
}

/// Prints the time table and the per-operation table for `results`.
pub(crate) fn print_results(results: &[(&Workload, Measurement)]) {
    let name_width = results
        .iter()
        .map(|(workload, _)| workload.name.len())
        .chain(
            results
                .iter()
                .map(|(workload, _)| workload.flavor.to_string().len()),
        )
        .max()
        .unwrap_or(0)
        + 2;

    print_time_table(results, name_width);
    println!();
    print_geometric_means(results);
    print_per_op_table(results, name_width);
    println!();
    print_failures(results);
    println!("time:     median wall time per iteration over the samples");
    println!("ratios:   median of per-sample ratios (each sample runs all three back to back); < 1 is faster than tokio");
    println!("noise:    largest interquartile range / median among the three runtimes");
    println!("iters:    iterations per sample x samples");
}

/// Median time per iteration, ratios to tokio, noise and sample shape.
fn print_time_table(results: &[(&Workload, Measurement)], name_width: usize) {
    let mut previous_flavor = None;
    for (workload, measurement) in results {
        if previous_flavor != Some(workload.flavor) {
            previous_flavor = Some(workload.flavor);
            let mut heading = format!("{:<name_width$}", workload.flavor.to_string());
            for contender in Contender::ALL {
                heading.push_str(&format!("{:>COLUMN$}", contender.name()));
            }
            heading.push_str(&format!(
                "{:>COLUMN$}{:>COLUMN$}{:>8}{:>12}",
                "eddy/tokio", "smol/tokio", "noise", "iters"
            ));
            println!("{heading}");
        }
        let mut row = format!("{:<name_width$}", workload.name);
        for contender in Contender::ALL {
            let cell = match measurement.summary(contender) {
                Some(summary) => format_nanos(summary.median),
                None => "failed".to_owned(),
            };
            row.push_str(&format!("{cell:>COLUMN$}"));
        }
        for contender in [Contender::Eddy, Contender::Smol] {
            let cell = match measurement.paired_ratio(contender, Contender::Tokio) {
                Some(ratio) => format!("{ratio:.2}"),
                None => "-".to_owned(),
            };
            row.push_str(&format!("{cell:>COLUMN$}"));
        }
        let noise = Contender::ALL
            .into_iter()
            .filter_map(|contender| measurement.summary(contender))
            .map(|summary| summary.relative_spread())
            .reduce(f64::max);
        let noise = match noise {
            Some(spread) => format!("{:.1}%", spread * 100.0),
            None => "-".to_owned(),
        };
        let samples = Contender::ALL
            .into_iter()
            .filter_map(|contender| measurement.samples(contender).ok())
            .map(<[f64]>::len)
            .max()
            .unwrap_or(0);
        let shape = format!("{}x{samples}", measurement.iterations_per_sample);
        row.push_str(&format!("{noise:>8}{shape:>12}"));
        println!("{row}");
    }
}

/// Per flavor, the geometric mean of the measured eddy/tokio ratios (workloads where either
/// failed are left out, and said so).
fn print_geometric_means(results: &[(&Workload, Measurement)]) {
    let mut flavors = Vec::new();
    for (workload, _) in results {
        if !flavors.contains(&workload.flavor) {
            flavors.push(workload.flavor);
        }
    }
    for flavor in flavors {
        let ratios: Vec<f64> = results
            .iter()
            .filter(|(workload, _)| workload.flavor == flavor)
            .filter_map(|(_, measurement)| {
                measurement.paired_ratio(Contender::Eddy, Contender::Tokio)
            })
            .collect();
        let total = results
            .iter()
            .filter(|(workload, _)| workload.flavor == flavor)
            .count();
        if ratios.is_empty() {
            continue;
        }
        let mean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!(
            "geometric mean eddy/tokio, {flavor}: {mean:.2} over {} of {total} workloads",
            ratios.len()
        );
    }
    println!();
}

/// Median time per iteration divided by the operations in one iteration.
fn print_per_op_table(results: &[(&Workload, Measurement)], name_width: usize) {
    let mut previous_flavor = None;
    for (workload, measurement) in results {
        if previous_flavor != Some(workload.flavor) {
            previous_flavor = Some(workload.flavor);
            let mut heading = format!(
                "{:<name_width$}{:>UNIT_COLUMN$}",
                format!("{} per op", workload.flavor),
                "unit"
            );
            for contender in Contender::ALL {
                heading.push_str(&format!("{:>COLUMN$}", contender.name()));
            }
            println!("{heading}");
        }
        let mut row = format!(
            "{:<name_width$}{:>UNIT_COLUMN$}",
            workload.name,
            format!("ns/{}", workload.op_unit)
        );
        for contender in Contender::ALL {
            let cell = match measurement.summary(contender) {
                Some(summary) => {
                    format!("{:.1}", summary.median / workload.ops_per_iteration as f64)
                }
                None => "failed".to_owned(),
            };
            row.push_str(&format!("{cell:>COLUMN$}"));
        }
        println!("{row}");
    }
}

/// Lists every contender that failed a workload, with the reason.
fn print_failures(results: &[(&Workload, Measurement)]) {
    let mut any = false;
    for (workload, measurement) in results {
        for contender in Contender::ALL {
            if let Err(reason) = measurement.samples(contender) {
                any = true;
                println!(
                    "FAILED:   {} on {}: {reason}",
                    workload.full_name(),
                    contender.name()
                );
            }
        }
    }
    if any {
        println!();
    }
}

/// `nanos` with three significant digits and a unit (ns, µs, ms or s).
fn format_nanos(nanos: f64) -> String {
    // Thresholds sit where rounding would carry into a fourth digit.
    let (value, unit) = if nanos < 999.5 {
        (nanos, "ns")
    } else if nanos < 999.5e3 {
        (nanos / 1e3, "µs")
    } else if nanos < 999.5e6 {
        (nanos / 1e6, "ms")
    } else {
        (nanos / 1e9, "s")
    };
    let decimals = if value < 9.995 {
        2
    } else if value < 99.95 {
        1
    } else {
        0
    };
    format!("{value:.decimals$} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_three_significant_digits() {
        assert_eq!(format_nanos(512.0), "512 ns");
        assert_eq!(format_nanos(1_234.0), "1.23 µs");
        assert_eq!(format_nanos(45_678.0), "45.7 µs");
        assert_eq!(format_nanos(2_500_000.0), "2.50 ms");
        assert_eq!(format_nanos(3_000_000_000.0), "3.00 s");
        assert_eq!(format_nanos(999.7), "1.00 µs");
        assert_eq!(format_nanos(9_996.0), "10.0 µs");
        assert_eq!(format_nanos(99_960.0), "100 µs");
    }
}
