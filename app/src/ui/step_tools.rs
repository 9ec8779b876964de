//! Requests from a step's parameter editor that only the editor as a whole
//! can carry out (a file dialog, a click on the canvas), passed through
//! egui's per-frame memory so parameter editors keep their simple
//! signature: the steps panel says which step it is drawing
//! ([`set_editing_step`]), an editor posts a request for that step
//! ([`request`]), and the app takes it after drawing ([`take_request`]).

use egui::{Context, Id};

/// What a step's editor asks of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolRequest {
    /// Import a `.cube` file into the `lut3d` step at this index.
    ImportCube(usize),
    /// Start picking a neutral pixel for the `temperature_tint` step at
    /// this index.
    PickWhite(usize),
    /// Stop picking.
    CancelPick,
    /// Start the on-canvas crop tool for the `crop` step at this index.
    CropOnCanvas(usize),
    /// Start the on-canvas mask tool for the mask of the step at this index.
    MaskOnCanvas(usize),
    /// Start the straighten tool for the `rotate_angle` step at this index.
    Straighten(usize),
    /// Start the heal tool for the `heal` step at this index.
    HealOnCanvas(usize),
}

fn editing_id() -> Id {
    Id::unique("lumen-editing-step")
}

fn request_id() -> Id {
    Id::unique("lumen-step-tool-request")
}

fn picking_id() -> Id {
    Id::unique("lumen-picking-white")
}

/// Marks step `index` as the one whose editor is being drawn.
pub fn set_editing_step(ctx: &Context, index: usize) {
    ctx.data_mut(|d| d.insert_temp(editing_id(), index));
}

/// The step whose editor is being drawn, if the panel said.
pub fn editing_step(ctx: &Context) -> Option<usize> {
    ctx.data(|d| d.get_temp(editing_id()))
}

/// Posts a request (the last one of a frame wins).
pub fn request(ctx: &Context, request: ToolRequest) {
    ctx.data_mut(|d| d.insert_temp(request_id(), request));
}

/// Takes the request posted this frame, if any.
pub fn take_request(ctx: &Context) -> Option<ToolRequest> {
    ctx.data_mut(|d| {
        let request = d.get_temp::<ToolRequest>(request_id());
        d.remove::<ToolRequest>(request_id());
        request
    })
}

/// Tells the editors which step is picking a neutral pixel (`None`: none).
pub fn set_picking(ctx: &Context, step: Option<usize>) {
    ctx.data_mut(|d| match step {
        Some(i) => {
            d.insert_temp(picking_id(), i);
        }
        None => d.remove::<usize>(picking_id()),
    });
}

/// The step picking a neutral pixel, if any.
pub fn picking(ctx: &Context) -> Option<usize> {
    ctx.data(|d| d.get_temp(picking_id()))
}
