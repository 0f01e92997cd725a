//! check-migrate: stop wrong field names in Django migrations before they are committed.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source     where migration files come from (staged index, --all, --since, paths)
//!   -> migration  tree-sitter parse -> owned field names with byte spans
//!   -> check      names x field library -> findings
//!   -> report     findings -> human, concise, json, ... printers on `impl Write`
//! ```
//!
//! `library` loads the field library (the built-in one in `data/` or BlueKing CSV files);
//! `text` turns byte offsets into lines and character columns when something is printed.

pub mod check;
pub mod error;
pub mod library;
pub mod migration;
pub mod report;
pub mod source;
pub mod text;
