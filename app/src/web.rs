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
    crate::platform::start_codec_worker();
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
            Err(e) => {
                log::error!("could not start: {e:?}");
                show_status(&start_failure(&e), false);
            }
        }
    });
}

/// What the page says when eframe could not start: a sentence, not the
/// error's debug form (`JsValue("WebGL isn't supported")`).
fn start_failure(error: &wasm_bindgen::JsValue) -> String {
    let text = error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"));
    if text.to_lowercase().contains("webgl") {
        "Lumen needs WebGL to draw the editor, and this browser has it turned off \
         or does not support it. Turn on hardware acceleration (or WebGL) in the \
         browser's settings, or open Lumen in another browser."
            .to_owned()
    } else {
        format!("Lumen could not start: {text}")
    }
}
