//! Charts drawn as SVG on the server, for the pages and the documents alike (no script in the
//! browser). Pure: data in, SVG text out. Text is escaped, sizes are fixed, so the same SVG
//! shows the same in the browser, in the PDF (typst embeds it) and, rasterised with the PDF's
//! fonts, in the Word file.

use serde::{Deserialize, Serialize};
use std::fmt::Write;
use utoipa::ToSchema;

/// The font families of chart text: the PDF's 黑体 list (`gbt9704.typ` `hei`), whose last
/// member is carried in the binary, so the labels always have a font.
pub const CHART_FONTS: &str = "SimHei, 黑体, Noto Sans CJK SC, Source Han Sans SC, sans-serif";

/// A chart ready to show: its caption and its SVG, with the size the SVG is drawn at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Chart {
    pub caption: String,
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

/// One bar of a rate chart: a label and a rate in tenths of a percent (`None`: no base to
/// rate against, drawn as "—").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RateBar {
    pub label: String,
    pub tenths: Option<i64>,
    /// A note after the value ("12.3/30.0亿元").
    pub note: String,
}

/// A horizontal bar chart of rates (completion of a plan) against a reference rate (the time
/// progress of the year), drawn as a dashed line; bars below it are drawn in the warning
/// colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateChart {
    pub caption: String,
    pub bars: Vec<RateBar>,
    /// The reference line's label and rate in tenths of a percent ("序时进度 41.7%").
    pub reference: Option<(String, i64)>,
}

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn percent(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.abs();
    format!("{sign}{}.{}%", t / 10, t % 10)
}

/// Cuts a label to `max` characters ("…" when cut).
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

const WIDTH: u32 = 640;
const LABEL_W: u32 = 150;
const VALUE_W: u32 = 170;
const ROW_H: u32 = 26;
const TOP: u32 = 36;
const BOTTOM: u32 = 30;
const BAR_COLOUR: &str = "#2f6fb0";
const BEHIND_COLOUR: &str = "#d9822b";
const LINE_COLOUR: &str = "#c0392b";

impl RateChart {
    /// The chart as SVG (640 px wide, 26 px a bar).
    pub fn render(&self) -> Chart {
        let rows = self.bars.len().max(1) as u32;
        let height = TOP + rows * ROW_H + BOTTOM;
        let plot_w = WIDTH - LABEL_W - VALUE_W;
        // The scale: 0 to 100 %, or past the largest rate above it.
        let top_rate = self
            .bars
            .iter()
            .filter_map(|b| b.tenths)
            .chain(self.reference.as_ref().map(|r| r.1))
            .max()
            .unwrap_or(0)
            .max(1000);
        // Grid lines every 20 % (every 50 % on a wide scale); the scale ends on one.
        let step = if top_rate > 1500 { 500 } else { 200 };
        let scale_max = (top_rate + step - 1) / step * step;
        let x_of = |tenths: i64| -> f64 {
            LABEL_W as f64 + (tenths.clamp(0, scale_max) as f64 / scale_max as f64) * plot_w as f64
        };
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
             viewBox=\"0 0 {WIDTH} {height}\" font-family=\"{CHART_FONTS}\" font-size=\"13\" \
             role=\"img\" aria-label=\"{}\">",
            escape(&self.caption)
        );
        let _ = write!(
            s,
            "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>\
             <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" fill=\"#222222\">{}</text>",
            WIDTH / 2,
            escape(&self.caption)
        );
        let axis_y = TOP + rows * ROW_H;
        let mut g = 0;
        while g <= scale_max {
            let x = x_of(g);
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{axis_y}\" stroke=\"#dddddd\" \
                 stroke-width=\"1\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" \
                 font-size=\"11\" fill=\"#666666\">{}%</text>",
                axis_y + 14,
                g / 10
            );
            g += step;
        }
        let reference = self.reference.as_ref().map(|r| r.1);
        for (i, b) in self.bars.iter().enumerate() {
            let y = TOP + i as u32 * ROW_H;
            let mid = y + ROW_H / 2 + 5;
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{mid}\" text-anchor=\"end\" fill=\"#222222\">{}</text>",
                LABEL_W - 8,
                escape(&clip(&b.label, 10))
            );
            if let Some(t) = b.tenths {
                let w = x_of(t) - LABEL_W as f64;
                let colour = if reference.is_some_and(|r| t < r) {
                    BEHIND_COLOUR
                } else {
                    BAR_COLOUR
                };
                let _ = write!(
                    s,
                    "<rect x=\"{LABEL_W}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"{colour}\"/>",
                    y + 5,
                    ROW_H - 10
                );
            }
            let value = match b.tenths {
                Some(t) => percent(t),
                None => "—".into(),
            };
            let note = if b.note.is_empty() {
                String::new()
            } else {
                format!("（{}）", b.note)
            };
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{mid}\" fill=\"#222222\">{}{}</text>",
                WIDTH - VALUE_W + 6,
                escape(&value),
                escape(&clip(&note, 18))
            );
        }
        if let Some((label, t)) = &self.reference {
            let x = x_of(*t);
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{axis_y}\" stroke=\"{LINE_COLOUR}\" \
                 stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/><text x=\"{x:.1}\" y=\"{}\" \
                 text-anchor=\"middle\" font-size=\"11\" fill=\"{LINE_COLOUR}\">{} {}</text>",
                TOP - 4,
                axis_y + 27,
                escape(label),
                percent(*t)
            );
        }
        s.push_str("</svg>");
        Chart {
            caption: self.caption.clone(),
            svg: s,
            width: WIDTH,
            height,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> RateChart {
        RateChart {
            caption: "各产业年度投资完成情况".into(),
            bars: vec![
                RateBar {
                    label: "新材料".into(),
                    tenths: Some(523),
                    note: "5.2/10.0亿元".into(),
                },
                RateBar {
                    label: "<script>&\"".into(),
                    tenths: Some(120),
                    note: String::new(),
                },
                RateBar {
                    label: "无计划产业".into(),
                    tenths: None,
                    note: String::new(),
                },
            ],
            reference: Some(("序时进度".into(), 417)),
        }
    }

    #[test]
    fn labels_are_in_the_svg_and_escaped() {
        let c = chart().render();
        assert!(c.svg.starts_with("<svg"));
        assert!(c.svg.ends_with("</svg>"));
        for text in [
            "各产业年度投资完成情况",
            "新材料",
            "52.3%",
            "序时进度 41.7%",
            "—",
        ] {
            assert!(c.svg.contains(text), "{text} missing");
        }
        assert!(!c.svg.contains("<script>"));
        assert!(c.svg.contains("&lt;script&gt;&amp;&quot;"));
        assert_eq!(c.height, TOP + 3 * ROW_H + BOTTOM);
    }

    #[test]
    fn bars_behind_the_reference_take_the_warning_colour() {
        let c = chart().render();
        assert_eq!(c.svg.matches(BEHIND_COLOUR).count(), 1);
        assert_eq!(c.svg.matches(BAR_COLOUR).count(), 1);
    }

    #[test]
    fn an_empty_chart_is_still_a_chart() {
        let c = RateChart {
            caption: "空".into(),
            bars: vec![],
            reference: None,
        }
        .render();
        assert!(c.svg.contains("空"));
    }

    #[test]
    fn rates_above_the_scale_widen_it() {
        let mut c = chart();
        c.bars[0].tenths = Some(1830);
        let svg = c.render().svg;
        assert!(svg.contains(">200%<"), "{svg}");
    }
}
