//! `check-migrate server`: the real binary as a language server, spoken to over pipes as an
//! editor would: diagnostics at exact UTF-16 ranges, a fix typed in that clears them, model
//! files, quick fixes and their edits, malformed messages, config changes, and a clean exit.

use std::io::BufReader;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};

use crate::support::{Repo, check_migrate};

/// How long to wait for an answer before the test fails (rather than hangs).
const PATIENCE: Duration = Duration::from_secs(30);

const MODELS: &str = "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n    create_time = models.DateTimeField()\n";

/// The wrong name on a line whose Chinese text comes before it.
const LINE: &str = "        migrations.AddField(model_name=\"post\", field=models.DateTimeField(verbose_name=\"创建时间\"), name=\"create_time\"),\n";

fn new_migration(line: &str) -> String {
    format!(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0001_initial\")]\n\n    operations = [\n{line}    ]\n"
    )
}

const INITIAL: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    initial = True\n    dependencies = []\n\n    operations = [\n        migrations.CreateModel(\n            name=\"Post\",\n            fields=[\n                (\"id\", models.BigAutoField(primary_key=True)),\n                (\"title\", models.CharField(max_length=200)),\n            ],\n        ),\n    ]\n";

/// A running server and what it has said.
struct Client {
    child: Child,
    input: Option<ChildStdin>,
    said: mpsc::Receiver<Message>,
    next: i32,
    root: std::path::PathBuf,
}

impl Client {
    fn start(repo: &Repo) -> Client {
        let root = repo.path().canonicalize().expect("canonical root");
        Client::spawn(check_migrate(repo.path(), repo.home()), root)
    }

    /// Run `cmd` (the binary, in the workspace) as the server of the workspace at `root`.
    fn spawn(mut cmd: Command, root: std::path::PathBuf) -> Client {
        let mut child = cmd
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let output = child.stdout.take().expect("stdout");
        let (sender, said) = mpsc::channel();
        std::thread::spawn(move || {
            let mut output = BufReader::new(output);
            while let Ok(Some(message)) = Message::read(&mut output) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            input: child.stdin.take(),
            child,
            said,
            next: 0,
            root,
        }
    }

    fn send(&mut self, message: Message) {
        let input = self.input.as_mut().expect("stdin open");
        message.write(input).expect("write to the server");
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let input = self.input.as_mut().expect("stdin open");
        input.write_all(bytes).expect("write to the server");
        input.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    /// Send a request; its answer, skipping whatever else the server says first.
    fn request(&mut self, method: &str, params: Value) -> lsp_server::Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        self.wait(|message| match message {
            Message::Response(response) if response.id == id => Some(response.clone()),
            _ => None,
        })
    }

    fn wait<T>(&mut self, mut wanted: impl FnMut(&Message) -> Option<T>) -> T {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.said.recv_timeout(left) {
                Ok(message) => {
                    if let Some(found) = wanted(&message) {
                        return found;
                    }
                    seen.push(message);
                }
                Err(_) => panic!("no awaited message from the server; it said: {seen:#?}"),
            }
        }
    }

    /// The next diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        self.wait(|message| match message {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                let params = &n.params;
                (params["uri"] == uri && params["version"] == version).then(|| {
                    params["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
            }
            _ => None,
        })
    }

    fn uri(&self, path: &str) -> String {
        format!("file://{}", self.root.join(path).display())
    }

    fn initialize(&mut self) {
        let root = format!("file://{}", self.root.display());
        self.initialize_at(&root);
    }

    fn initialize_at(&mut self, root: &str) {
        let answer = self.request(
            "initialize",
            json!({ "processId": null, "rootUri": root, "capabilities": {} }),
        );
        let result = answer.response_result.expect("initialize result");
        assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 1);
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "python", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, path: &str, version: i32, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// Shut down and exit; the server's exit status.
    fn stop(mut self) -> i32 {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.response_result.is_ok(), "{answer:?}");
        self.notify("exit", Value::Null);
        drop(self.input.take());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The UTF-16 column of the first `needle` in `line`, as LSP counts.
fn utf16_column(line: &str, needle: &str) -> u64 {
    let at = line.find(needle).expect("needle in line");
    line[..at].encode_utf16().count() as u64
}

fn project() -> Repo {
    let repo = Repo::new();
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    repo.write("blog/migrations/0001_initial.py", INITIAL);
    repo.write("blog/models.py", MODELS);
    repo.write(".check-migrate.toml", "conventions = [\"timestamps-at\"]\n");
    repo.commit_all("blog");
    repo
}

/// A server started on `repo` with a new migration adding `create_time` ([`LINE`]) written
/// and open: the client, the migration's path, its text and its URI.
fn serving_a_new_migration(repo: &Repo) -> (Client, &'static str, String, String) {
    let migration = "blog/migrations/0002_post_create_time.py";
    let text = new_migration(LINE);
    repo.write(migration, &text);
    let mut client = Client::start(repo);
    client.initialize();
    client.open(migration, &text);
    let uri = client.uri(migration);
    (client, migration, text, uri)
}

#[test]
fn diagnostics_fixes_model_files_and_a_clean_exit() {
    let repo = project();
    let (mut client, migration, text, uri) = serving_a_new_migration(&repo);
    let found = client.diagnostics(&uri, 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    let diagnostic = &found[0];
    assert_eq!(diagnostic["code"], "field-name");
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(diagnostic["source"], "check-migrate");
    let message = diagnostic["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`create_time` should be `created_at`"),
        "{message}"
    );
    // Line 9 (0-based 8); the range covers the name inside its quotes, in UTF-16 units: the
    // four Chinese characters before it count one each, as they would not in bytes.
    let start = utf16_column(LINE, "create_time\"");
    assert_eq!(
        diagnostic["range"],
        json!({
            "start": { "line": 8, "character": start },
            "end": { "line": 8, "character": start + 11 },
        })
    );
    let related = &diagnostic["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], client.uri("blog/models.py"));
    assert_eq!(
        related["location"]["range"]["start"],
        json!({ "line": 5, "character": 4 })
    );

    // The quick fixes: the --fix rename over the model and the migration, and a suppression.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic] },
        }),
    );
    let actions = actions.response_result.expect("actions");
    let titles: Vec<&str> = actions
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Rename `create_time` to `created_at` in the model and its uncommitted migrations",
            "Accept with `# check-migrate: ignore[field-name]`"
        ]
    );
    let rename = &actions[0]["edit"]["changes"];
    assert_eq!(
        rename[&uri],
        json!([{ "range": diagnostic["range"], "newText": "created_at" }])
    );
    assert_eq!(
        rename[client.uri("blog/models.py")],
        json!([{
            "range": { "start": { "line": 5, "character": 4 }, "end": { "line": 5, "character": 15 } },
            "newText": "created_at",
        }])
    );
    let line_end = LINE.trim_end().encode_utf16().count() as u64;
    assert_eq!(
        actions[1]["edit"]["changes"][&uri],
        json!([{
            "range": { "start": { "line": 8, "character": line_end }, "end": { "line": 8, "character": line_end } },
            "newText": "  # check-migrate: ignore[field-name]",
        }])
    );

    // Typing the right name clears the diagnostic; nothing was written to disk.
    client.change(migration, 2, &text.replace("create_time", "created_at"));
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    assert_eq!(
        std::fs::read_to_string(repo.path().join(migration)).expect("read"),
        text
    );

    // A model file is checked as it is typed.
    let models = "blog/models.py";
    client.open(
        models,
        &format!("{MODELS}    update_time = models.DateTimeField()\n"),
    );
    let found = client.diagnostics(&client.uri(models), 1);
    let starts: Vec<(&Value, &Value)> = found
        .iter()
        .map(|d| (&d["code"], &d["range"]["start"]))
        .collect();
    assert_eq!(
        starts,
        [
            (&json!("field-name"), &json!({ "line": 5, "character": 4 })),
            (&json!("field-name"), &json!({ "line": 6, "character": 4 })),
        ],
        "{found:#?}"
    );
    // The open migration says `created_at` now: no migration brings `create_time` in.
    assert!(found[0]["relatedInformation"].is_null(), "{found:#?}");
    // Closed, the migration is read from disk, where 0002 adds `create_time`.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    client.change(
        models,
        2,
        &format!("{MODELS}    update_time = models.DateTimeField()\n"),
    );
    let found = client.diagnostics(&client.uri(models), 2);
    let related = &found[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri, "{found:#?}");
    assert_eq!(related["location"]["range"]["start"]["line"], 8);
    assert!(
        found[1]["relatedInformation"].is_null(),
        "update_time is in no migration"
    );

    // Malformed messages get an error, never a crash.
    client.next += 1;
    let id = client.next;
    client.send_raw(
        format!(
            "Content-Length: {}\r\n\r\n{}",
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction", "params": 42})
                .to_string()
                .len(),
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction", "params": 42})
        )
        .as_bytes(),
    );
    let refused = client.wait(|message| match message {
        Message::Response(r) if r.id == RequestId::from(id) => Some(r.clone()),
        _ => None,
    });
    assert_eq!(
        refused.response_result.err().map(|e| e.code),
        Some(-32602),
        "invalid params"
    );
    client.send_raw(b"Content-Length: 7\r\n\r\n{oops!}");
    let unknown = client.request("check-migrate/nothing", json!({}));
    assert_eq!(
        unknown.response_result.err().map(|e| e.code),
        Some(-32601),
        "method not found"
    );

    assert_eq!(client.stop(), 0);
}

#[test]
fn a_running_server_sees_the_config_change() {
    let repo = project();
    std::fs::remove_file(repo.path().join(".check-migrate.toml")).expect("rm config");
    repo.commit_all("no config");
    let (mut client, migration, text, uri) = serving_a_new_migration(&repo);
    // The default library does not judge `create_time`.
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());
    // A config switching on `timestamps-at` appears; the next check reads it.
    repo.write(".check-migrate.toml", "conventions = [\"timestamps-at\"]\n");
    client.change(migration, 2, &text);
    let found = client.diagnostics(&uri, 2);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["code"], "field-name");
    // The editor reports the file changed again: back to the other convention.
    repo.write(
        ".check-migrate.toml",
        "conventions = [\"timestamps-time\"]\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": client.uri(".check-migrate.toml"), "type": 2 }] }),
    );
    client.change(migration, 3, &text);
    assert_eq!(client.diagnostics(&uri, 3), Vec::<Value>::new());
    // A config that cannot be used is said to the user, not only logged...
    repo.write(
        ".check-migrate.toml",
        "conventions = [\"timestamps-nope\"]\n",
    );
    client.change(migration, 4, &text);
    let shown = client.wait(|message| match message {
        Message::Notification(n) if n.method == "window/showMessage" => Some(n.params.clone()),
        _ => None,
    });
    assert_eq!(shown["type"], 1, "{shown}");
    assert!(
        shown["message"]
            .as_str()
            .is_some_and(|m| m.contains("timestamps-nope")),
        "{shown}"
    );
    // ...and read again at the next check, once it can be.
    repo.write(".check-migrate.toml", "conventions = [\"timestamps-at\"]\n");
    client.change(migration, 5, &text);
    assert_eq!(client.diagnostics(&uri, 5).len(), 1);
    assert_eq!(client.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_status() {
    let repo = project();
    let mut client = Client::start(&repo);
    client.initialize();
    client.notify("exit", Value::Null);
    drop(client.input.take());
    let status = client.child.wait().expect("wait");
    assert_eq!(status.code(), Some(1));
}

#[test]
fn graph_findings_come_from_the_disk_and_the_open_buffers() {
    let repo = project();
    let second = new_migration(
        "        migrations.AddField(\"post\", \"body\", models.TextField(default=\"\")),\n",
    );
    repo.write("blog/migrations/0002_post_body.py", &second);
    repo.commit_all("body");
    // A branch's migration on the same parent: two leaves on disk.
    let third = "blog/migrations/0002_post_summary.py";
    let text = new_migration(
        "        migrations.AddField(\"post\", \"summary\", models.TextField(default=\"\")),\n",
    );
    repo.write(third, &text);
    let mut client = Client::start(&repo);
    client.initialize();
    client.open(third, &text);
    let uri = client.uri(third);
    let found = client.diagnostics(&uri, 1);
    let codes: Vec<&Value> = found.iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("multiple-leaves")), "{found:#?}");
    // Typed, not saved: the buffer now follows the other leaf, and the graph has one.
    let mended = text.replace(
        "(\"blog\", \"0001_initial\")",
        "(\"blog\", \"0002_post_body\")",
    );
    client.change(third, 2, &mended);
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    // A dependency on a migration that does not exist.
    let missing = text.replace("0001_initial", "0009_nowhere");
    client.change(third, 3, &missing);
    let found = client.diagnostics(&uri, 3);
    let codes: Vec<&Value> = found.iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("missing-dependency")), "{found:#?}");
    client.change(third, 4, &mended);
    assert_eq!(client.diagnostics(&uri, 4), Vec::<Value>::new());
    // A new migration not saved yet is a leaf too: beside the mended one, two leaves.
    let unsaved = "blog/migrations/0003_post_tags.py";
    client.open(
        unsaved,
        &new_migration(
            "        migrations.AddField(\"post\", \"tags\", models.TextField(default=\"\")),\n",
        ),
    );
    let found = client.diagnostics(&client.uri(unsaved), 1);
    let codes: Vec<&Value> = found.iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("multiple-leaves")), "{found:#?}");
    assert!(!repo.path().join(unsaved).exists());
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_workspace_below_the_root_and_a_folder_outside_git() {
    // Opened on the app's folder: the repository's config still rules.
    let repo = project();
    let mut client = Client::start(&repo);
    client.initialize_at(&format!("file://{}", client.root.join("blog").display()));
    client.open("blog/models.py", MODELS);
    let found = client.diagnostics(&client.uri("blog/models.py"), 1);
    assert_eq!(
        found.len(),
        1,
        "timestamps-at from the root config: {found:#?}"
    );
    assert_eq!(client.stop(), 0);

    // No repository at all: the files are checked as `check-migrate PATH` checks them.
    let folder = tempfile::TempDir::new().expect("folder");
    let plain = folder.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(plain.join("blog/migrations")).expect("mkdir");
    let models = "from django.db import models\n\n\nclass Post(models.Model):\n    desciption = models.TextField()\n";
    std::fs::write(plain.join("blog/models.py"), models).expect("write");
    let mut cmd = check_migrate(&plain, repo.home());
    cmd.env("GIT_CEILING_DIRECTORIES", plain.parent().expect("parent"));
    let mut client = Client::spawn(cmd, plain.clone());
    client.initialize();
    client.open("blog/models.py", models);
    let found = client.diagnostics(&client.uri("blog/models.py"), 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["range"]["start"],
        json!({ "line": 4, "character": 4 })
    );
    assert_eq!(client.stop(), 0);
}

#[cfg(unix)]
#[test]
fn a_workspace_opened_through_a_symlink() {
    let repo = project();
    let links = tempfile::TempDir::new().expect("folder");
    let link = links.path().join("linked");
    std::os::unix::fs::symlink(repo.path(), &link).expect("symlink");
    let mut client = Client::start(&repo);
    client.root = link.clone();
    client.initialize();
    client.open("blog/models.py", MODELS);
    let uri = client.uri("blog/models.py");
    assert!(uri.contains("/linked/"), "{uri}");
    let found = client.diagnostics(&uri, 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(client.stop(), 0);
}
