//! One chart as an SVG of horizontal bars: a bar a row, its label on the left, its count and
//! share on the right. Each bar is a `<g class="bar">` carrying `data-label` and `data-count`
//! (what a test, or a reader's script, checks against `stats`), and the count is printed, so
//! the numbers survive a screenshot. A log scale (conversations: a few GPTs hold most of
//! them) sizes bars by `log10(1 + count)`; with an earlier snapshot, a thin grey bar under
//! each shows its count then and the text says the change.

use super::escape;
use crate::stats::Chart;

const WIDTH: u32 = 720;
const LABEL: u32 = 210;
const BARS: u32 = 330;
const ROW: u32 = 22;
const TOP: u32 = 6;

/// The bar lengths' scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
}

fn length(count: u64, max: u64, scale: Scale) -> f64 {
    if max == 0 || count == 0 {
        return 0.0;
    }
    let f = match scale {
        Scale::Linear => count as f64 / max as f64,
        Scale::Log => (1.0 + count as f64).log10() / (1.0 + max as f64).log10(),
    };
    (f * f64::from(BARS)).max(1.0)
}

/// The SVG of `chart` (and `before`'s counts of the same labels, when given).
pub fn bars(chart: &Chart, scale: Scale, before: Option<&Chart>) -> String {
    let then = |label: &str| {
        before.map(|b| {
            b.bars
                .iter()
                .find(|x| x.label == label)
                .map_or(0, |x| x.count)
        })
    };
    let max = chart
        .bars
        .iter()
        .map(|b| b.count.max(then(&b.label).unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let height = TOP * 2 + ROW * chart.bars.len().max(1) as u32;
    let title = chart.id.title();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{WIDTH}\" \
         height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"12\">\n<title>{t}</title>\n",
        t = escape(&title)
    );
    if chart.bars.is_empty() {
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" fill=\"#666\">none</text>\n",
            TOP + 15
        ));
    }
    for (row, bar) in chart.bars.iter().enumerate() {
        let y = TOP + ROW * row as u32;
        let label = escape(&bar.label);
        let w = length(bar.count, max, scale);
        let mut text = format!("{} ({:.1}%)", super::count(bar.count), chart.pct(bar.count));
        let earlier = then(&bar.label);
        if let Some(n) = earlier {
            let delta = bar.count as i64 - n as i64;
            text.push_str(&format!(" {delta:+}"));
        }
        s.push_str(&format!(
            "<g class=\"bar\" data-label=\"{label}\" data-count=\"{count}\">\
             <text class=\"label\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{LABEL}\" y=\"{ry}\" width=\"{w:.1}\" height=\"14\" fill=\"#3b6ea8\"/>",
            count = bar.count,
            lx = LABEL - 6,
            ty = y + 13,
            short = escape(&crate::text::fit(&bar.label, 32)),
            ry = y + 2,
        ));
        if let Some(n) = earlier {
            s.push_str(&format!(
                "<rect class=\"before\" data-count=\"{n}\" x=\"{LABEL}\" y=\"{}\" width=\"{:.1}\" \
                 height=\"3\" fill=\"#999\"/>",
                y + 17,
                length(n, max, scale)
            ));
        }
        s.push_str(&format!(
            "<text class=\"count\" x=\"{}\" y=\"{}\">{}</text></g>\n",
            f64::from(LABEL) + w + 6.0,
            y + 13,
            escape(&text)
        ));
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Bar, ChartId, Drill};
    use crate::store::view::BinKey;

    fn chart(bars: &[(&str, u64)]) -> Chart {
        Chart {
            id: ChartId::Tools,
            unit: "GPTs",
            total: 100,
            bars: bars
                .iter()
                .map(|(l, n)| Bar {
                    label: (*l).to_owned(),
                    count: *n,
                    key: Drill::Gpts(BinKey::Uncategorized),
                })
                .collect(),
        }
    }

    #[test]
    fn bars_carry_their_numbers_and_escape_their_labels() {
        let svg = bars(
            &chart(&[("a<b>&\"c\"", 40), ("d\u{1b}[31m", 10)]),
            Scale::Linear,
            None,
        );
        assert!(svg.contains("data-label=\"a&lt;b&gt;&amp;&quot;c&quot;\" data-count=\"40\""));
        assert!(svg.contains(">40 (40.0%)</text>"));
        // The escape sequence is gone, not escaped.
        assert!(svg.contains("data-label=\"d\""), "{svg}");
        assert!(!svg.contains('\u{1b}'));
        // The longest bar fills the area, the other is in proportion.
        assert!(svg.contains("width=\"330.0\""));
        assert!(svg.contains("width=\"82.5\""));
    }

    #[test]
    fn a_log_scale_keeps_small_bars_visible_and_a_comparison_says_the_change() {
        let now = chart(&[("big", 100_000), ("small", 10)]);
        let svg = bars(&now, Scale::Log, Some(&chart(&[("big", 90_000)])));
        // log10(11) / log10(100001) of 330 px: 68.7, where linear would give 0.03.
        assert!(svg.contains("width=\"68.7\""), "{svg}");
        assert!(svg.contains("+10000</text>"));
        assert!(svg.contains("+10</text>"));
        assert!(svg.contains("class=\"before\" data-count=\"90000\""));
    }
}
