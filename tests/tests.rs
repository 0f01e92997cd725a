//! Integration tests: the real binary over fixture migrations and throwaway git repositories.

mod support;

mod fixtures;
mod git_modes;
mod hook_commit;
mod odd_files;
