//! Integration tests: the real binary over fixture migrations and throwaway git repositories,
//! and the installer with the hook it puts in place.

mod support;

mod adoption;
mod cli_habits;
mod declaration;

mod fix;
mod fixtures;
mod formats;
mod git_modes;
mod graph;
mod hook_commit;
mod hook_mode;
mod husky;
mod index_formats;
mod init;
mod install;
mod install_checkout;
mod install_interrupted;
mod install_merge;
mod install_shared;
mod json_schema;
mod lefthook;
mod library_cli;
mod library_closed;
mod model_files;
mod monorepo;
#[cfg(unix)]
mod non_utf8_paths;
mod odd_files;
mod packaging;
mod pre_commit_framework;
mod pre_push;
mod project;
mod schema;
mod schema_generated;
mod server;
mod since;
