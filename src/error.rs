//! The crate's error type: the tool failing to do its job (exit status 2), as opposed to
//! findings, which are data.
