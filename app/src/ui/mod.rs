//! The editor's panels and widgets, one file each.

pub mod canvas;
pub mod export_dialog;
pub mod file_browser;
pub mod histogram;
pub mod mask_panel;
pub mod palette;
pub mod panels;
pub mod params;
pub mod params_heal;
pub mod params_photo;
pub mod params_tone;
pub mod step_tools;
pub mod tiles;
pub mod tools;
pub mod widgets;

#[cfg(test)]
mod tests {
    use lumen_kernels::spec::FILTERS;

    /// Every text the editor shows about a filter (its label, description
    /// and words, its parameters' labels, units and help) is drawn by the
    /// bundled fonts: a character they lack shows as an empty box.
    #[test]
    fn the_fonts_draw_every_filter_text() {
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear(); // nothing draws here
        let font = egui::FontId::proportional(14.0);
        // The check can fail: a heavy multiplication x was once used here.
        assert!(!ctx.fonts_mut(|f| f.has_glyph(&font, '\u{2715}')));
        let mut missing = Vec::new();
        for entry in FILTERS {
            let info = entry.info;
            let texts = [info.label, info.description]
                .into_iter()
                .chain(info.keywords.iter().copied())
                .chain(entry.params.iter().flat_map(|p| [p.label, p.unit, p.help]));
            for text in texts {
                for c in text.chars() {
                    if !c.is_control() && !ctx.fonts_mut(|f| f.has_glyph(&font, c)) {
                        missing.push((info.name, c));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "characters the fonts lack: {missing:?}");
    }
}
