//! Bar charts drawn on the server as SVG: no script, nothing from another
//! origin, readable without CSS; each chart comes with its numbers as a
//! table beside it, for screen readers and for copying.

/// One bar, in the chart's coordinates.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
    /// The value it shows, for its tooltip.
    pub value: i64,
    /// The series' CSS class (`series-a`, `series-b`).
    pub class: &'static str,
}

/// A grouped bar chart of up to two series over labelled slots.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Its accessible title.
    pub title: String,
    /// Drawing width.
    pub width: i64,
    /// Drawing height.
    pub height: i64,
    /// The bars.
    pub bars: Vec<Bar>,
    /// Slot labels with their x position, under the bars.
    pub labels: Vec<(i64, String)>,
    /// The largest value, shown at the top of the scale.
    pub max: i64,
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 180;
const BASE: i64 = 150;

impl BarChart {
    /// `series` (each a class and one value per slot) over `labels`.
    pub fn grouped(title: &str, labels: &[String], series: &[(&'static str, Vec<i64>)]) -> Self {
        let slots = i64::try_from(labels.len().max(1)).unwrap_or(1);
        let max = series
            .iter()
            .flat_map(|(_, values)| values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let slot = (WIDTH - 40) / slots;
        let count = i64::try_from(series.len().max(1)).unwrap_or(1);
        let bar = ((slot - 6) / count).max(2);
        let mut bars = Vec::new();
        for (s, (class, values)) in (0_i64..).zip(series) {
            for (i, &value) in (0_i64..).zip(values) {
                let height = value * (BASE - 20) / max;
                bars.push(Bar {
                    x: 40 + i * slot + 3 + s * bar,
                    y: BASE - height,
                    width: bar,
                    height,
                    value,
                    class,
                });
            }
        }
        let labels = (0_i64..)
            .zip(labels)
            .map(|(i, label)| (40 + i * slot + slot / 2, label.clone()))
            .collect();
        Self {
            title: title.to_owned(),
            width: WIDTH,
            height: HEIGHT,
            bars,
            labels,
            max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tallest_bar_reaches_the_top_of_the_scale_and_zero_draws_nothing() {
        let chart = BarChart::grouped(
            "New",
            &["Oct".into(), "Nov".into()],
            &[("series-a", vec![0, 10]), ("series-b", vec![5, 0])],
        );
        assert_eq!(chart.bars.len(), 4);
        assert_eq!(chart.bars[0].height, 0);
        assert_eq!(chart.bars[1].height, BASE - 20);
        assert_eq!(chart.bars[2].height, (BASE - 20) / 2);
        assert!(chart.bars.iter().all(|b| b.x + b.width <= WIDTH));
        assert_eq!(chart.labels.len(), 2);
    }
}
