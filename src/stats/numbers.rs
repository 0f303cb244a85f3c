//! Numbers beside the pictures: describe lines (count, min, median, p90, p99, max) of the
//! numeric columns, and how concentrated conversations are among GPTs and authors.
//!
//! Quantiles are nearest-rank (the value at rank ⌈q·n⌉), found with `select_nth_unstable`
//! (linear time) rather than a full sort.

use crate::store::view::Columns;
use serde::{Deserialize, Serialize};

/// count, min, median, p90, p99, max of a numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Describe {
    pub count: u64,
    pub min: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

impl Describe {
    /// Describes `values` (reordered in place).
    pub fn of(values: &mut [f64]) -> Describe {
        let n = values.len();
        if n == 0 {
            return Describe {
                count: 0,
                min: None,
                median: None,
                p90: None,
                p99: None,
                max: None,
            };
        }
        let rank = |q: f64| ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
        // Highest rank first: after selecting rank k, everything below it is in `..k`, so the
        // next (lower) rank is selected within `..=k`.
        let mut upper = n;
        let mut at = |q: f64| {
            let k = rank(q).min(upper - 1);
            let (_, v, _) = values[..upper].select_nth_unstable_by(k, f64::total_cmp);
            let v = *v;
            upper = k + 1;
            v
        };
        let max = at(1.0);
        let p99 = at(0.99);
        let p90 = at(0.90);
        let median = at(0.5);
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        Describe {
            count: n as u64,
            min: Some(min),
            median: Some(median),
            p90: Some(p90),
            p99: Some(p99),
            max: Some(max),
        }
    }
}

/// The names of the describe lines, in order.
pub const DESCRIBED: [&str; 4] = ["conversations", "rating", "reviews", "gpts_per_author"];

/// The describe lines of a list: conversations (lower bounds, where given), rating (rated
/// GPTs), reviews, and GPTs per author.
pub fn describe(c: &Columns, ids: &[u32], per_author: &[u32]) -> Vec<(&'static str, Describe)> {
    let ix = |id: &u32| (*id - 1) as usize;
    let mut conv: Vec<f64> = ids
        .iter()
        .filter(|id| c.conv_known[ix(id)])
        .map(|id| f64::from(c.conv[ix(id)]))
        .collect();
    let mut rating: Vec<f64> = ids
        .iter()
        .map(|id| c.rating[ix(id)])
        .filter(|r| !r.is_nan())
        .map(f64::from)
        .collect();
    let mut reviews: Vec<f64> = ids.iter().map(|id| f64::from(c.reviews[ix(id)])).collect();
    let mut gpts: Vec<f64> = per_author
        .iter()
        .filter(|n| **n > 0)
        .map(|n| f64::from(*n))
        .collect();
    let [a, b, c, d] = DESCRIBED;
    vec![
        (a, Describe::of(&mut conv)),
        (b, Describe::of(&mut rating)),
        (c, Describe::of(&mut reviews)),
        (d, Describe::of(&mut gpts)),
    ]
}

/// Shares of all conversations (lower bounds) held by the biggest GPTs and authors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Concentration {
    /// Sum of the lower bounds over the list.
    pub total: u64,
    pub top_1_gpt: f64,
    pub top_10_gpts: f64,
    pub top_100_gpts: f64,
    /// The top 1% of authors (at least one), by their GPTs' conversations.
    pub top_1pct_authors: f64,
    pub top_10pct_authors: f64,
}

pub fn concentration(c: &Columns, ids: &[u32]) -> Concentration {
    let mut convs: Vec<u64> = ids
        .iter()
        .map(|id| u64::from(c.conv[(*id - 1) as usize]))
        .collect();
    let total: u64 = convs.iter().sum();
    let share = |part: u64| {
        if total == 0 {
            0.0
        } else {
            part as f64 / total as f64
        }
    };
    let top = |v: &mut Vec<u64>, k: usize| -> u64 {
        let k = k.min(v.len());
        if k == 0 {
            return 0;
        }
        if k < v.len() {
            v.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
        }
        v[..k].iter().sum()
    };
    let top_1_gpt = share(top(&mut convs, 1));
    let top_10_gpts = share(top(&mut convs, 10));
    let top_100_gpts = share(top(&mut convs, 100));
    // Conversations per known author (a GPT naming no author is no author's; its
    // conversations stay in the total).
    let mut per_author = vec![0u64; c.authors.len()];
    for id in ids {
        let i = (*id - 1) as usize;
        if let Some(n) = per_author.get_mut(c.author[i] as usize) {
            *n += u64::from(c.conv[i]);
        }
    }
    let authors = c.gpts_per_author(ids);
    let mut sums: Vec<u64> = per_author
        .into_iter()
        .zip(&authors)
        .filter(|(_, g)| **g > 0)
        .map(|(s, _)| s)
        .collect();
    let n = sums.len();
    let k1 = n.div_ceil(100);
    let k10 = n.div_ceil(10);
    let top_10pct = share(top(&mut sums, k10));
    let top_1pct = share(top(&mut sums, k1));
    Concentration {
        total,
        top_1_gpt,
        top_10_gpts,
        top_100_gpts,
        top_1pct_authors: top_1pct,
        top_10pct_authors: top_10pct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        v.reverse();
        let d = Describe::of(&mut v);
        assert_eq!(d.count, 100);
        assert_eq!(d.min, Some(1.0));
        assert_eq!(d.median, Some(50.0));
        assert_eq!(d.p90, Some(90.0));
        assert_eq!(d.p99, Some(99.0));
        assert_eq!(d.max, Some(100.0));
        let mut one = vec![7.0];
        let d = Describe::of(&mut one);
        assert_eq!((d.min, d.median, d.max), (Some(7.0), Some(7.0), Some(7.0)));
        assert_eq!(Describe::of(&mut []).median, None);
    }
}
