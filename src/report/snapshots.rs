//! Snapshots of every format over the one sample report (`sample`): what a user sees, byte
//! for byte, so a change to any printer shows up in review as a diff of its output.

use super::sample;
use super::{Format, summary};

fn rendered(format: Format, color: bool) -> String {
    let report = sample::report();
    let mut out = Vec::new();
    super::print(&mut out, &report, format, color).expect("writing to a Vec cannot fail");
    if format.is_human() {
        summary(&mut out, &report, color).expect("writing to a Vec cannot fail");
    }
    String::from_utf8(out).expect("the printers write UTF-8")
}

#[test]
fn every_format_of_the_sample_report() {
    for format in Format::ALL {
        insta::assert_snapshot!(format.name(), rendered(format, false));
    }
}

#[test]
fn full_format_in_colour() {
    insta::assert_snapshot!("full-colour", rendered(Format::Full, true));
}
