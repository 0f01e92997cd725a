//! Byte offsets to 1-based lines and character columns, computed only when something is
//! printed or compared with line numbers from a diff.
