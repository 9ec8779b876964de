//! Histogram display: the panel plot (egui_plot) of the current result, and
//! a backdrop painter for the levels and curves editors.

use egui::{Color32, Pos2, Rect, Ui};
use egui_plot::{Line, Plot, PlotPoints};
use lumen_kernels::histogram::Histogram;

/// Bin heights scaled to 0..=1 by the square root of the counts (so a
/// spike does not flatten everything else), ignoring the two end bins when
/// scaling (clipped pixels pile up there).
pub fn normalized(bins: &[u32; 256]) -> [f32; 256] {
    let peak = bins[1..255].iter().copied().max().unwrap_or(0).max(1);
    let scale = 1.0 / (peak as f32).sqrt();
    let mut out = [0.0; 256];
    for (o, &b) in out.iter_mut().zip(bins) {
        *o = ((b as f32).sqrt() * scale).min(1.0);
    }
    out
}

const SERIES: [(&str, Color32); 4] = [
    ("luma", Color32::from_gray(200)),
    ("red", Color32::from_rgb(230, 70, 70)),
    ("green", Color32::from_rgb(80, 200, 80)),
    ("blue", Color32::from_rgb(90, 130, 240)),
];

fn channels(h: &Histogram) -> [&[u32; 256]; 4] {
    [&h.luma, &h.red, &h.green, &h.blue]
}

/// The histogram panel: luma filled, R, G and B as lines.
pub fn histogram_ui(ui: &mut Ui, hist: Option<&Histogram>) {
    let Some(hist) = hist else {
        ui.weak("Histogram: waiting for the render");
        return;
    };
    Plot::new("histogram")
        .height(110.0)
        .show_axes(false)
        .show_grid(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .include_x(0.0)
        .include_x(255.0)
        .include_y(0.0)
        .include_y(1.0)
        .show(ui, |plot| {
            for (i, ((name, color), bins)) in SERIES.iter().zip(channels(hist)).enumerate() {
                let points: PlotPoints<'_> = normalized(bins)
                    .iter()
                    .enumerate()
                    .map(|(x, &y)| [x as f64, f64::from(y)])
                    .collect();
                let mut line = Line::new(*name, points).color(*color).width(1.0);
                if i == 0 {
                    line = line.fill(0.0).fill_alpha(0.35);
                }
                plot.line(line);
            }
        })
        .response
        .on_hover_text("Histogram of the current result: luma (filled), red, green, blue");
}

/// Paints `hist`'s luma (or one channel) as faint bars behind an editor
/// occupying `rect` (level 0 at the left, 255 at the right).
pub fn paint_backdrop(ui: &Ui, rect: Rect, bins: &[u32; 256], color: Color32) {
    let heights = normalized(bins);
    let painter = ui.painter_at(rect);
    let w = rect.width() / 256.0;
    for (i, &h) in heights.iter().enumerate() {
        if h <= 0.0 {
            continue;
        }
        let x = rect.left() + i as f32 * w;
        painter.rect_filled(
            Rect::from_min_max(
                Pos2::new(x, rect.bottom() - h * rect.height()),
                Pos2::new(x + w.max(1.0), rect.bottom()),
            ),
            0.0,
            color,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_clipped_ends_and_keeps_order() {
        let mut bins = [0u32; 256];
        bins[0] = 1_000_000;
        bins[10] = 100;
        bins[20] = 25;
        let n = normalized(&bins);
        assert_eq!(n[10], 1.0);
        assert!((n[20] - 0.5).abs() < 1e-6);
        assert_eq!(n[0], 1.0, "clipped bins are capped, not used for scale");
        assert_eq!(n[5], 0.0);
    }
}
