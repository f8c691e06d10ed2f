//! `eddy-bench`: runs the same workloads on eddy, tokio and smol in one
//! process, interleaving the three sample by sample, and prints the median
//! time per iteration of each, the ratios eddy/tokio and smol/tokio, and the
//! cost per operation.
//!
//! ```text
//! cargo run --release -p eddy-benches -- [--samples N] [--quick] [FILTER...]
//! ```
//!
//! Layout:
//! - [`suite`]: the workload list, sizes and contenders;
//! - [`tokio_api`]: the workloads written once for crates with Tokio's API,
//!   instantiated for eddy and tokio;
//! - [`smol_rt`]: the same workloads on smol;
//! - [`countdown`]: how workloads wait for tasks they hold no handle to;
//! - [`measure`]: interleaved sampling and statistics;
//! - [`report`]: the header and the tables.

mod cli;
mod clock;
mod countdown;
mod measure;
mod remote;
mod report;
mod smol_mt;
mod smol_rt;
mod suite;
mod tcp;
mod tokio_api;

use std::path::Path;
use std::process::ExitCode;

use cli::Options;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("eddy-bench: {error}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if options.help {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }

    let workloads: Vec<suite::Workload> = suite::all()
        .into_iter()
        .filter(|workload| options.selects(&workload.full_name()))
        .collect();
    if options.list {
        for workload in &workloads {
            println!("{}", workload.full_name());
        }
        return ExitCode::SUCCESS;
    }
    if workloads.is_empty() {
        eprintln!(
            "eddy-bench: no workload matches {:?}; see --list",
            options.filters
        );
        return ExitCode::from(2);
    }

    let settings = options.settings();
    report::print_header(&command_line(), &settings);
    let mut results = Vec::with_capacity(workloads.len());
    for (position, workload) in workloads.iter().enumerate() {
        eprintln!(
            "[{}/{}] {}",
            position + 1,
            workloads.len(),
            workload.full_name()
        );
        results.push((workload, measure::measure(workload, &settings)));
    }
    eprintln!();
    report::print_results(&results);
    ExitCode::SUCCESS
}

/// How this process was invoked: program file name and arguments, quoted
/// where needed, so a result can be quoted with the command that made it.
fn command_line() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .map(|path| {
            Path::new(&path)
                .file_name()
                .map_or(path.clone(), |name| name.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "eddy-bench".to_owned());
    let mut line = program;
    for arg in args {
        line.push(' ');
        if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || c == '\'') {
            line.push_str(&format!("'{}'", arg.replace('\'', r"'\''")));
        } else {
            line.push_str(&arg);
        }
    }
    line
}
