//! `check-migrate server`: a language server on stdin and stdout. It shows, in any editor
//! that speaks LSP, what the hook would report for each open migration and model file, as
//! the file is typed: diagnostics on open and on every change (after a short pause in the
//! typing), quick fixes that rename a wrong name as `--fix` does or accept it with a
//! suppression comment. Messages are framed and parsed by `lsp-server`; this module decides
//! what to answer.

mod convert;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, InitializeParams, InitializeResult,
    LogMessageParams, MessageType, PositionEncodingKind, PublishDiagnosticsParams, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::check::Rule;
use crate::error::Error;
use crate::source::Buffers;
use workspace::{Checked, Workspace};

/// How long typing must pause before a changed document is checked again.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// What the reading thread passes on.
enum Incoming {
    Message(Message),
    /// A frame whose content is not a JSON-RPC message: there is no id to answer.
    Unreadable(String),
}

/// One open document.
struct Document {
    uri: Uri,
    path: PathBuf,
    version: i32,
    text: String,
    checked: Option<Checked>,
}

struct Server {
    out: io::Stdout,
    workspace: Option<Workspace>,
    documents: BTreeMap<String, Document>,
    /// Documents to check, each when its pause is over.
    due: BTreeMap<String, Instant>,
    shut_down: bool,
    next_id: i32,
    /// The client can be asked to report changes to files (`client/registerCapability`).
    can_watch: bool,
    /// Library warnings already logged.
    said: BTreeSet<String>,
}

/// Serve until the client says `exit`: `Ok(true)` when it said `shutdown` first, as the
/// protocol asks, `Ok(false)` when it did not (or stdin closed first).
pub fn serve() -> Result<bool, Error> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            let incoming = match Message::read(&mut input) {
                Ok(Some(message)) => Incoming::Message(message),
                Ok(None) => break,
                Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                    Incoming::Unreadable(err.to_string())
                }
                Err(_) => break,
            };
            let exit = matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
            if sender.send(incoming).is_err() || exit {
                break;
            }
        }
    });
    let mut server = Server {
        out: io::stdout(),
        workspace: None,
        documents: BTreeMap::new(),
        due: BTreeMap::new(),
        shut_down: false,
        next_id: 0,
        can_watch: false,
        said: BTreeSet::new(),
    };
    server.run(&receiver)
}

impl Server {
    fn run(&mut self, receiver: &Receiver<Incoming>) -> Result<bool, Error> {
        loop {
            let next = self.due.values().min().copied();
            let incoming = match next {
                Some(when) => {
                    match receiver.recv_timeout(when.saturating_duration_since(Instant::now())) {
                        Ok(incoming) => Some(incoming),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(false),
                    }
                }
                None => match receiver.recv() {
                    Ok(incoming) => Some(incoming),
                    Err(_) => return Ok(false),
                },
            };
            match incoming {
                Some(Incoming::Message(Message::Request(request))) => self.request(request)?,
                Some(Incoming::Message(Message::Notification(notification))) => {
                    if notification.method == "exit" {
                        return Ok(self.shut_down);
                    }
                    self.notification(notification)?;
                }
                // Answers to what the server asked (registering file watchers).
                Some(Incoming::Message(Message::Response(_))) => {}
                Some(Incoming::Unreadable(why)) => {
                    self.log(
                        MessageType::ERROR,
                        &format!("a message could not be read: {why}"),
                    )?;
                }
                None => self.check_due()?,
            }
        }
    }

    fn send(&mut self, message: Message) -> Result<(), Error> {
        let mut out = self.out.lock();
        message.write(&mut out).map_err(Error::Output)?;
        out.flush().map_err(Error::Output)
    }

    fn respond(&mut self, id: RequestId, result: impl serde::Serialize) -> Result<(), Error> {
        let value = serde_json::to_value(result).unwrap_or(serde_json::Value::Null);
        self.send(Response::new_ok(id, value).into())
    }

    fn refuse(&mut self, id: RequestId, code: ErrorCode, message: String) -> Result<(), Error> {
        self.send(Response::new_err(id, code as i32, message).into())
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) -> Result<(), Error> {
        let value = serde_json::to_value(params).unwrap_or(serde_json::Value::Null);
        self.send(Notification::new(method.to_string(), value).into())
    }

    fn log(&mut self, typ: MessageType, message: &str) -> Result<(), Error> {
        let message = format!("check-migrate: {message}");
        self.notify("window/logMessage", LogMessageParams { typ, message })
    }

    fn request(&mut self, request: Request) -> Result<(), Error> {
        let Request { id, method, params } = request;
        if self.shut_down {
            return self.refuse(
                id,
                ErrorCode::InvalidRequest,
                "the server is shut down".into(),
            );
        }
        match (method.as_str(), &self.workspace) {
            ("initialize", None) => match serde_json::from_value::<InitializeParams>(params) {
                Ok(params) => self.initialize(id, &params),
                Err(err) => self.refuse(id, ErrorCode::InvalidParams, err.to_string()),
            },
            ("initialize", Some(_)) => {
                self.refuse(id, ErrorCode::InvalidRequest, "already initialized".into())
            }
            (_, None) => self.refuse(
                id,
                ErrorCode::ServerNotInitialized,
                "initialize comes first".into(),
            ),
            ("shutdown", Some(_)) => {
                self.shut_down = true;
                self.respond(id, ())
            }
            ("textDocument/codeAction", Some(_)) => {
                match serde_json::from_value::<CodeActionParams>(params) {
                    Ok(params) => {
                        let actions = self.code_actions(&params);
                        self.respond(id, actions)
                    }
                    Err(err) => self.refuse(id, ErrorCode::InvalidParams, err.to_string()),
                }
            }
            (other, Some(_)) => {
                self.refuse(id, ErrorCode::MethodNotFound, format!("no method {other}"))
            }
        }
    }

    fn initialize(&mut self, id: RequestId, params: &InitializeParams) -> Result<(), Error> {
        // The first workspace folder, else the root of older clients.
        #[allow(deprecated)]
        let root_uri = params.root_uri.as_ref();
        let folder = params
            .workspace_folders
            .iter()
            .flatten()
            .map(|folder| &folder.uri)
            .chain(root_uri)
            .find_map(convert::path_of)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        // Everything below finds the repository and configs from the working directory, as
        // the command line does from where it runs.
        if let Err(err) = std::env::set_current_dir(&folder) {
            let message = format!("cannot work in {}: {err}", folder.display());
            return self.refuse(id, ErrorCode::InvalidParams, message);
        }
        self.workspace = Some(Workspace::open(&folder));
        self.can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let capabilities = ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "check-migrate".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        self.respond(id, result)?;
        self.say_workspace_problems()
    }

    fn notification(&mut self, notification: Notification) -> Result<(), Error> {
        if self.workspace.is_none() {
            return Ok(());
        }
        let Notification { method, params } = notification;
        match method.as_str() {
            "initialized" => self.watch_files(),
            "textDocument/didOpen" => {
                let Some(params) = self.params::<DidOpenTextDocumentParams>(&method, params)?
                else {
                    return Ok(());
                };
                let document = params.text_document;
                let Some(path) = convert::path_of(&document.uri).map(|p| real_path(&p)) else {
                    return Ok(());
                };
                let key = document.uri.as_str().to_string();
                self.documents.insert(
                    key.clone(),
                    Document {
                        uri: document.uri,
                        path,
                        version: document.version,
                        text: document.text,
                        checked: None,
                    },
                );
                self.due.insert(key, Instant::now());
                Ok(())
            }
            "textDocument/didChange" => {
                let Some(params) = self.params::<DidChangeTextDocumentParams>(&method, params)?
                else {
                    return Ok(());
                };
                let key = params.text_document.uri.as_str().to_string();
                let Some(document) = self.documents.get_mut(&key) else {
                    return Ok(());
                };
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    document.text = change.text;
                }
                document.version = params.text_document.version;
                self.due.insert(key, Instant::now() + DEBOUNCE);
                Ok(())
            }
            "textDocument/didSave" => {
                let Some(params) = self.params::<DidSaveTextDocumentParams>(&method, params)?
                else {
                    return Ok(());
                };
                let key = params.text_document.uri.as_str().to_string();
                self.due.insert(key, Instant::now());
                Ok(())
            }
            "textDocument/didClose" => {
                let Some(params) = self.params::<DidCloseTextDocumentParams>(&method, params)?
                else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                self.documents.remove(uri.as_str());
                self.due.remove(uri.as_str());
                self.publish(uri, Vec::new(), None)
            }
            // A file changed on disk: a config, a library, another migration of an app.
            "workspace/didChangeWatchedFiles" => {
                if let Some(workspace) = &mut self.workspace {
                    workspace.reload();
                }
                self.say_workspace_problems()?;
                let now = Instant::now() + DEBOUNCE;
                for uri in self.documents.keys() {
                    self.due.insert(uri.clone(), now);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The parameters of a notification, or `None` (logged) when they do not fit it.
    fn params<P: serde::de::DeserializeOwned>(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<Option<P>, Error> {
        match serde_json::from_value(params) {
            Ok(params) => Ok(Some(params)),
            Err(err) => {
                self.log(MessageType::ERROR, &format!("{method}: {err}"))?;
                Ok(None)
            }
        }
    }

    /// Ask the client to report changes to configs, libraries, baselines and Python files.
    fn watch_files(&mut self) -> Result<(), Error> {
        if !self.can_watch {
            return Ok(());
        }
        let watchers: Vec<serde_json::Value> = [
            "**/.check-migrate.toml",
            "**/pyproject.toml",
            "**/*.csv",
            "**/*.json",
            "**/*.py",
        ]
        .iter()
        .map(|glob| serde_json::json!({ "globPattern": glob }))
        .collect();
        self.next_id += 1;
        let registration = serde_json::json!({
            "registrations": [{
                "id": "check-migrate-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": watchers },
            }]
        });
        let id = RequestId::from(format!("check-migrate-{}", self.next_id));
        self.send(Request::new(id, "client/registerCapability".to_string(), registration).into())
    }

    fn say_workspace_problems(&mut self) -> Result<(), Error> {
        let Some(workspace) = &self.workspace else {
            return Ok(());
        };
        let lines: Vec<String> = workspace.warnings.clone();
        let error = workspace.config_error().map(str::to_string);
        for line in lines {
            if self.said.insert(line.clone()) {
                self.log(MessageType::WARNING, &line)?;
            }
        }
        // Nothing can be checked: said where the user looks, once (the checks' own report
        // of it is the same line, and is not said again).
        if let Some(error) = error
            && self.said.insert(error.clone())
        {
            let message = format!("check-migrate: {error}");
            self.notify(
                "window/showMessage",
                lsp_types::ShowMessageParams {
                    typ: MessageType::ERROR,
                    message: message.clone(),
                },
            )?;
            self.log(MessageType::ERROR, &error)?;
        }
        Ok(())
    }

    /// The open documents' texts, standing in for their files.
    fn buffers(&self) -> Buffers {
        self.documents
            .values()
            .map(|d| {
                (
                    crate::source::absolute_path(&d.path),
                    d.text.clone().into_bytes(),
                )
            })
            .collect()
    }

    /// Check the documents whose pause is over, and the other open migrations of their apps
    /// (a change in one can make or mend a graph finding in another).
    fn check_due(&mut self) -> Result<(), Error> {
        let now = Instant::now();
        let due: Vec<String> = self
            .due
            .iter()
            .filter(|(_, when)| **when <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let mut uris: BTreeSet<String> = due.iter().cloned().collect();
        for uri in &due {
            self.due.remove(uri);
            let Some(folder) = self.documents.get(uri).and_then(|d| d.path.parent()) else {
                continue;
            };
            for (other, document) in &self.documents {
                if document.path.parent() == Some(folder) {
                    uris.insert(other.clone());
                }
            }
        }
        if let Some(workspace) = &mut self.workspace
            && workspace.reload_if_changed()
        {
            uris.extend(self.documents.keys().cloned());
            self.say_workspace_problems()?;
        }
        let buffers = self.buffers();
        for key in uris {
            let Some(workspace) = &self.workspace else {
                return Ok(());
            };
            let Some(document) = self.documents.get(&key) else {
                continue;
            };
            let uri = document.uri.clone();
            let checked = workspace.check(&document.path, &buffers);
            let version = document.version;
            let root = workspace.root.clone();
            let read = |path: &Path| crate::fix::read(&buffers, path);
            let introduced = |name: &str| {
                let file = checked.shown.as_deref()?;
                crate::fix::migration_naming(&root, &buffers, file, name)
            };
            let diagnostics = checked
                .file()
                .map(|file| convert::diagnostics(file, &root, &read, &introduced))
                .unwrap_or_default();
            for error in checked.errors.clone() {
                if self.said.insert(error.clone()) {
                    self.log(MessageType::WARNING, &error)?;
                }
            }
            if let Some(document) = self.documents.get_mut(&key) {
                document.checked = Some(checked);
            }
            self.publish(uri, diagnostics, Some(version))?;
        }
        Ok(())
    }

    fn publish(
        &mut self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Error> {
        self.notify(
            "textDocument/publishDiagnostics",
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        )
    }

    /// The quick fixes for the findings of the document in `params.range`.
    // `WorkspaceEdit` is keyed by `Uri`, whose hash and order are those of its text.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let (Some(workspace), Some(document)) = (&self.workspace, self.documents.get(uri.as_str()))
        else {
            return Vec::new();
        };
        let Some(checked) = &document.checked else {
            return Vec::new();
        };
        let Some(file) = checked.file() else {
            return Vec::new();
        };
        // Findings of an older text would point at the wrong bytes.
        if file.source != document.text.as_bytes() {
            return Vec::new();
        }
        let buffers = self.buffers();
        let mut actions = Vec::new();
        for finding in &file.findings {
            let range = convert::range(&file.source, &finding.span);
            let overlaps = range.start <= params.range.end && params.range.start <= range.end;
            if !overlaps {
                continue;
            }
            if let (Some(old), [only]) = (&finding.name, finding.suggestions.as_slice())
                && let Some(files) = workspace.rename(checked, finding, &buffers)
            {
                let changes = files
                    .into_iter()
                    .filter_map(|(path, content, edits)| {
                        let edits = edits
                            .iter()
                            .map(|e| {
                                TextEdit::new(convert::range(&content, &e.span), e.new.clone())
                            })
                            .collect();
                        // An open document by the URI the editor knows it by.
                        let open = self.documents.values().find(|d| d.path == path);
                        let uri = open
                            .map(|d| d.uri.clone())
                            .or_else(|| convert::uri_of(&path))?;
                        Some((uri, edits))
                    })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Rename `{old}` to `{}` in the model and its uncommitted migrations",
                        only.name
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    is_preferred: Some(true),
                    edit: Some(WorkspaceEdit::new(changes)),
                    ..CodeAction::default()
                }));
            }
            if let Some(edit) = suppression(&file.source, finding.rule, finding.span.start) {
                let rule = finding.rule.id();
                let changes = [(uri.clone(), vec![edit])].into_iter().collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Accept with `# check-migrate: ignore[{rule}]`"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    edit: Some(WorkspaceEdit::new(changes)),
                    ..CodeAction::default()
                }));
            }
        }
        actions
    }
}

/// `path` with its links resolved, as the repository's root is: a folder opened through a
/// symlink names the same files. A file not on disk yet is resolved through its folder.
fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    match (path.parent().map(Path::canonicalize), path.file_name()) {
        (Some(Ok(folder)), Some(name)) => folder.join(name),
        _ => path.to_path_buf(),
    }
}

/// The comment that accepts a finding of `rule` on the line of byte `at`, added at the end
/// of that line; `None` for a rule no comment accepts, or a line that has one already.
fn suppression(source: &[u8], rule: Rule, at: usize) -> Option<TextEdit> {
    if !matches!(
        rule,
        Rule::FieldName | Rule::AlteredFieldName | Rule::DbColumn
    ) {
        return None;
    }
    let end = source
        .get(at..)?
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(source.len(), |length| at + length);
    let start = source[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |newline| newline + 1);
    let (comments, in_string) = crate::migration::line_end(source, start..end).ok()?;
    // A comment for other rules takes this one too: `ignore[db-column, field-name]`.
    for comment in &comments {
        let text = String::from_utf8_lossy(&source[comment.clone()]);
        let Some(rest) = text.strip_prefix('#') else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(list) = rest.strip_prefix("check-migrate:") {
            let list = list.trim_start();
            // A bare `ignore` accepts every rule: nothing to add.
            let names = list.strip_prefix("ignore[")?;
            let close = names.find(']')?;
            let at = comment.start + text.len() - rest.len()
                + (rest.len() - list.len())
                + "ignore[".len()
                + close;
            let position = convert::position(source, at);
            let joined = if names[..close].trim().is_empty() {
                rule.id().to_string()
            } else {
                format!(", {}", rule.id())
            };
            return Some(TextEdit::new(
                lsp_types::Range::new(position, position),
                joined,
            ));
        }
    }
    let code_end = comments.first().map_or(end, |c| c.start.max(start));
    let code = String::from_utf8_lossy(&source[start..code_end]);
    // A `#` inside a string is text; after a line continuation it would end the statement.
    if in_string || code.trim_end().ends_with('\\') {
        return None;
    }
    let position = convert::position(source, end);
    Some(TextEdit::new(
        lsp_types::Range::new(position, position),
        format!("  # check-migrate: ignore[{}]", rule.id()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppression_goes_at_the_end_of_the_line() {
        let source = b"a = 1\n    (\"create_time\", models.DateTimeField()),\nb = 2\n";
        let at = 11;
        let edit = suppression(source, Rule::FieldName, at).expect("edit");
        let line = "    (\"create_time\", models.DateTimeField()),".len();
        assert_eq!(edit.range.start, lsp_types::Position::new(1, line as u32));
        assert_eq!(edit.new_text, "  # check-migrate: ignore[field-name]");
        assert!(suppression(source, Rule::MultipleLeaves, at).is_none());
        let commented = b"(\"x\", f()),  # check-migrate: ignore[db-column]\n";
        let joined = suppression(commented, Rule::FieldName, 2).expect("edit");
        assert_eq!(joined.range.start, lsp_types::Position::new(0, 46));
        assert_eq!(joined.new_text, ", field-name");
        let continued = b"(\"x\", \\\n    f()),\n";
        assert!(suppression(continued, Rule::FieldName, 2).is_none());
        // What looks like a comment in a string is text; a string going on past the line too.
        let text = b"(\"x\", f(help_text=\"# check-migrate: ignore[db-column]\")),\n";
        let edit = suppression(text, Rule::FieldName, 2).expect("edit");
        assert_eq!(edit.new_text, "  # check-migrate: ignore[field-name]");
        let open = b"(\"x\", f(help_text=\"\"\"first\nsecond\"\"\")),\n";
        assert!(suppression(open, Rule::FieldName, 2).is_none());
        let compact = b"(\"x\", f()),  #check-migrate:ignore[]\n";
        let edit = suppression(compact, Rule::FieldName, 2).expect("edit");
        assert_eq!(edit.new_text, "field-name");
    }
}
