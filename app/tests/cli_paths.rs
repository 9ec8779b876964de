//! Paths given to `lumen`: names that are not UTF-8 (Unix file names are
//! bytes), in every position, for the CLI and the editor.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

mod cli_run;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt as _;
use std::path::PathBuf;
use std::process::Command;

use cli_run::{invert_recipe, lumen, png};

/// A name that is not valid UTF-8 (Latin-1 "café").
fn latin1(stem: &str, ext: &str) -> OsString {
    let mut bytes = stem.as_bytes().to_vec();
    bytes.extend_from_slice(b"-caf\xe9.");
    bytes.extend_from_slice(ext.as_bytes());
    OsStr::from_bytes(&bytes).to_owned()
}

#[test]
fn apply_takes_non_utf8_input_output_and_recipe_names() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(latin1("in", "png"));
    let output = dir.path().join(latin1("out", "png"));
    let recipe = dir.path().join(latin1("recipe", "json"));
    std::fs::write(&input, png(5, 4)).unwrap();
    std::fs::copy(invert_recipe(dir.path()), &recipe).unwrap();
    lumen(&[
        OsStr::new("apply"),
        OsStr::new("--recipe"),
        recipe.as_os_str(),
        input.as_os_str(),
        output.as_os_str(),
    ])
    .assert_code(0);
    let out = lumen_app::io::load(&output, "out").unwrap();
    assert_eq!((out.width(), out.height()), (5, 4));
}

#[test]
fn a_non_utf8_name_in_a_batch_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join(latin1("out", "d"));
    std::fs::create_dir(&out_dir).unwrap();
    let recipe = invert_recipe(dir.path());
    let inputs: Vec<PathBuf> = vec![
        dir.path().join("a.png"),
        dir.path().join(latin1("b", "png")),
        dir.path().join("c.png"),
    ];
    for p in &inputs {
        std::fs::write(p, png(3, 3)).unwrap();
    }
    let mut args: Vec<OsString> = vec![
        "apply".into(),
        "--recipe".into(),
        recipe.into(),
        "--out-dir".into(),
        out_dir.clone().into(),
    ];
    args.extend(inputs.iter().map(|p| p.clone().into_os_string()));
    lumen(&args).assert_code(0);
    for p in &inputs {
        let written = out_dir.join(p.file_name().unwrap());
        assert!(written.is_file(), "{} missing", written.display());
    }
}

#[test]
fn the_editor_reads_a_non_utf8_image_and_recipe_name() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join(latin1("photo", "png"));
    let recipe = dir.path().join(latin1("look", "json"));
    std::fs::write(&image, png(2, 2)).unwrap();
    std::fs::copy(invert_recipe(dir.path()), &recipe).unwrap();
    let args = [
        OsString::from("lumen"),
        image.clone().into(),
        "--recipe".into(),
        recipe.into(),
    ];
    let lumen_app::cli::Start::Editor(options) = lumen_app::cli::start(args) else {
        panic!("the editor should start");
    };
    assert_eq!(options.image.as_deref(), Some(image.as_path()));
    assert!(options.recipe.unwrap().contains("invert"));

    // The real binary, with no display to open a window on: it must fail
    // to open the window, not panic on the name.
    let mut cmd = Command::new(cli_run::bin());
    cmd.arg(&image)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("LUMEN_DATA_DIR", dir.path().join("data"));
    let run = cli_run::run(cmd);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_ne!(run.code, Some(101), "{run:?}");
    assert!(run.stderr.contains("editor window"), "{run:?}");
}
