//! Metrics of the process itself, read from `/proc` at each scrape (Linux only), under the names
//! that Prometheus client libraries use: `process_cpu_seconds_total`,
//! `process_resident_memory_bytes`, `process_virtual_memory_bytes`, `process_open_fds`,
//! `process_max_fds` and `process_start_time_seconds`.
//!
//! # Example
//!
//! [`Metrics::new`](super::Metrics::new) registers the collector; in another registry:
//!
//! ```
//! use kubeforge_runtime::manager::process::ProcessCollector;
//! use prometheus_client::{encoding::text::encode, registry::Registry};
//!
//! let mut registry = Registry::default();
//! registry.register_collector(Box::new(ProcessCollector));
//! let mut text = String::new();
//! encode(&mut text, &registry).unwrap();
//! assert!(text.contains("process_resident_memory_bytes "));
//! ```

use std::fs;

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeMetric},
    metrics::{counter::ConstCounter, gauge::ConstGauge},
};

/// Clock ticks per second in `/proc` (`USER_HZ`), 100 on every architecture Kubernetes runs on.
const TICKS_PER_SECOND: f64 = 100.0;

/// Reads the process metrics at each scrape.
#[derive(Debug)]
pub struct ProcessCollector;

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let Some(stat) = fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| Stat::parse(&s))
        else {
            return Ok(());
        };
        let cpu = ConstCounter::new(stat.cpu_ticks as f64 / TICKS_PER_SECOND);
        let help = "Total user and system CPU time spent in seconds.";
        cpu.encode(encoder.encode_descriptor(
            "process_cpu_seconds",
            help,
            None,
            cpu.metric_type(),
        )?)?;

        let mut gauge = |name: &str, help: &str, value: f64| -> std::fmt::Result {
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)
        };
        gauge(
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes.",
            stat.virtual_bytes as f64,
        )?;
        if let Some(kib) = fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| resident_kib(&s))
        {
            gauge(
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                (kib * 1024) as f64,
            )?;
        }
        if let Ok(fds) = fs::read_dir("/proc/self/fd") {
            gauge(
                "process_open_fds",
                "Number of open file descriptors.",
                fds.count() as f64,
            )?;
        }
        if let Some(max) = fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|s| max_fds(&s))
        {
            gauge(
                "process_max_fds",
                "Maximum number of open file descriptors.",
                max as f64,
            )?;
        }
        if let Some(boot) = fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| boot_time(&s))
        {
            let start = boot as f64 + stat.start_ticks as f64 / TICKS_PER_SECOND;
            gauge(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                start,
            )?;
        }
        Ok(())
    }
}

/// The fields of `/proc/self/stat` that the metrics use.
#[derive(Debug, PartialEq)]
struct Stat {
    cpu_ticks: u64,
    start_ticks: u64,
    virtual_bytes: u64,
}

impl Stat {
    fn parse(text: &str) -> Option<Stat> {
        // The command name, in parentheses, may hold spaces: count the fields after it.
        let fields: Vec<&str> = text
            .get(text.rfind(')')? + 1..)?
            .split_whitespace()
            .collect();
        let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
        Some(Stat {
            cpu_ticks: field(14)? + field(15)?,
            start_ticks: field(22)?,
            virtual_bytes: field(23)?,
        })
    }
}

/// `VmRSS` of `/proc/self/status`, in KiB.
fn resident_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The soft limit on open files, from `/proc/self/limits`.
fn max_fds(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The boot time of the machine in seconds since the epoch, from `/proc/stat`.
fn boot_time(stat: &str) -> Option<u64> {
    let line = stat.lines().find(|l| l.starts_with("btime "))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_stat() {
        let text = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 2070 0 0 0 150 50 0 0 \
                    20 0 9 0 123456 1073741824 4000 18446744073709551615 1 1 0 0 0 0 0 0 0\n";
        let stat = Stat::parse(text).unwrap();
        assert_eq!(
            stat,
            Stat {
                cpu_ticks: 200,
                start_ticks: 123456,
                virtual_bytes: 1073741824,
            }
        );
    }

    #[test]
    fn parses_status_limits_and_boot_time() {
        assert_eq!(resident_kib("Name:\tx\nVmRSS:\t   12345 kB\n"), Some(12345));
        let limits = "Limit           Soft Limit  Hard Limit  Units\n\
                      Max open files  1024        1048576     files\n";
        assert_eq!(max_fds(limits), Some(1024));
        assert_eq!(
            boot_time("cpu  1 2 3\nbtime 1700000000\n"),
            Some(1_700_000_000)
        );
    }

    #[test]
    fn reads_this_process() {
        let mut text = String::new();
        let mut registry = prometheus_client::registry::Registry::default();
        registry.register_collector(Box::new(ProcessCollector));
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
        assert!(text.contains("process_cpu_seconds_total "));
        assert!(text.contains("process_resident_memory_bytes "));
        assert!(text.contains("process_open_fds "));
    }
}
