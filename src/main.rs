//! The `check-migrate` binary: arguments, the colour decision, and the exit status
//! (0 no errors, 1 at least one error finding, 2 the tool could not do its job).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use check_migrate::baseline::{self, Baseline, BaselineError};
use check_migrate::check::{Level, Rule, Severity};
use check_migrate::config::{self, Project, Settings};
use check_migrate::error::Error;
use check_migrate::library::Convention;
use check_migrate::report::{self, Format, Verdict};
use check_migrate::source;
use check_migrate::{Mode, Outcome, RunOptions};

/// Stop wrong field names in Django migrations before they are committed.
///
/// With no paths, checks the migrations staged for commit (read from the index) and reports
/// what the staged change adds. With paths, checks those files and the migrations under those
/// directories, from the working tree.
#[derive(Debug, Parser)]
#[command(
    name = "check-migrate",
    version,
    args_conflicts_with_subcommands = true,
    after_help = check_migrate::check::rule_docs::help_list()
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Explain a rule and exit (the same as `check-migrate rule RULE`).
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    explain: Option<Rule>,

    /// Files or directories to check instead of the staged change.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Check the content read from standard input as the file PATH (which need not exist),
    /// as editors and tools that pipe a buffer want; the rest of the project is read from
    /// disk.
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with_all = ["paths", "all", "since", "merge", "hook", "fix", "diff", "write_baseline"]
    )]
    stdin_filename: Option<PathBuf>,

    /// Check every migration in the repository: tracked ones, and untracked ones git does not
    /// ignore.
    #[arg(long, conflicts_with_all = ["paths", "since"])]
    all: bool,

    /// Check what HEAD adds since its merge base with REV (for CI: `--since origin/main`).
    #[arg(long, value_name = "REV", conflicts_with = "paths")]
    since: Option<String>,

    /// With --since: check what REV adds instead of HEAD (a pre-push hook checks each pushed
    /// commit, checked out or not).
    #[arg(long, value_name = "REV", requires = "since")]
    until: Option<String>,

    /// A field library CSV (BlueKing format) replacing the built-in one; repeat to merge.
    #[arg(long, value_name = "FILE")]
    library: Vec<PathBuf>,

    /// Switch on built-in conventions (comma-separated, e.g. timestamps-at,booleans-is), on top
    /// of the configs' `conventions`; one replaces a config's other direction of its family.
    /// `check-migrate conventions` lists them.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',', value_parser = parse_convention)]
    convention: Vec<&'static Convention>,

    /// Validate a field library (FILE, else the --library files, else the built-in one),
    /// print its problems and exit.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    check_library: Option<Option<PathBuf>>,

    /// How findings are printed [default: the config's `format`, else github when
    /// GITHUB_ACTIONS=true, else full].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,

    /// Use this config file instead of looking for `.check-migrate.toml` or `pyproject.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Ignore config files.
    #[arg(long)]
    no_config: bool,

    /// Do not report findings recorded in this baseline file [default: the config's
    /// `baseline`].
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Write the findings of this run to a baseline file and exit [default FILE: the config's
    /// `baseline`, else .check-migrate-baseline.json at the repository root].
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with = "baseline")]
    write_baseline: Option<Option<PathBuf>>,

    /// Judge the text, not the schema: with --all, also report names a later migration
    /// renamed, removed or deleted; in a change, every wrong name it writes, whether or not
    /// the schema had it before (for audits of old files).
    #[arg(long)]
    history: bool,

    /// Rename each wrong name with one suggestion where it enters the schema: the model's
    /// declaration, and the migration that introduces it when that migration is not in HEAD
    /// (for one that is, the RenameField migration to add is printed). Never touches the
    /// index: stage the result.
    #[arg(long, conflicts_with = "write_baseline")]
    fix: bool,

    /// With --fix: write the RenameField migrations for names a committed migration
    /// introduced, rather than printing them.
    #[arg(long, requires = "fix")]
    add_migrations: bool,

    /// With --fix or --diff: also change files whose working tree differs from the index
    /// (their unstaged changes are kept, and the fix is not staged either).
    #[arg(long)]
    allow_unstaged: bool,

    /// Print what --fix would change, as a unified diff, and write nothing.
    #[arg(long, conflicts_with = "write_baseline")]
    diff: bool,

    /// With --write-baseline: replace the file even when it is not a check-migrate baseline.
    #[arg(long, requires = "write_baseline")]
    force: bool,

    /// When to colour the output; `auto` honours NO_COLOR, CLICOLOR_FORCE and the terminal.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,

    /// Print where the time went (repository, index, diff, read, parse, check, render) to
    /// stderr.
    #[arg(long)]
    timings: bool,

    /// Report only these rules (comma-separated ids, e.g. field-name,multiple-leaves), on
    /// top of the configs' severities; a rule a config switched off is reported again.
    #[arg(long, value_name = "RULE,...", value_delimiter = ',', value_parser = parse_rule)]
    select: Vec<Rule>,

    /// Do not report these rules (comma-separated ids).
    #[arg(long, value_name = "RULE,...", value_delimiter = ',', value_parser = parse_rule)]
    ignore: Vec<Rule>,

    /// Exit 0 even when errors are found; 2 still means the check could not be done.
    #[arg(long)]
    exit_zero: bool,

    /// Print the findings and nothing else: no summary line, no notes.
    #[arg(short, long)]
    quiet: bool,

    /// Print how many findings each rule and each wrong name has, instead of the findings.
    #[arg(long)]
    statistics: bool,

    /// Run as the hook of a manager that passes file names (the pre-commit framework): the
    /// staged change when the files are what is staged, what the range PRE_COMMIT_FROM_REF..
    /// PRE_COMMIT_TO_REF adds on a push, else the files whole, with their apps' graph.
    #[arg(long, conflicts_with_all = ["all", "since", "merge"])]
    hook: bool,

    /// Check a merge git completes on its own, from the pre-merge-commit hook: the staged
    /// merge result, for graph and syntax findings (a merge types no line of its own, so the
    /// names its branches brought are not judged again).
    #[arg(long, alias = "merging", conflicts_with_all = ["paths", "all", "since"])]
    merge: bool,

    /// Walk every file's syntax tree, even where a literal search shows it cannot hold a
    /// finding (to compare the fast path with the full one).
    #[arg(long, hide = true)]
    no_prefilter: bool,

    /// Threads for checking files from disk [default: one per core].
    #[arg(long, value_name = "N", hide = true)]
    jobs: Option<usize>,

    /// Print the tree-sitter syntax tree of FILE and exit (for debugging the extraction).
    #[arg(long, value_name = "FILE", hide = true)]
    dump_tree: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain a rule: what it checks, why, an example, what to do, how to configure it.
    Rule {
        /// The rule's id, e.g. field-name.
        #[arg(value_parser = parse_rule, required_unless_present = "all")]
        name: Option<Rule>,
        /// Every rule, as Markdown (what docs/rules.md holds).
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Print a shell completion script, e.g. `check-migrate completions bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `check-migrate man | man -l -`.
    Man,
    /// List the built-in conventions a config can switch on, with their rows.
    Conventions,
    /// Write a config that fits this repository: the conventions its schema follows, its
    /// app labels, and a baseline of today's findings.
    Init {
        /// Add a [tool.check-migrate] table to the root pyproject.toml instead of writing
        /// .check-migrate.toml.
        #[arg(long)]
        pyproject: bool,
        /// Replace an existing config (and baseline).
        #[arg(long)]
        force: bool,
    },
    /// Run a language server on stdin and stdout: editors show the findings of open
    /// migrations and model files as they are typed, with quick fixes.
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// rustc-style, with the source line and a caret under the name.
    Full,
    /// One line per finding: path:line:col: severity[rule] message.
    Concise,
    /// A JSON array of findings (schema in the documentation of `report::json`).
    Json,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for code scanning (e.g. GitHub's upload-sarif).
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// A rule id from the command line; a typo is answered with the id it is closest to.
fn parse_rule(id: &str) -> Result<Rule, String> {
    if let Some(rule) = Rule::from_id(id) {
        return Ok(rule);
    }
    let known: Vec<&str> = Rule::ALL.into_iter().map(Rule::id).collect();
    Err(match Rule::closest(id) {
        Some(rule) => format!("unknown rule `{id}`; did you mean `{}`?", rule.id()),
        None => format!("unknown rule `{id}`; the rules are {}", known.join(", ")),
    })
}

/// A convention name from the command line; a typo is answered with the closest name.
fn parse_convention(name: &str) -> Result<&'static Convention, String> {
    config::named_convention(name)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let printed = match (&cli.command, cli.explain) {
        (
            Some(Command::Rule {
                name: Some(rule), ..
            }),
            _,
        ) => Some(rule.page().into_bytes()),
        (None, Some(rule)) => Some(rule.page().into_bytes()),
        (Some(Command::Rule { name: None, .. }), _) => {
            Some(check_migrate::check::rule_docs::markdown().into_bytes())
        }
        (Some(Command::Completions { shell }), _) => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "check-migrate", &mut out);
            Some(out)
        }
        (Some(Command::Man), _) => {
            let mut out = Vec::new();
            if let Err(err) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
                report_error(&Error::Output(err));
                return ExitCode::from(2);
            }
            Some(out)
        }
        (Some(Command::Conventions), _) => Some(check_migrate::library::listing().into_bytes()),
        (Some(Command::Init { .. } | Command::Server), _) | (None, None) => None,
    };
    if let Some(text) = printed {
        let mut out = io::stdout().lock();
        return match out.write_all(&text).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(err) => {
                report_error(&Error::Output(err));
                ExitCode::from(2)
            }
        };
    }
    let color = use_color(cli.color);
    if let Some((first, second)) = check_migrate::library::conflict(&cli.convention) {
        report_error(&Error::ConventionConflict { first, second });
        return ExitCode::from(2);
    }
    if let Some(Command::Server) = cli.command {
        return match check_migrate::server::serve() {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(err) => {
                report_error(&err);
                ExitCode::from(2)
            }
        };
    }
    let result = match (&cli.command, &cli.dump_tree, &cli.check_library) {
        (Some(Command::Init { pyproject, force }), _, _) => init(&cli, *pyproject, *force, color),
        (_, Some(file), _) => dump_tree(file),
        (_, None, Some(file)) => check_library(&cli, file.as_ref(), color),
        (_, None, None) => check(&cli, color),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            report_error(&err);
            ExitCode::from(2)
        }
    }
}

/// The configs of this run, with flags on top: the one named (`--config`), none
/// (`--no-config`), or, in a repository, each file's nearest. `repo` is the repository
/// around the working directory, if any.
fn project(
    cli: &Cli,
    repo: Result<&source::Repo, &Error>,
) -> Result<(Project, Option<PathBuf>), Error> {
    let root = repo.ok().and_then(source::repository_root);
    let cwd = std::env::current_dir().map_err(|source| Error::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let adjust = |settings: &mut Settings| {
        if !cli.library.is_empty() {
            settings.library = cli.library.clone();
        }
        for convention in &cli.convention {
            settings
                .conventions
                .retain(|c| c.family != convention.family);
            settings.conventions.push(convention);
        }
        if cli.baseline.is_some() {
            settings.baseline = cli.baseline.clone();
        }
        for rule in Rule::ALL {
            let selected = cli.select.contains(&rule);
            if cli.ignore.contains(&rule) || (!cli.select.is_empty() && !selected) {
                settings.rules.set_level(rule, Level::Off);
            } else if selected && settings.rules.severity(rule).is_none() {
                let level = match rule.default_severity() {
                    Severity::Error => Level::Error,
                    Severity::Warning => Level::Warning,
                };
                settings.rules.set_level(rule, level);
            }
        }
    };
    let single = |mut settings: Settings| {
        adjust(&mut settings);
        Project::single(settings)
    };
    let project = match (&cli.config, cli.no_config, &root, repo) {
        (_, true, _, _) => single(Settings::default()),
        (Some(path), false, _, _) => single(config::load(path, root.as_deref())?),
        (None, false, Some(root), Ok(repo)) => {
            let tracked = repo.tracked_named(&[config::FILE_NAME, "pyproject.toml"]);
            Project::discover(root, &cwd, &tracked, adjust)?
        }
        (None, false, _, _) => single(config::discover(&cwd, root.as_deref())?),
    };
    Ok((project, root))
}

fn check(cli: &Cli, color: bool) -> Result<ExitCode, Error> {
    let started = Instant::now();
    let mode = mode(cli);
    let mut buffers = source::Buffers::new();
    if let Some(path) = &cli.stdin_filename {
        let mut content = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut content).map_err(|source| {
            Error::Read {
                path: PathBuf::from("<stdin>"),
                source,
            }
        })?;
        buffers.insert(source::absolute_path(path), content);
    }
    // Opened once, for the config's root and the mode; a mode that needs it reports the error.
    let repo = source::Repo::open(mode.describe());
    let open_time = started.elapsed();
    let (project, root) = project(cli, repo.as_ref())?;
    let config_time = started.elapsed() - open_time;
    let libraries = check_migrate::scope_libraries(&project, &mut |line| eprintln!("{line}"))?;
    let library_time = started.elapsed() - open_time - config_time;
    let baselines = match cli.write_baseline {
        None => check_migrate::load_baselines(&project)?,
        // A baseline holds every finding of the files it covers; the staged change and
        // `--since` see only the lines they add.
        Some(_) => match &mode {
            Mode::All | Mode::Paths(_) => Vec::new(),
            Mode::Staged | Mode::Merging => {
                return Err(BaselineError::PartialRun {
                    mode: "the staged change",
                }
                .into());
            }
            Mode::Since { .. } => {
                return Err(BaselineError::PartialRun { mode: "--since" }.into());
            }
            Mode::Hook(_) => return Err(BaselineError::PartialRun { mode: "--hook" }.into()),
            Mode::Files(_) => Vec::new(),
        },
    };
    let jobs = jobs(cli);
    let options = RunOptions {
        project: &project,
        libraries: &libraries,
        prefilter: !cli.no_prefilter,
        jobs,
        history: cli.history,
        buffers: &buffers,
    };
    let mut outcome = check_migrate::run(&mode, options, repo)?;
    // What `--hook` came to decides what is said below.
    let mode = outcome.mode.clone().unwrap_or(mode);
    outcome.timings.phases.splice(
        0..0,
        [
            ("open repository", open_time),
            ("find config", config_time),
            ("load library", library_time),
        ],
    );
    if let Some(target) = &cli.write_baseline {
        // `--all` rewrites each baseline whole; paths update the entries of the files they
        // checked and keep the rest.
        let whole = mode == Mode::All;
        let checked: std::collections::HashSet<&str> =
            outcome.checked.iter().map(String::as_str).collect();
        let written = Written {
            report: &outcome.report,
            retain: &|entry: &baseline::Entry| !whole && !checked.contains(entry.path.as_str()),
            force: cli.force,
        };
        write_baselines(&project, root, target.as_ref(), written)?;
        for err in &outcome.errors {
            report_error(err);
        }
        return Ok(exit_code(&outcome, false));
    }
    // Entries name their file: every baseline of the run applies wherever its entries do.
    let mut stale = Vec::new();
    for (_, baseline) in &baselines {
        stale.extend(baseline.apply(&mut outcome.report));
    }
    if cli.fix || cli.diff {
        return fix(cli, &outcome);
    }
    let format = match (cli.format, project.here().format) {
        (Some(format), _) => format.into(),
        (None, Some(format)) => format,
        (None, None) => default_format(),
    };
    let render = Instant::now();
    match print_outcome(&outcome, &mode, format, color, cli) {
        Ok(()) => {}
        // A reader that stopped early (`| head -1`) wanted no more: end as the findings say,
        // quietly, as ripgrep does.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(exit_code(&outcome, !cli.exit_zero));
        }
        Err(err) => return Err(Error::Output(err)),
    }
    outcome.timings.phases.push(("render", render.elapsed()));
    let noted = !cli.quiet && !cli.statistics;
    if mode == Mode::All && noted {
        // Why an app's graph was not judged: said in the full run, not on every commit.
        for note in &outcome.notes {
            eprintln!("note: {note}");
        }
    }
    if matches!(mode, Mode::All | Mode::Paths(_) | Mode::Files(_))
        && outcome.superseded > 0
        && noted
    {
        eprintln!(
            "note: {} finding(s) on names that later migrations renamed, removed or deleted are not reported: the schema no longer has them (`--history` reports them)",
            outcome.superseded
        );
    }
    if mode == Mode::All && !stale.is_empty() && noted {
        Baseline::print_stale(&mut io::stderr().lock(), &stale).map_err(Error::Output)?;
    }
    for err in &outcome.errors {
        report_error(err);
    }
    if cli.timings {
        let mut err = io::stderr().lock();
        outcome
            .timings
            .print(&mut err, started.elapsed())
            .map_err(Error::Output)?;
    }
    Ok(exit_code(&outcome, !cli.exit_zero))
}

/// `check-migrate init`: count the names of every convention in the schema (the `--all`
/// check with a library marking exactly those names), choose, write the config, then write
/// the baseline with the new config as `--all --write-baseline` would. Nothing is replaced
/// without `--force`, and a config written is taken back if the baseline cannot be.
fn init(cli: &Cli, pyproject: bool, force: bool, color: bool) -> Result<ExitCode, Error> {
    use check_migrate::init;

    let repo = source::Repo::open("init")?;
    let root = source::repository_root(&repo).ok_or(Error::BareRepository {
        path: PathBuf::from("."),
        what: "init",
    })?;
    let own = root.join(config::FILE_NAME);
    let py = root.join("pyproject.toml");
    let baseline_file = root.join(baseline::DEFAULT_FILE);
    // A symlink counts as there, even one to nothing: writing through it could land anywhere.
    let present = |path: &PathBuf| std::fs::symlink_metadata(path).is_ok();
    let py_text = match std::fs::read_to_string(&py) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(source) => return Err(Error::Read { path: py, source }),
    };
    let has_table = py_text.as_deref().is_some_and(config::has_table);
    if pyproject {
        let Some(text) = &py_text else {
            return Err(Error::NoPyproject { path: py });
        };
        if let Err(err) = toml::from_str::<toml::Table>(text) {
            let message = err.message().trim().to_string();
            return Err(Error::PyprojectUnreadable { path: py, message });
        }
        if present(&own) {
            let hint = "it takes precedence over pyproject.toml: remove it, or run `init` \
                        without --pyproject";
            return Err(Error::InitWouldReplace { path: own, hint });
        }
    }
    if !force {
        if present(&own) {
            let hint = "`check-migrate init --force` replaces it";
            return Err(Error::InitWouldReplace { path: own, hint });
        }
        if has_table {
            let hint = "its [tool.check-migrate] table is a config: `init --pyproject --force` \
                        replaces the table, `init --force` writes .check-migrate.toml, which \
                        takes precedence";
            return Err(Error::InitWouldReplace { path: py, hint });
        }
        if present(&baseline_file) {
            let hint = "`check-migrate init --force` replaces the baseline";
            return Err(Error::InitWouldReplace {
                path: baseline_file,
                hint,
            });
        }
    }
    let census_project = Project::single(Settings::default());
    let libraries = vec![Arc::new(init::census_library())];
    let jobs = jobs(cli);
    let options = RunOptions {
        project: &census_project,
        libraries: &libraries,
        prefilter: true,
        jobs,
        history: false,
        buffers: &source::Buffers::new(),
    };
    // Errors of the census are said by the baseline run, which reads the same files.
    let outcome = check_migrate::run(&Mode::All, options, Ok(repo))?;
    if outcome.report.files_checked == 0 {
        return Err(Error::InitNoMigrations);
    }
    let census = init::Census::of(outcome.report.files.iter().flat_map(|f| &f.findings));
    let choice = init::choose(&census);
    let labels = init::distinct_labels(&outcome.report.labels);
    let (target, text) = match (&py_text, pyproject) {
        (Some(existing), true) => {
            let table = init::config_text(
                &choice,
                &labels,
                baseline::DEFAULT_FILE,
                Some("tool.check-migrate"),
            );
            match init::with_table(existing, &table) {
                Some(text) => (py.clone(), text),
                None => {
                    print!("{table}");
                    return Err(Error::TableNotReplaceable { path: py });
                }
            }
        }
        _ => {
            let text = init::config_text(&choice, &labels, baseline::DEFAULT_FILE, None);
            (own.clone(), text)
        }
    };
    let mut out = io::stdout().lock();
    let said = writeln!(
        out,
        "check-migrate init: the schema of {} migration file(s), by convention:",
        outcome.report.files_checked
    )
    .and_then(|()| out.write_all(init::explain(&choice).as_bytes()));
    said.map_err(Error::Output)?;
    let before = std::fs::read(&target).ok();
    std::fs::write(&target, text).map_err(|source| Error::Write {
        path: target.clone(),
        source,
    })?;
    let shown = |path: &PathBuf| {
        path.strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    writeln!(out, "wrote {}", shown(&target)).map_err(Error::Output)?;
    if !pyproject && has_table {
        writeln!(
            out,
            "note: pyproject.toml's [tool.check-migrate] table is no longer read: \
             .check-migrate.toml takes precedence; remove the table"
        )
        .map_err(Error::Output)?;
    }
    drop(out);
    let mut args = vec!["check-migrate", "--all", "--write-baseline"];
    if force {
        args.push("--force");
    }
    let baseline_run = Cli::parse_from(args);
    let result = check(&baseline_run, color);
    if !matches!(result, Ok(code) if code != ExitCode::from(2)) {
        // Take the config back: a config naming a baseline that is not there is worse than none.
        let restored = match before {
            Some(content) => std::fs::write(&target, content),
            None => std::fs::remove_file(&target),
        };
        if restored.is_ok() {
            eprintln!(
                "note: {} taken back: the baseline could not be written",
                shown(&target)
            );
        }
        return result.map(|_| ExitCode::from(2));
    }
    result
}

/// `--fix` and `--diff` over the findings of a run (baselined ones are accepted, not fixed).
fn fix(cli: &Cli, outcome: &Outcome) -> Result<ExitCode, Error> {
    use check_migrate::fix;

    let repo = source::Repo::open("--fix")?;
    let root = source::repository_root(&repo).ok_or(Error::BareRepository {
        path: PathBuf::from("."),
        what: "--fix",
    })?;
    let mut plan = fix::plan(&outcome.report, &repo, &root, &source::Buffers::new());
    let mut unwritten = false;
    let (changed, refused) = fix::changes(&mut plan, &repo, &root, cli.allow_unstaged);
    let migrations = plan.migrations(&root);
    let mut out = io::stdout().lock();
    let say = |out: &mut io::StdoutLock, text: &str| writeln!(out, "{text}").map_err(Error::Output);
    if cli.diff {
        for change in &changed {
            // Whole: a hunk may end on a blank line of context.
            let diff = fix::unified_diff(&change.path, &change.before, &change.after);
            out.write_all(&diff).map_err(Error::Output)?;
        }
        for (path, text) in &migrations {
            say(&mut out, &format!("--- /dev/null\n+++ b/{path}"))?;
            let lines = text.lines().count();
            say(&mut out, &format!("@@ -0,0 +1,{lines} @@"))?;
            for line in text.lines() {
                say(&mut out, &format!("+{line}"))?;
            }
        }
    } else {
        for change in &changed {
            match fix::write(&change.on_disk, &change.before, &change.after) {
                Ok(()) => say(&mut out, &format!("fixed {}", change.path))?,
                // Left alone; the other files are still fixed.
                Err(source) => {
                    unwritten = true;
                    report_error(&Error::Write {
                        path: PathBuf::from(&change.path),
                        source,
                    });
                }
            }
        }
        for (path, text) in &migrations {
            let on_disk = root.join(path);
            if cli.add_migrations && !on_disk.exists() {
                std::fs::write(&on_disk, text).map_err(|source| Error::Write {
                    path: PathBuf::from(path),
                    source,
                })?;
                say(&mut out, &format!("wrote {path}"))?;
                continue;
            }
            say(
                &mut out,
                &format!(
                    "a migration in HEAD introduces the name: add this migration as {path} \
                 (it renames the column the model now names; --add-migrations writes it):\n"
                ),
            )?;
            say(&mut out, text.trim_end())?;
            say(&mut out, "")?;
        }
    }
    for (at, old, new, _) in &plan.renamed {
        let verb = if cli.diff { "would rename" } else { "renamed" };
        eprintln!("{verb} `{old}` to `{new}` ({at})");
    }
    for why in plan.skipped.iter().chain(&refused) {
        eprintln!("not fixed: {why}");
    }
    let follow_up: std::collections::BTreeSet<&str> = plan
        .follow_up
        .iter()
        .map(|(_, label)| label.as_str())
        .collect();
    for label in &follow_up {
        // Django's RenameField leaves Meta's ordering, indexes and constraints as they were.
        eprintln!(
            "note: the model's Meta names the renamed field too: after the RenameField \
             migration, run `python manage.py makemigrations {label}` to record the options, \
             indexes and constraints that follow it"
        );
    }
    let mut names: Vec<&str> = plan
        .renamed
        .iter()
        .map(|(_, old, ..)| old.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut referenced = false;
    // After --fix the changed files are read as written: what still names the old name there
    // (a method of the model) is listed too.
    let touched: Vec<&str> = if cli.diff {
        changed.iter().map(|c| c.path.as_str()).collect()
    } else {
        Vec::new()
    };
    if !names.is_empty() {
        let found = fix::references(&repo, &root, &names, &touched);
        referenced = !found.is_empty();
        if referenced {
            eprintln!(
                "note: other code names the old name{}; rename it there too (not done here):",
                if names.len() > 1 { "s" } else { "" }
            );
            for line in found.iter().take(20) {
                eprintln!("  {line}");
            }
            if found.len() > 20 {
                eprintln!("  ... and {} more", found.len() - 20);
            }
        }
    }
    if !cli.diff && !changed.is_empty() {
        eprintln!("the index is unchanged: `git add` the fixed files");
    }
    // Code still naming the old name breaks once the rename is in: not done yet.
    let left = !plan.skipped.is_empty() || !refused.is_empty() || referenced;
    let pending = cli.diff && (!changed.is_empty() || !migrations.is_empty());
    let printed = !cli.add_migrations && !migrations.is_empty() || !follow_up.is_empty();
    Ok(if unwritten {
        ExitCode::from(2)
    } else if left || pending || printed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Threads for files from disk: `--jobs`, else one per core.
fn jobs(cli: &Cli) -> usize {
    cli.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// The mode the arguments ask for.
fn mode(cli: &Cli) -> Mode {
    if cli.all {
        Mode::All
    } else if cli.hook {
        Mode::Hook(cli.paths.clone())
    } else if let Some(rev) = &cli.since {
        Mode::Since {
            rev: rev.clone(),
            until: cli.until.clone(),
        }
    } else if cli.merge {
        Mode::Merging
    } else if let Some(path) = &cli.stdin_filename {
        Mode::Paths(vec![path.clone()])
    } else if cli.paths.is_empty() {
        Mode::Staged
    } else {
        Mode::Paths(cli.paths.clone())
    }
}

/// What `--write-baseline` writes: the run's findings, the old entries to keep, and whether
/// a file that is not a baseline may be replaced.
struct Written<'a> {
    report: &'a check_migrate::report::Report,
    retain: &'a dyn Fn(&baseline::Entry) -> bool,
    force: bool,
}

/// `--write-baseline`: with a file named, every finding goes there; otherwise each finding
/// goes to the `baseline` of the nearest config above its file that names one, the rest to
/// the default file at the root.
fn write_baselines(
    project: &Project,
    root: Option<PathBuf>,
    target: Option<&PathBuf>,
    written: Written<'_>,
) -> Result<(), Error> {
    let report = written.report;
    let default = root.unwrap_or_default().join(baseline::DEFAULT_FILE);
    let target_of = |path: &str| match target {
        Some(file) => file.clone(),
        None => project
            .baseline_for(path)
            .cloned()
            .unwrap_or_else(|| default.clone()),
    };
    let mut targets: Vec<PathBuf> = report
        .files
        .iter()
        .map(|file| target_of(&file.path))
        .collect();
    if targets.is_empty() {
        let here = || project.here().baseline.clone().unwrap_or(default.clone());
        targets.push(target.cloned().unwrap_or_else(here));
    }
    targets.sort();
    targets.dedup();
    for path in targets {
        let count = Baseline::write_where(
            &path,
            report,
            |file| target_of(file) == path,
            written.retain,
            written.force,
        )?;
        eprintln!(
            "wrote {count} finding(s) to the baseline {}",
            path.display()
        );
    }
    Ok(())
}

/// 2 when something could not be checked, else 1 when an error finding is reported (and
/// counts), else 0.
fn exit_code(outcome: &Outcome, findings_count: bool) -> ExitCode {
    if !outcome.errors.is_empty() {
        ExitCode::from(2)
    } else if findings_count && outcome.report.count(Severity::Error) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Full => Format::Full,
            FormatArg::Concise => Format::Concise,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

fn print_outcome(
    outcome: &Outcome,
    mode: &Mode,
    format: Format,
    color: bool,
    cli: &Cli,
) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let report = &outcome.report;
    if cli.statistics {
        match format {
            Format::Json => report::statistics::print_json(&mut out, report)?,
            _ => report::statistics::print(&mut out, report)?,
        }
        return out.flush();
    }
    report::print(&mut out, report, format, color)?;
    // A commit without migrations is not worth a line; a run that could not check something
    // has its errors to say, not "no problems found".
    let hooked = matches!(mode, Mode::Staged | Mode::Merging);
    let nothing = report.files_checked == 0
        && report.models_checked == 0
        && report.files.is_empty()
        && outcome.errors.is_empty();
    let failed = !outcome.errors.is_empty() && report.files.is_empty();
    let silent = cli.quiet || failed || (hooked && nothing);
    if format.is_human() && !silent {
        report::summary(&mut out, report, color)?;
    }
    out.flush()?;
    if cli.quiet {
        return Ok(());
    }
    let errors = outcome.report.count(Severity::Error) > 0;
    if *mode == Mode::Staged && errors {
        // Graph findings are about an app, not a line: no comment accepts them.
        let names = outcome
            .report
            .findings()
            .any(|(_, f)| f.severity == Severity::Error && f.rule.accepts_comment());
        let accept = if names {
            ", accept a name on purpose with a `# check-migrate: ignore[rule]` comment on its line"
        } else {
            ""
        };
        eprintln!(
            "commit blocked by check-migrate: fix the errors above{accept}, or commit anyway \
             with `git commit --no-verify`."
        );
    }
    if *mode == Mode::Merging && errors {
        eprintln!(
            "merge blocked by check-migrate: fix the errors above (for two leaves, \
             `python manage.py makemigrations --merge` and commit the merge migration), or \
             merge anyway with `git merge --no-verify`."
        );
    }
    Ok(())
}

/// The format when neither `--format` nor the config names one: annotations inside GitHub
/// Actions (which sets `GITHUB_ACTIONS=true` in every step), the human format anywhere else.
fn default_format() -> Format {
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        Format::Github
    } else {
        Format::Full
    }
}

/// Problems that do not stop a run (an ambiguous name suggests every candidate) are announced
/// in one line, so a hook run stays short; `--check-library` lists them. A file that lists no
/// wrong name gets a line of its own, as does a note (a first row read as data), each once.
fn check_library(cli: &Cli, file: Option<&PathBuf>, color: bool) -> Result<ExitCode, Error> {
    let (replace, extend, conventions) = match file {
        Some(file) => (vec![file.clone()], Vec::new(), Vec::new()),
        None => {
            let repo = source::Repo::open("--check-library");
            let (project, _) = project(cli, repo.as_ref())?;
            let here = project.here();
            (
                here.library.clone(),
                here.extend_library.clone(),
                here.conventions.clone(),
            )
        }
    };
    let library = check_migrate::read_library(&replace, &extend, &conventions)?;
    let names = check_migrate::library_names(&replace, &extend, &conventions);
    let verdict = match report::print_library_check(
        &mut io::stdout().lock(),
        &library,
        &names.join(", "),
        color,
    ) {
        Ok(verdict) => verdict,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Verdict::of(&library),
        Err(err) => return Err(Error::Output(err)),
    };
    Ok(match verdict {
        Verdict::Clean => ExitCode::SUCCESS,
        Verdict::Problems => ExitCode::from(1),
        Verdict::Unreadable => ExitCode::from(2),
    })
}

fn dump_tree(file: &PathBuf) -> Result<ExitCode, Error> {
    let source = std::fs::read(file).map_err(|source| Error::Read {
        path: file.clone(),
        source,
    })?;
    let shown = file.display().to_string();
    let tree = check_migrate::migration::dump_tree(&source).map_err(Error::parse(&shown))?;
    match writeln!(io::stdout().lock(), "{tree}") {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(Error::Output(err)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn report_error(err: &Error) {
    match err {
        Error::LibraryUnreadable { problems } => {
            for problem in problems {
                eprintln!("error: {problem}");
            }
            eprintln!(
                "error: the field library cannot be used; fix what is named above \
                 (`check-migrate --check-library FILE` lists every problem)"
            );
        }
        err => eprintln!("error: {err}"),
    }
}

/// `--color` first; in `auto`, NO_COLOR turns colour off, CLICOLOR_FORCE and FORCE_COLOR
/// turn it on, and
/// otherwise stdout must be a terminal that is not `dumb`.
fn use_color(choice: ColorArg) -> bool {
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        ColorArg::Auto if set("CLICOLOR_FORCE") => true,
        // FORCE_COLOR forces colour whatever its value, as long as it has one.
        ColorArg::Auto if std::env::var_os("FORCE_COLOR").is_some_and(|v| !v.is_empty()) => true,
        ColorArg::Auto => {
            io::stdout().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}
