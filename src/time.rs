//! Timestamps as the sources write them (RFC 3339 with or without fractions and offsets, plain
//! dates, year-months, Unix seconds or milliseconds), held as Unix seconds (UTC), and printed back
//! as ISO dates. Small and dependency-free on purpose: every format here was seen in real data.

/// Parses `2024-03-01T09:47:39.027158+00:00`, `2023-11-07T20:50:47.587Z`, `2024-03-19`,
/// `2024-03-19 10:00:00`, `2024-04` (first of the month) into Unix seconds (UTC).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return s.parse::<f64>().ok().and_then(from_epoch_number);
    }
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = if b.len() == 7 {
        1
    } else {
        if b.get(7) != Some(&b'-') {
            return None;
        }
        digits(b, 8, 2)?
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month as u32, day as u32) * 86_400;
    if b.len() <= 10 {
        return (b.len() == 10 || b.len() == 7).then_some(secs);
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let hour = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = digits(b, 14, 2)?;
    let (second, mut i) = if b.get(16) == Some(&b':') {
        (digits(b, 17, 2)?, 19)
    } else {
        (0, 16)
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    secs += hour * 3600 + minute * 60 + second;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    match b.get(i) {
        None | Some(b'Z') | Some(b'z') => Some(secs),
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2)?;
            let om = match b.get(i + 3) {
                Some(b':') => digits(b, i + 4, 2)?,
                Some(_) => digits(b, i + 3, 2)?,
                None => 0,
            };
            let offset = oh * 3600 + om * 60;
            Some(if sign == b'+' {
                secs - offset
            } else {
                secs + offset
            })
        }
        Some(_) => None,
    }
}

/// A Unix time given as a number: seconds, or milliseconds when it is too big to be seconds.
pub fn from_epoch_number(n: f64) -> Option<i64> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let secs = if n > 1e11 { n / 1000.0 } else { n };
    Some(secs as i64)
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<i64> {
    let slice = b.get(start..start + len)?;
    slice.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2024-03-01`.
pub fn format_date(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2024-03`.
pub fn format_month(secs: i64) -> String {
    let (y, m, _) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}")
}

/// Months since year 0 (`year * 12 + month - 1`), for grouping by month.
pub fn month_index(secs: i64) -> i64 {
    let (y, m, _) = civil_from_days(secs.div_euclid(86_400));
    y * 12 + i64::from(m) - 1
}

/// `2024-03` for a [`month_index`].
pub fn month_label(index: i64) -> String {
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The first second of a [`month_index`] and of the month after it.
pub fn month_range(index: i64) -> (i64, i64) {
    let start =
        |i: i64| days_from_civil(i.div_euclid(12), (i.rem_euclid(12) + 1) as u32, 1) * 86_400;
    (start(index), start(index + 1))
}

/// `2024-03-01T09:47:39Z`.
pub fn format_datetime(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        format_date(secs),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Now, Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The last `YYYY-MM-DD` date found in a path (`archive/2024-03-11/global/raw/trending.json`),
/// so dated archives get their snapshot time from where they are filed.
pub fn date_in_path(path: &str) -> Option<i64> {
    let b = path.as_bytes();
    (0..b.len().saturating_sub(9)).rev().find_map(|i| {
        let candidate = path.get(i..i + 10)?;
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        let after_ok = b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        if before_ok && after_ok && candidate.as_bytes()[4] == b'-' {
            parse_timestamp(candidate)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_formats_sources_use() {
        assert_eq!(
            parse_timestamp("2025-02-07T02:18:56.499310+00:00"),
            Some(1_738_894_736)
        );
        assert_eq!(
            parse_timestamp("2023-11-07T20:50:47.587Z"),
            Some(1_699_390_247)
        );
        assert_eq!(parse_timestamp("2024-03-19"), Some(1_710_806_400));
        assert_eq!(parse_timestamp("2024-04"), Some(1_711_929_600));
        assert_eq!(parse_timestamp("2024-03-19 01:00:00"), Some(1_710_810_000));
        assert_eq!(
            parse_timestamp("2024-03-19T02:00:00+01:00"),
            Some(1_710_810_000)
        );
        assert_eq!(parse_timestamp("1738894736"), Some(1_738_894_736));
        assert_eq!(parse_timestamp("1738894736000"), Some(1_738_894_736));
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-03-19T25:00:00",
            "2024/03/19",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for t in [0, 1_738_894_736, 951_782_400 /* 2000-02-29 */] {
            let s = format_datetime(t);
            assert_eq!(parse_timestamp(&s), Some(t), "{s}");
        }
        assert_eq!(format_date(1_738_894_736), "2025-02-07");
        assert_eq!(format_month(1_738_894_736), "2025-02");
    }

    #[test]
    fn dates_in_archive_paths() {
        assert_eq!(
            date_in_path("archive/2024-03-11/global/raw/trending.json"),
            parse_timestamp("2024-03-11")
        );
        assert_eq!(
            date_in_path("discovery_2026-04-14_global.json"),
            parse_timestamp("2026-04-14")
        );
        assert_eq!(date_in_path("gizmos.jsonl"), None);
    }
}
