//! Integration tests: the real binary over fixture migrations and throwaway git repositories,
//! and the installer with the hook it puts in place.

mod support;

mod adoption;

mod fixtures;
mod formats;
mod git_modes;
mod hook_commit;
mod install;
mod library_cli;
mod odd_files;
