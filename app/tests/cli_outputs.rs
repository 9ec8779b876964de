//! Where `lumen apply` writes: never over its own inputs unless asked,
//! never through a link out of `--out-dir`, and under names as long as the
//! file system allows.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

mod cli_run;

use std::ffi::OsString;
use std::path::Path;

use cli_run::{invert_recipe, lumen, png};

fn apply(recipe: &Path, rest: &[&std::ffi::OsStr]) -> cli_run::Run {
    let mut args: Vec<OsString> = vec!["apply".into(), "--recipe".into(), recipe.into()];
    args.extend(rest.iter().map(|s| s.to_os_string()));
    lumen(&args)
}

#[test]
fn out_dir_equal_to_the_inputs_folder_needs_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    let recipe = invert_recipe(dir.path());
    let (a, b) = (photos.join("a.png"), photos.join("b.png"));
    std::fs::write(&a, png(4, 4)).unwrap();
    std::fs::write(&b, png(4, 4)).unwrap();
    let args = [
        "--out-dir".as_ref(),
        photos.as_os_str(),
        a.as_os_str(),
        b.as_os_str(),
    ];
    let run = apply(&recipe, &args);
    run.assert_code(2);
    assert!(
        run.stderr.contains("would replace its own input") && run.stderr.contains("--overwrite"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&a).unwrap(), png(4, 4), "an original changed");
    assert_eq!(std::fs::read(&b).unwrap(), png(4, 4), "an original changed");

    let mut with = vec!["--overwrite".as_ref()];
    with.extend(args);
    apply(&recipe, &with).assert_code(0);
    assert_ne!(
        std::fs::read(&a).unwrap(),
        png(4, 4),
        "--overwrite replaces"
    );
}

#[test]
fn an_output_that_is_the_input_by_another_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = invert_recipe(dir.path());
    let input = dir.path().join("in.png");
    std::fs::write(&input, png(3, 3)).unwrap();
    let hard = dir.path().join("hard.png");
    std::fs::hard_link(&input, &hard).unwrap();
    for output in [input.clone(), hard, dir.path().join("./in.png")] {
        let run = apply(&recipe, &[input.as_os_str(), output.as_os_str()]);
        run.assert_code(2);
        assert!(run.stderr.contains("its own input"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read(&input).unwrap(), png(3, 3));
}

#[test]
fn a_link_inside_out_dir_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = invert_recipe(dir.path());
    let (inputs, out, outside) = (
        dir.path().join("in"),
        dir.path().join("out"),
        dir.path().join("outside"),
    );
    for d in [&inputs, &out, &outside] {
        std::fs::create_dir(d).unwrap();
    }
    let victim = outside.join("precious.png");
    std::fs::write(&victim, b"not to be touched").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("x.png")).unwrap();
    let input = inputs.join("x.png");
    std::fs::write(&input, png(2, 2)).unwrap();
    apply(
        &recipe,
        &["--out-dir".as_ref(), out.as_os_str(), input.as_os_str()],
    )
    .assert_code(0);
    assert_eq!(std::fs::read(&victim).unwrap(), b"not to be touched");
    let written = std::fs::symlink_metadata(out.join("x.png")).unwrap();
    assert!(written.is_file(), "the link itself is replaced by the file");
    let img = lumen_app::io::load(&out.join("x.png"), "x").unwrap();
    assert_eq!((img.width(), img.height()), (2, 2));
}

#[test]
fn output_names_up_to_the_file_name_limit_work() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = invert_recipe(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for len in [237, 250, 255] {
        let name = format!("{}.png", "n".repeat(len - 4));
        let input = dir.path().join(&name);
        std::fs::write(&input, png(2, 2)).unwrap();
        let single = out.join(format!("{}.jpg", "s".repeat(len - 4)));
        apply(&recipe, &[input.as_os_str(), single.as_os_str()]).assert_code(0);
        assert!(single.is_file(), "{len}");
        apply(
            &recipe,
            &["--out-dir".as_ref(), out.as_os_str(), input.as_os_str()],
        )
        .assert_code(0);
        assert!(out.join(&name).is_file(), "{len}");
        std::fs::remove_file(&input).unwrap();
    }
    let left: Vec<String> = cli_run::names(&out)
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
