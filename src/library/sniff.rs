//! What a library file is before its rows are read: a git-lfs pointer standing in for the CSV,
//! a file separated by `;` or tabs instead of commas, and whether its first row is a header or
//! already a row of names. Each answer keeps a library that would check nothing, or drop a row,
//! from passing in silence.

use super::load::is_snake_case;

/// How a git-lfs pointer file starts (the spec's URL, and the one of its pre-release name).
const LFS_POINTER_STARTS: &[&[u8]] = &[
    b"version https://git-lfs.github.com/spec/",
    b"version https://hawser.github.com/spec/",
];

/// Titles of the first column that are snake_case, and so would read as a field name.
const CORRECT_TITLES: &[&str] = &["correct_name", "correct_names", "correct", "good_name"];

/// Titles of the third column that are snake_case. `name` or `field` are not among the first
/// column's titles: BlueKing's library has a row for `name`, and a headerless file starting
/// with it must not lose it.
const WRONG_TITLES: &[&str] = &[
    "wrong_names",
    "wrong_name",
    "wrong",
    "wrong_fields",
    "incorrect_names",
    "bad_names",
];

/// A separator used instead of the comma.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Semicolon,
    Tab,
}

impl Separator {
    fn char(self) -> char {
        match self {
            Separator::Semicolon => ';',
            Separator::Tab => '\t',
        }
    }
}

/// Whether `bytes` (without a byte order mark) are a git-lfs pointer: the file was never
/// fetched, so its content is not the library.
pub(super) fn is_lfs_pointer(bytes: &[u8]) -> bool {
    LFS_POINTER_STARTS
        .iter()
        .any(|start| bytes.starts_with(start))
}

/// The separator a file seems to use instead of commas, judged by its first record as read
/// with commas: its first cell holds two or more parts split by `;` or tabs. No header title or
/// field name holds either, so a comma-separated library is never taken for one; files are
/// refused rather than read with a guessed separator.
pub(super) fn other_separator(first: &[String]) -> Option<Separator> {
    let cell = first.first()?;
    let count = |c: char| cell.matches(c).count();
    let separator = match (count(';'), count('\t')) {
        (0, 0) => return None,
        (semicolons, tabs) if semicolons >= tabs => Separator::Semicolon,
        _ => Separator::Tab,
    };
    let parts = cell
        .split(separator.char())
        .filter(|part| !part.trim().is_empty())
        .count();
    (parts >= 2).then_some(separator)
}

/// Whether the first record reads as a row of names rather than a header: its first cell is a
/// snake_case name that is not a column title, and its third cell is blank or lists snake_case
/// names and is not a title either. Such a row is read as data: reading a header as a row adds
/// a name or two nobody uses, while skipping a row would drop its wrong names unseen. A header
/// in another language (`字段名,说明,错误字段集`) or capitalised is never snake_case.
pub(super) fn first_row_is_data(cells: &[String]) -> bool {
    let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
    let (first, wrong) = (cell(0), cell(2));
    is_snake_case(first)
        && !CORRECT_TITLES.contains(&first)
        && !WRONG_TITLES.contains(&wrong)
        && wrong
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .all(is_snake_case)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn lfs_pointers_are_recognised() {
        assert!(is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 3\n"
        ));
        assert!(is_lfs_pointer(
            b"version https://hawser.github.com/spec/v1\n"
        ));
        assert!(!is_lfs_pointer(b"correct_name,description,wrong_names\n"));
        assert!(!is_lfs_pointer(b"version,the version,\"ver,vers\"\n"));
    }

    #[test]
    fn semicolons_and_tabs_in_the_first_cell_are_separators() {
        let sniff = |line: &str| other_separator(&cells(line));
        assert_eq!(
            sniff("correct_name;description;wrong_names"),
            Some(Separator::Semicolon)
        );
        // A quoted list still splits at its commas when read with commas.
        assert_eq!(
            sniff("created_at;creation time;\"create_time,ctime\""),
            Some(Separator::Semicolon)
        );
        assert_eq!(sniff("字段名\t说明\t错误字段集"), Some(Separator::Tab));
        assert_eq!(sniff("a\tb;c\td"), Some(Separator::Tab));
    }

    #[test]
    fn comma_separated_first_rows_have_no_other_separator() {
        for line in [
            "correct_name,description,wrong_names",
            "\u{FEFF}字段名,说明,错误字段集",
            "created_at,creation; time,\"create_time;ctime\"",
            "created_at;,,",
            "",
        ] {
            assert_eq!(other_separator(&cells(line)), None, "{line:?}");
        }
        assert_eq!(other_separator(&[]), None);
    }

    #[test]
    fn headers_are_not_data() {
        for line in [
            "correct_name,description,wrong_names",
            "字段名,说明,错误字段集",
            "name,description,wrong",
            "field,about,wrong",
            "field_name,desc,wrong_names",
            "field_name,说明,错误字段集",
            "good_name,,",
            "Correct,Description,Wrong",
            "correct name,description,wrong names",
        ] {
            assert!(!first_row_is_data(&cells(line)), "{line}");
        }
    }

    #[test]
    fn rows_of_names_are_data() {
        for line in [
            "created_at,creation time,create_time",
            "created_at,创建时间,create_time, create_at",
            "name,名称,nm",
            "account,账户,",
            "created_at,create_time",
        ] {
            assert!(first_row_is_data(&cells(line)), "{line}");
        }
    }
}
