//! The bad-files corpus opened in the real editor (egui_kittest): each bad
//! file shows an error naming it, the open document stays, nothing hangs
//! (a pipe used to block the loading thread forever); a mislabelled file
//! opens. And an export onto a read-only file keeps that file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod corpus;

use corpus::{Content, Expect, corpus};
use lumen_app::LumenApp;
use lumen_app::io::ExportFormat;

mod common;
use common::app;

fn harness() -> egui_kittest::Harness<'static, common::State> {
    common::harness(lumen_app::Options::default())
}

fn settle(h: &mut egui_kittest::Harness<'_, common::State>, what: &str) {
    common::step_until(h, what, LumenApp::is_idle);
}

#[test]
fn every_bad_file_shows_an_error_and_keeps_the_open_image() {
    let mut h = harness();
    settle(&mut h, "start");
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<_> = corpus()
        .into_iter()
        .filter(|c| matches!(c.expect, Expect::Fails(_)) || c.file_name == "png-bytes.jpg")
        .filter(|c| !matches!(c.content, Content::Huge))
        .collect();
    let mut open = "sample.png".to_owned();
    for case in cases {
        let path = case.create(dir.path());
        h.state_mut().as_mut().unwrap().open_path(path);
        settle(&mut h, &case.file_name);
        match case.expect {
            Expect::Fails(_) => {
                let notice = app(&h).notice().expect("a message is shown");
                assert!(
                    notice.is_error && notice.text.contains(&case.file_name),
                    "{}: {}",
                    case.file_name,
                    notice.text
                );
                assert!(!notice.text.contains("decoder failed"), "{}", notice.text);
                assert_eq!(app(&h).document().unwrap().name, open);
            }
            Expect::Opens(w, hgt) => {
                let doc = app(&h).document().unwrap();
                assert_eq!(doc.name, case.file_name);
                assert_eq!((doc.source.width(), doc.source.height()), (w, hgt));
                open = case.file_name.clone();
            }
        }
    }
}

#[test]
fn export_onto_a_read_only_file_fails_and_keeps_it() {
    let mut h = harness();
    settle(&mut h, "start");
    h.state_mut().as_mut().unwrap().add_filter("invert");
    settle(&mut h, "invert");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("keep.png");
    std::fs::write(&target, b"precious").unwrap();
    let mut perms = std::fs::metadata(&target).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&target, perms).unwrap();
    h.state_mut()
        .as_mut()
        .unwrap()
        .export_to(target.clone(), ExportFormat::Png);
    settle(&mut h, "export");
    let notice = app(&h).notice().expect("a message is shown");
    assert!(notice.is_error, "{}", notice.text);
    assert!(notice.text.contains("read-only"), "{}", notice.text);
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert!(app(&h).document().unwrap().is_dirty());
}
