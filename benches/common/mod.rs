//! Helpers the benchmarks share.
#![allow(dead_code)]

/// Resident memory of this process, MB (Linux `/proc`; 0 elsewhere).
pub fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// Peak resident memory of this process, MB (Linux `/proc`; 0 elsewhere).
pub fn peak_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A memory line of `/proc/self/status`, MB.
fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
