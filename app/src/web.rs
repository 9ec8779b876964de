//! The browser entry point: starts the editor on the page's canvas with
//! `eframe::WebRunner`, and replaces the loading indicator.

use wasm_bindgen::JsCast as _;

/// Id of the canvas element in index.html.
pub const CANVAS_ID: &str = "lumen_canvas";

fn show_status(text: &str, remove: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = document.get_element_by_id("loading") {
        if remove {
            el.remove();
        } else {
            el.set_text_content(Some(text));
        }
    }
}

/// Starts the editor. Errors are shown on the page instead of the loading
/// text.
pub fn start() {
    crate::platform::init_logging();
    wasm_bindgen_futures::spawn_local(async {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(canvas) = document
            .get_element_by_id(CANVAS_ID)
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            show_status("Lumen could not start: the page has no canvas.", false);
            return;
        };
        if let Err(e) = crate::platform::install_page_keys(&canvas) {
            log::warn!("{e}");
        }
        let focus_target = canvas.clone();
        let result = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(|cc| {
                    if let Err(e) = crate::platform::install_paste(cc.egui_ctx.clone()) {
                        log::warn!("{e}");
                    }
                    Ok(Box::new(crate::LumenApp::new(&cc.egui_ctx, None)))
                }),
            )
            .await;
        match result {
            Ok(()) => {
                show_status("", true);
                // Keys work at once, without a click on the canvas first.
                focus_target.focus().ok();
            }
            Err(e) => show_status(&format!("Lumen could not start: {e:?}"), false),
        }
    });
}
