//! Bad input files, through the function the editor opens files with
//! (`io::load`) and through `lumen apply`: every case fails with a message
//! naming the file and the problem, never panics or hangs, and the CLI
//! leaves no output file behind. Mislabelled files open by their content.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::{Case, Content, Expect, corpus};
use lumen_app::io;

/// The CLI must answer any single small file within this.
const CLI_TIMEOUT: Duration = Duration::from_secs(60);

fn assert_message(case: &Case, message: &str, words: &[&str]) {
    if let Err(e) = check_message(case, message, words) {
        panic!("{e}");
    }
}

fn check_message(case: &Case, message: &str, words: &[&str]) -> Result<(), String> {
    let lower = message.to_lowercase();
    if !message.contains(&case.file_name) {
        return Err(format!(
            "{}: the message does not name the file: {message}",
            case.file_name
        ));
    }
    if !words.iter().any(|w| lower.contains(w)) {
        return Err(format!(
            "{}: expected one of {words:?} in: {message}",
            case.file_name
        ));
    }
    if lower.contains("decoder failed") {
        return Err(format!("{}: a decoder panicked: {message}", case.file_name));
    }
    Ok(())
}

#[test]
fn the_editors_load_function_rejects_every_bad_file_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for case in corpus() {
        let path = case.create(dir.path());
        let started = Instant::now();
        let result = io::load(&path, &case.file_name);
        if started.elapsed() > Duration::from_secs(20) {
            problems.push(format!("{}: took {:?}", case.file_name, started.elapsed()));
        }
        let outcome = match (&case.expect, result) {
            (Expect::Opens(w, h), Ok(img)) if (img.width(), img.height()) == (*w, *h) => Ok(()),
            (Expect::Opens(..), Ok(img)) => Err(format!(
                "{}: opened as {}x{}",
                case.file_name,
                img.width(),
                img.height()
            )),
            (Expect::Opens(..), Err(e)) => Err(format!("{}: should open, got {e}", case.file_name)),
            (Expect::Fails(_), Ok(img)) => Err(format!(
                "{}: should fail, opened as {}x{}",
                case.file_name,
                img.width(),
                img.height()
            )),
            (Expect::Fails(words), Err(e)) => check_message(&case, &e.to_string(), words),
        };
        match outcome {
            Ok(()) => eprintln!(
                "ok   {}: {:?}",
                case.file_name,
                io::load(&path, &case.file_name)
                    .err()
                    .map(|e| e.to_string())
            ),
            Err(p) => problems.push(p),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_character_device_is_refused_not_read_forever() {
    let e = io::load(Path::new("/dev/zero"), "zero").unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

/// Every byte of every good file, one bit flipped at a time (a sample of
/// positions): decoding gives an image or an error, and no decoder panics.
#[test]
fn bit_flips_never_crash_a_decoder() {
    let files = [
        ("png", corpus::png()),
        ("jpg", corpus::jpeg()),
        ("webp", corpus::webp()),
        ("gif", corpus::gif()),
        ("bmp", corpus::bmp()),
        ("tiff", corpus::tiff()),
    ];
    let mut tried = 0;
    for (ext, good) in files {
        let step = (good.len() / 97).max(1);
        for at in (0..good.len()).step_by(step) {
            for bit in [0, 3, 7] {
                let mut bytes = good.clone();
                bytes[at] ^= 1 << bit;
                let name = format!("flip-{at}-{bit}.{ext}");
                if let Err(e) = io::decode(&bytes, &name) {
                    let msg = e.to_string();
                    assert!(msg.contains(&name), "{msg}");
                    assert!(!msg.contains("decoder failed"), "panic: {msg}");
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 1000, "{tried}");
}

/// The outcome of one CLI run.
struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs `lumen` with `args`, killing it (and failing the test) if it takes
/// longer than [`CLI_TIMEOUT`].
fn lumen(args: &[&std::ffi::OsStr]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lumen"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return Run {
                code: status.code(),
                stderr,
            };
        }
        if started.elapsed() > CLI_TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            panic!("lumen {args:?} hung for {CLI_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn recipe(dir: &Path) -> PathBuf {
    let path = dir.join("recipe.json");
    std::fs::write(&path, r#"{"lumen_recipe":1,"steps":[{"filter":"invert"}]}"#).unwrap();
    path
}

/// Names in `dir` that look like Lumen's temporary files.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".lumen-"))
        .collect()
}

/// A temporary directory with `in/` and `out/` folders and a recipe.
fn workspace() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let outputs = dir.path().join("out");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::create_dir(&outputs).unwrap();
    let recipe = recipe(dir.path());
    (dir, inputs, outputs, recipe)
}

#[test]
fn lumen_apply_fails_cleanly_on_every_bad_file_and_writes_nothing() {
    let (_dir, inputs, outputs, recipe) = workspace(); // `_dir` keeps it alive
    for (i, case) in corpus().into_iter().enumerate() {
        let input = case.create(&inputs);
        let output = outputs.join(format!("{i}.png"));
        let run = lumen(&[
            "apply".as_ref(),
            "--recipe".as_ref(),
            recipe.as_os_str(),
            input.as_os_str(),
            output.as_os_str(),
        ]);
        assert!(
            !run.stderr.contains("panicked"),
            "{}: {}",
            case.file_name,
            run.stderr
        );
        match case.expect {
            Expect::Opens(w, h) => {
                assert_eq!(run.code, Some(0), "{}: {}", case.file_name, run.stderr);
                let out = io::load(&output, "out").unwrap();
                assert_eq!((out.width(), out.height()), (w, h));
            }
            Expect::Fails(words) => {
                assert_eq!(run.code, Some(1), "{}: {}", case.file_name, run.stderr);
                assert!(run.stderr.starts_with("lumen: "), "{}", run.stderr);
                assert_message(&case, &run.stderr, words);
                assert!(
                    !output.exists(),
                    "{}: a failed run left {}",
                    case.file_name,
                    output.display()
                );
            }
        }
        assert!(
            temporaries(&outputs).is_empty(),
            "{:?}",
            temporaries(&outputs)
        );
    }
}

#[test]
fn out_dir_writes_the_good_files_and_names_every_bad_one() {
    let (_dir, inputs, outputs, recipe) = workspace(); // `_dir` keeps it alive
    let good = inputs.join("good.png");
    std::fs::write(&good, corpus::png()).unwrap();
    let cases: Vec<Case> = corpus()
        .into_iter()
        .filter(|c| matches!(c.expect, Expect::Fails(_)))
        .filter(|c| !matches!(c.content, Content::Fifo | Content::Huge))
        .filter(|c| c.file_name.ends_with(".png"))
        .collect();
    let mut args: Vec<std::ffi::OsString> = vec![
        "apply".into(),
        "--recipe".into(),
        recipe.into(),
        "--out-dir".into(),
        outputs.clone().into(),
        good.into(),
    ];
    for case in &cases {
        args.push(case.create(&inputs).into());
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let run = lumen(&args);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for case in &cases {
        assert!(run.stderr.contains(&case.file_name), "{}", run.stderr);
    }
    let written: Vec<String> = std::fs::read_dir(&outputs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, vec!["good.png".to_owned()]);
}

#[test]
fn out_dir_refuses_two_inputs_with_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, outputs) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("out"),
    );
    for d in [&a, &b, &outputs] {
        std::fs::create_dir(d).unwrap();
    }
    std::fs::write(a.join("x.png"), corpus::png()).unwrap();
    std::fs::write(b.join("x.png"), corpus::png()).unwrap();
    let recipe = recipe(dir.path());
    let run = lumen(&[
        "apply".as_ref(),
        "--recipe".as_ref(),
        recipe.as_os_str(),
        "--out-dir".as_ref(),
        outputs.as_os_str(),
        a.join("x.png").as_os_str(),
        b.join("x.png").as_os_str(),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("would both be written"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(&outputs).unwrap().count(), 0);
}
