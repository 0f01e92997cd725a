//! A fuzzer anyone can run on stable Rust: generated and mutated migrations through the parse
//! and check path and every printer, field libraries through the CSV loader, configs through
//! the config loader. Driven by a seed, so a failure is reproduced by its seed and index.
//!
//! ```sh
//! cargo run --release --example fuzz -- --seed 1 --seconds 60
//! cargo run --release --example fuzz -- --seed 1 --count 20000 --target migration
//! ```
//!
//! Generated migrations come with the answer: the generator knows which operations are live
//! (and so which wrong names the check must report) and which it hid in a string or a comment.
//! Mutated ones must not panic, and every finding must point at its own name. Inputs that
//! break an invariant are written to `target/fuzz/` and the run exits with status 1.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use check_migrate::check::{CheckedFile, RuleSettings, check_source};
use check_migrate::library::Library;
use check_migrate::report::{self, Format, Report};
use clap::{Parser, ValueEnum};

/// Run the fuzzer.
#[derive(Parser)]
struct Args {
    /// The seed of the whole run; input `i` of a target is derived from it and `i`.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this many inputs per target.
    #[arg(long)]
    count: Option<u64>,
    /// Stop after this many seconds, shared among the targets [default: 10 without --count].
    #[arg(long)]
    seconds: Option<f64>,
    /// Which loader to drive.
    #[arg(long, value_enum, default_value_t = Target::All)]
    target: Target,
    /// Where failing inputs are written.
    #[arg(long, default_value = "target/fuzz")]
    out: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Target {
    All,
    Migration,
    Library,
    Config,
}

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn for_input(seed: u64, target: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ target.wrapping_mul(0xa076_1d64_78bd_642f) ^ index);
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What one target did.
#[derive(Default)]
struct Tally {
    inputs: u64,
    failures: u64,
    elapsed: Duration,
    slowest: (Duration, u64),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let targets: Vec<Target> = match args.target {
        Target::All => vec![Target::Migration, Target::Library, Target::Config],
        one => vec![one],
    };
    let budget = match (args.count, args.seconds) {
        (None, None) => Some(Duration::from_secs(10)),
        (_, Some(seconds)) => Some(Duration::from_secs_f64(seconds.max(0.0))),
        (Some(_), None) => None,
    };
    let share = budget.map(|total| total / targets.len() as u32);
    let library = Library::builtin();
    let scratch = match tempfile_dir() {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("fuzz: cannot make a scratch directory: {err}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for (number, target) in targets.into_iter().enumerate() {
        let mut tally = Tally::default();
        let started = Instant::now();
        let mut index = 0u64;
        loop {
            if args.count.is_some_and(|count| index >= count)
                || share.is_some_and(|share| started.elapsed() >= share)
            {
                break;
            }
            let mut rng = Rng::for_input(args.seed, number as u64, index);
            let one = Instant::now();
            let result = match target {
                Target::Migration => fuzz_migration(&mut rng, &library),
                Target::Library => fuzz_library(&mut rng),
                Target::Config => fuzz_config(&mut rng, &scratch),
                Target::All => Ok(()),
            };
            let took = one.elapsed();
            if took > tally.slowest.0 {
                tally.slowest = (took, index);
            }
            if let Err(failure) = result {
                tally.failures += 1;
                save_failure(&args.out, target, args.seed, index, &failure);
            }
            tally.inputs += 1;
            index += 1;
        }
        tally.elapsed = started.elapsed();
        failed |= tally.failures > 0;
        print_tally(target, &tally);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_tally(target: Target, tally: &Tally) {
    let name = match target {
        Target::Migration => "migration",
        Target::Library => "library",
        Target::Config => "config",
        Target::All => "all",
    };
    let per_minute = tally.inputs as f64 / tally.elapsed.as_secs_f64().max(1e-9) * 60.0;
    println!(
        "{name}: {} inputs in {:.1} s ({per_minute:.0} a minute), {} failing; slowest #{} in {:.1} ms",
        tally.inputs,
        tally.elapsed.as_secs_f64(),
        tally.failures,
        tally.slowest.1,
        tally.slowest.0.as_secs_f64() * 1000.0
    );
}

/// An input that broke an invariant, and which one.
struct Failure {
    input: Vec<u8>,
    why: String,
}

fn save_failure(dir: &Path, target: Target, seed: u64, index: u64, failure: &Failure) {
    let name = match target {
        Target::Migration => "migration.py",
        Target::Library => "library.csv",
        Target::Config => "config.toml",
        Target::All => "input",
    };
    let path = dir.join(format!("{seed}-{index}-{name}"));
    let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, &failure.input));
    match written {
        Ok(()) => eprintln!("FAIL {}: {}", path.display(), failure.why),
        Err(err) => eprintln!(
            "FAIL seed {seed} input {index}: {} (not saved: {err})",
            failure.why
        ),
    }
}

fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("check-migrate-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Run `f`, turning a panic into a failure.
fn guarded<T>(input: &[u8], f: impl FnOnce() -> Result<T, String>) -> Result<T, Failure> {
    let fail = |why: String| Failure {
        input: input.to_vec(),
        why,
    };
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(why)) => Err(fail(why)),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(fail(format!("panic: {message}")))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Migrations

const MODELS: &[&str] = &["post", "Comment", "订单", "UserProfile", "tag"];
const NAMES: &[&str] = &[
    "title",
    "create_time",
    "update_time",
    "is_delete",
    "created_at",
    "updated_at",
    "body",
    "creat_time",
    "desc",
    "名称",
    "is_deleted",
];
const FIELDS: &[&str] = &[
    "models.CharField(max_length=200)",
    "models.DateTimeField(auto_now_add=True)",
    "models.BooleanField(default=False, help_text=\"删除标记\")",
    "models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=\"blog.post\")",
    "models.TextField(\n                blank=True,\n            )",
];

/// A generated operation: its text and the live wrong names it must produce.
struct Op {
    text: String,
    /// (name, rule id) the check must report when the operation is live.
    expected: Vec<(String, &'static str)>,
}

fn quote(rng: &mut Rng, text: &str) -> String {
    match rng.below(4) {
        0 => format!("'{text}'"),
        1 => format!("u\"{text}\""),
        _ => format!("\"{text}\""),
    }
}

fn operation(rng: &mut Rng, library: &Library) -> Op {
    let model = *rng.pick(MODELS);
    let name = *rng.pick(NAMES);
    let field = *rng.pick(FIELDS);
    let wrong = |name: &str| library.lookup(name).is_some();
    let mut expected = Vec::new();
    let text = match rng.below(5) {
        0 => {
            let mut entries = String::new();
            for _ in 0..1 + rng.below(3) {
                let entry = *rng.pick(NAMES);
                if wrong(entry) {
                    expected.push((entry.to_string(), "field-name"));
                }
                entries.push_str(&format!(
                    "                ({}, {}),\n",
                    quote(rng, entry),
                    rng.pick(FIELDS)
                ));
            }
            format!(
                "        migrations.CreateModel(\n            name={},\n            fields=[\n{entries}            ],\n        ),\n",
                quote(rng, model)
            )
        }
        1 => {
            if wrong(name) {
                expected.push((name.to_string(), "field-name"));
            }
            if rng.chance(50) {
                format!(
                    "        migrations.AddField(\n            model_name={},\n            name={},\n            field={field},\n        ),\n",
                    quote(rng, &model.to_lowercase()),
                    quote(rng, name)
                )
            } else {
                format!(
                    "        migrations.AddField({}, {}, {field}),\n",
                    quote(rng, &model.to_lowercase()),
                    quote(rng, name)
                )
            }
        }
        2 => {
            if wrong(name) {
                expected.push((name.to_string(), "altered-field-name"));
            }
            format!(
                "        migrations.AlterField(model_name={}, name={}, field={field}),\n",
                quote(rng, &model.to_lowercase()),
                quote(rng, name)
            )
        }
        3 => {
            let new = *rng.pick(NAMES);
            if wrong(new) {
                expected.push((new.to_string(), "field-name"));
            }
            format!(
                "        migrations.RenameField(\n            model_name={},\n            old_name={},\n            new_name={},\n        ),\n",
                quote(rng, &model.to_lowercase()),
                quote(rng, name),
                quote(rng, new)
            )
        }
        _ => {
            let column = *rng.pick(NAMES);
            if wrong(name) {
                expected.push((name.to_string(), "field-name"));
            }
            if wrong(column) {
                expected.push((column.to_string(), "db-column"));
            }
            format!(
                "        migrations.AddField(\n            model_name={},\n            name={},\n            field=models.CharField(max_length=9, db_column={}),\n        ),\n",
                quote(rng, &model.to_lowercase()),
                quote(rng, name),
                quote(rng, column)
            )
        }
    };
    Op { text, expected }
}

/// A whole migration and the wrong names its live operations hold.
fn generate_migration(rng: &mut Rng, library: &Library) -> (String, Vec<(String, &'static str)>) {
    let mut text = String::new();
    if rng.chance(20) {
        text.push_str("# Generated by Django 4.2 on 2024-01-01 00:00\n# 订单模型\n");
    }
    text.push_str(
        "import django.db.models.deletion\nfrom django.db import migrations, models\n\n\n",
    );
    text.push_str("class Migration(migrations.Migration):\n\n");
    text.push_str("    dependencies = [(\"blog\", \"0001_initial\")]\n\n");
    text.push_str("    operations = [\n");
    let mut expected = Vec::new();
    for _ in 0..1 + rng.below(6) {
        let op = operation(rng, library);
        match rng.below(10) {
            // Hidden in a string: Django never sees it.
            0 => {
                text.push_str("        \"\"\"\n");
                text.push_str(&op.text.replace("\"\"\"", ""));
                text.push_str("        \"\"\",\n");
            }
            // Commented out line by line.
            1 => {
                for line in op.text.lines() {
                    text.push_str("        # ");
                    text.push_str(line);
                    text.push('\n');
                }
            }
            // Live inside SeparateDatabaseAndState's state side.
            2 => {
                text.push_str("        migrations.SeparateDatabaseAndState(\n            state_operations=[\n");
                text.push_str(&op.text);
                text.push_str("            ],\n        ),\n");
                expected.extend(op.expected);
            }
            _ => {
                text.push_str(&op.text);
                expected.extend(op.expected);
            }
        }
        if rng.chance(15) {
            text.push_str("        # check later\n");
        }
    }
    text.push_str("    ]\n");
    expected.sort();
    (text, expected)
}

/// Byte-level damage of the kinds editors, merges and encodings do.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b"\"\"\"",
        b"'''",
        b"#",
        b"\r",
        b"\r\n",
        b"\n",
        b"(",
        b")",
        b"[",
        b"]",
        b",",
        b"\\\n",
        b"AddField(",
        b"CreateModel(",
        b"'",
        b"\"",
        b"\xff",
        b"\xb4\xb4",
        b"\t",
        b"\xef\xbb\xbf",
        b"    ",
        b"f\"",
        b"r\"",
        b"\"create_time\"",
        b"=",
        b"\\",
        b"\0",
        "订单".as_bytes(),
    ];
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 => {
                let token = *rng.pick(TOKENS);
                out.splice(at..at, token.iter().copied());
            }
            1 => {
                let end = (at + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(80)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            _ => {
                if at < out.len() {
                    out[at] = rng.next() as u8;
                }
            }
        }
    }
    out
}

fn fuzz_migration(rng: &mut Rng, library: &Library) -> Result<(), Failure> {
    let rules = RuleSettings::default();
    let (text, expected) = generate_migration(rng, library);
    let mutated = rng.chance(70);
    let input = if mutated {
        mutate(rng, text.as_bytes())
    } else {
        text.into_bytes()
    };
    guarded(&input, || {
        let findings = check_source(&input, library, &rules).map_err(|err| err.to_string());
        let findings = match findings {
            Ok(findings) => findings,
            // The parser may refuse what it cannot read; that is an error, not a failure.
            Err(_) => return Ok(()),
        };
        for finding in &findings {
            if finding.span.start > finding.span.end || finding.span.end > input.len() {
                return Err(format!("span {:?} outside the input", finding.span));
            }
            if let Some(name) = &finding.name
                && input[finding.span.clone()] != *name.as_bytes()
            {
                return Err(format!(
                    "finding for `{name}` points at `{}`",
                    String::from_utf8_lossy(&input[finding.span.clone()])
                ));
            }
        }
        if !mutated {
            let mut found: Vec<(String, &'static str)> = findings
                .iter()
                .filter_map(|f| f.name.clone().map(|name| (name, f.rule.id())))
                .collect();
            found.sort();
            if found != expected {
                return Err(format!("expected {expected:?}, found {found:?}"));
            }
            // Windows line ends change no finding.
            let crlf = String::from_utf8_lossy(&input).replace('\n', "\r\n");
            let again = check_source(crlf.as_bytes(), library, &rules)
                .map_err(|err| format!("CRLF copy: {err}"))?;
            let mut names: Vec<(String, &'static str)> = again
                .iter()
                .filter_map(|f| f.name.clone().map(|name| (name, f.rule.id())))
                .collect();
            names.sort();
            if names != expected {
                return Err(format!("with CRLF: expected {expected:?}, found {names:?}"));
            }
        }
        render_all(&input, findings)
    })
}

/// Every printer over the findings: none may panic or fail.
fn render_all(input: &[u8], findings: Vec<check_migrate::check::Finding>) -> Result<(), String> {
    let report = Report {
        files: vec![CheckedFile {
            path: "blog/migrations/0002_fuzz.py".to_string(),
            source: input.to_vec(),
            findings,
        }],
        files_checked: 1,
        models_checked: 0,
        labels: Default::default(),
    };
    for format in [
        Format::Full,
        Format::Concise,
        Format::Json,
        Format::Github,
        Format::Sarif,
    ] {
        let mut out = Vec::new();
        report::print(&mut out, &report, format, true)
            .map_err(|err| format!("{}: {err}", format.name()))?;
        if matches!(format, Format::Json | Format::Sarif)
            && serde_json::from_slice::<serde_json::Value>(&out).is_err()
        {
            return Err(format!("{} output is not JSON", format.name()));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Libraries

fn generate_library(rng: &mut Rng) -> Vec<u8> {
    const HEADERS: &[&str] = &[
        "correct_name,wrong_names,description\n",
        "正确名称,错误名称,说明\n",
        "",
        "\u{feff}correct_name,wrong_names,description\r\n",
    ];
    const CELLS: &[&str] = &[
        "created_at",
        "create_time|create_at",
        "\"a, quoted cell\"",
        "创建时间",
        "",
        "is_deleted",
        "is_delete|deleted",
        "  spaced  ",
        "Bad-Name",
        "x\"y",
    ];
    let mut text = rng.pick(HEADERS).to_string();
    let separator = if rng.chance(10) { ";" } else { "," };
    for _ in 0..rng.below(12) {
        let cells = 1 + rng.below(5);
        let row: Vec<&str> = (0..cells).map(|_| *rng.pick(CELLS)).collect();
        text.push_str(&row.join(separator));
        text.push_str(if rng.chance(20) { "\r\n" } else { "\n" });
    }
    let bytes = text.into_bytes();
    if rng.chance(50) {
        mutate(rng, &bytes)
    } else {
        bytes
    }
}

fn fuzz_library(rng: &mut Rng) -> Result<(), Failure> {
    let input = generate_library(rng);
    guarded(&input, || {
        let mut library = Library::empty();
        library.add_csv("fuzz.csv", &input);
        let lines = input.iter().filter(|&&b| b == b'\n').count() + 1;
        for problem in library.problems() {
            let text = problem.to_string();
            if text.is_empty() {
                return Err("a problem with no message".to_string());
            }
            if let Some(line) = line_of(&text)
                && line > lines + 1
            {
                return Err(format!(
                    "problem at line {line} of a {lines}-line file: {text}"
                ));
            }
        }
        let wrong: Vec<String> = library.wrong_names().map(str::to_string).collect();
        for name in wrong {
            if library.lookup(&name).is_none_or(<[_]>::is_empty) {
                return Err(format!("wrong name `{name}` has no suggestion"));
            }
        }
        Ok(())
    })
}

/// The line number in a `file:line: message` text, when there is one.
fn line_of(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("fuzz.csv:")?;
    rest.split(':').next()?.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Configs

fn generate_config(rng: &mut Rng) -> Vec<u8> {
    const LINES: &[&str] = &[
        "library = \"field_library.csv\"\n",
        "library = [\"a.csv\", \"b.csv\"]\n",
        "extend-library = [\"more.csv\"]\n",
        "include = [\"**/migrations/*.py\"]\n",
        "exclude = [\"legacy/**\", \"**/[!0-9]*.py\", \"{a,b}/**\"]\n",
        "allow = [\"create_time\", \"Post.update_time\"]\n",
        "format = \"concise\"\n",
        "format = \"nonsense\"\n",
        "baseline = \".check-migrate-baseline.json\"\n",
        "[severity]\n",
        "field-name = \"warning\"\n",
        "altered-field-name = \"off\"\n",
        "unknown-rule = \"error\"\n",
        "[app-labels]\n",
        "\"apps/blog\" = \"blog\"\n",
        "include = [\"**/*\"]\n",
        "exclude = 3\n",
        "[[x]]\n",
        "= broken\n",
        "allow = [\"\u{8ba2}\u{5355}.create_time\"]\n",
    ];
    let mut text = String::new();
    for _ in 0..rng.below(10) {
        text.push_str(rng.pick::<&str>(LINES));
    }
    let bytes = text.into_bytes();
    if rng.chance(50) {
        mutate(rng, &bytes)
    } else {
        bytes
    }
}

fn fuzz_config(rng: &mut Rng, scratch: &Path) -> Result<(), Failure> {
    let input = generate_config(rng);
    let path = scratch.join(".check-migrate.toml");
    if let Err(err) = std::fs::File::create(&path).and_then(|mut file| file.write_all(&input)) {
        return Err(Failure {
            input,
            why: format!("cannot write the scratch config: {err}"),
        });
    }
    guarded(&input, || {
        match check_migrate::config::load(&path, Some(scratch)) {
            Ok(_) => {}
            Err(err) => {
                let text = err.to_string();
                if text.is_empty() || text.contains('\n') {
                    return Err(format!("error message not one line: {text:?}"));
                }
            }
        }
        Ok(())
    })
}
