//! The schema judgement against a model of Django's migration state written here, on
//! generated histories: each app's migrations create, rename and delete models, and add,
//! alter, rename and remove fields, at random. The model below knows, for every name a
//! migration wrote, whether the final state still has it; the binary must agree in `--all`,
//! in path mode, with `--history` (every name written), and for a staged change (the names
//! the change brings into the schema).

use std::collections::BTreeSet;

use crate::support::Repo;

const WRONG: [&str; 5] = [
    "craete_time",
    "udpate_time",
    "is_delted",
    "addres",
    "ammount",
];
const RIGHT: [&str; 6] = [
    "create_time",
    "update_time",
    "title",
    "body",
    "score",
    "amount",
];
const MODELS: [&str; 4] = ["Post", "Tag", "Note", "Entry"];

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Where a name was written: (migration index, 1-based line).
type Place = (usize, usize);

struct Field {
    name: String,
    at: Place,
}

struct Model {
    id: usize,
    name: String,
    fields: Vec<Field>,
}

/// Django's state of the app, as the migrations so far build it, and what they wrote.
#[derive(Default)]
struct State {
    models: Vec<Model>,
    next_id: usize,
    /// Every wrong name written, with its rule: what `--history` reports.
    written: BTreeSet<(Place, &'static str)>,
    /// Each `AlterField` of a wrong name: the model's id and the name.
    alters: Vec<(Place, usize, String)>,
}

fn is_wrong(name: &str) -> bool {
    WRONG.contains(&name)
}

impl State {
    fn model(&mut self, name: &str) -> Option<&mut Model> {
        self.models
            .iter_mut()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }

    fn write(&mut self, at: Place, name: &str, rule: &'static str) {
        if is_wrong(name) {
            self.written.insert((at, rule));
        }
    }

    /// The wrong names the state has, where they were written: what the schema judges.
    fn standing(&self) -> BTreeSet<(Place, &'static str)> {
        let mut out = BTreeSet::new();
        for model in &self.models {
            for field in model.fields.iter().filter(|f| is_wrong(&f.name)) {
                out.insert((field.at, "field-name"));
            }
        }
        for (at, id, name) in &self.alters {
            let live = self
                .models
                .iter()
                .any(|m| m.id == *id && m.fields.iter().any(|f| f.name == *name));
            if live {
                out.insert((*at, "altered-field-name"));
            }
        }
        out
    }

    /// Every (model, field) the state has, lower-cased model first.
    fn names(&self) -> BTreeSet<(String, String)> {
        self.models
            .iter()
            .flat_map(|m| {
                m.fields
                    .iter()
                    .map(|f| (m.name.to_lowercase(), f.name.clone()))
            })
            .collect()
    }

    /// Where each live wrong name was written, with its model and name.
    fn standing_names(&self) -> Vec<(Place, String, String)> {
        let mut out = Vec::new();
        for model in &self.models {
            for field in model.fields.iter().filter(|f| is_wrong(&f.name)) {
                out.push((field.at, model.name.to_lowercase(), field.name.clone()));
            }
        }
        out
    }
}

/// A name no field of the model has.
fn fresh(rng: &mut Rng, taken: &[Field]) -> Option<String> {
    let all: Vec<&str> = WRONG.iter().chain(&RIGHT).copied().collect();
    let free: Vec<&str> = all
        .into_iter()
        .filter(|name| taken.iter().all(|f| f.name != *name))
        .collect();
    (!free.is_empty()).then(|| rng.pick(&free).to_string())
}

/// One migration's operations, appended to `lines` (the file so far), applied to `state`.
fn operations(rng: &mut Rng, file: usize, state: &mut State, lines: &mut Vec<String>) {
    for _ in 0..1 + rng.below(4) {
        let line = lines.len() + 1;
        let at = (file, line);
        let live: Vec<String> = state.models.iter().map(|m| m.name.clone()).collect();
        let choice = if live.is_empty() { 0 } else { rng.below(9) };
        if choice == 0 || (choice == 8 && live.len() < 2) {
            let free: Vec<&str> = MODELS
                .iter()
                .copied()
                .filter(|m| state.models.iter().all(|l| !l.name.eq_ignore_ascii_case(m)))
                .collect();
            if free.is_empty() {
                continue;
            }
            let name = rng.pick(&free);
            lines.push("        migrations.CreateModel(".into());
            lines.push(format!("            name=\"{name}\","));
            lines.push("            fields=[".into());
            lines.push("                (\"id\", models.AutoField(primary_key=True)),".into());
            let mut fields: Vec<Field> = Vec::new();
            for _ in 0..rng.below(4) {
                let Some(field) = fresh(rng, &fields) else {
                    break;
                };
                lines.push(format!(
                    "                (\"{field}\", models.TextField()),"
                ));
                let at = (file, lines.len());
                state.write(at, &field, "field-name");
                fields.push(Field { name: field, at });
            }
            lines.push("            ],".into());
            lines.push("        ),".into());
            state.next_id += 1;
            let id = state.next_id;
            state.models.push(Model {
                id,
                name: name.to_string(),
                fields,
            });
            continue;
        }
        let model_name = live[rng.below(live.len())].clone();
        let lower = model_name.to_lowercase();
        let Some(model) = state.model(&model_name) else {
            continue;
        };
        let existing: Vec<String> = model.fields.iter().map(|f| f.name.clone()).collect();
        let id = model.id;
        match choice {
            1 | 2 => {
                let Some(name) = fresh(rng, &model.fields) else {
                    continue;
                };
                lines.push(format!(
                    "        migrations.AddField(\"{lower}\", \"{name}\", models.TextField(null=True)),"
                ));
                model.fields.push(Field {
                    name: name.clone(),
                    at,
                });
                state.write(at, &name, "field-name");
            }
            3 | 4 if !existing.is_empty() => {
                let old = existing[rng.below(existing.len())].clone();
                let Some(new) = fresh(rng, &model.fields) else {
                    continue;
                };
                lines.push(format!(
                    "        migrations.RenameField(\"{lower}\", \"{old}\", \"{new}\"),"
                ));
                if let Some(field) = model.fields.iter_mut().find(|f| f.name == old) {
                    field.name = new.clone();
                    field.at = at;
                }
                state.write(at, &new, "field-name");
            }
            5 if !existing.is_empty() => {
                let name = existing[rng.below(existing.len())].clone();
                lines.push(format!(
                    "        migrations.RemoveField(model_name=\"{lower}\", name=\"{name}\"),"
                ));
                model.fields.retain(|f| f.name != name);
            }
            6 if !existing.is_empty() => {
                let name = existing[rng.below(existing.len())].clone();
                lines.push(format!(
                    "        migrations.AlterField(\"{lower}\", \"{name}\", models.TextField(blank=True)),"
                ));
                if is_wrong(&name) {
                    state.alters.push((at, id, name.clone()));
                }
                state.write(at, &name, "altered-field-name");
            }
            7 => {
                lines.push(format!(
                    "        migrations.DeleteModel(name=\"{model_name}\"),"
                ));
                state.models.retain(|m| m.id != id);
            }
            8 => {
                let free: Vec<&str> = MODELS
                    .iter()
                    .copied()
                    .filter(|m| state.models.iter().all(|l| !l.name.eq_ignore_ascii_case(m)))
                    .collect();
                if free.is_empty() {
                    continue;
                }
                let new = rng.pick(&free);
                lines.push(format!(
                    "        migrations.RenameModel(\"{model_name}\", \"{new}\"),"
                ));
                if let Some(model) = state.models.iter_mut().find(|m| m.id == id) {
                    model.name = new.to_string();
                }
            }
            _ => {}
        }
    }
}

/// A generated app: its files (by name), and the state after each of them.
struct History {
    files: Vec<(String, String)>,
    states: Vec<State>,
}

fn generate(seed: u64, count: usize) -> History {
    let mut rng = Rng::new(seed);
    let mut state = State::default();
    let mut files = Vec::new();
    let mut states = Vec::new();
    for index in 0..count {
        let name = format!("{:04}_step", index + 1);
        let dependencies = match index {
            0 => String::new(),
            _ => format!("(\"blog\", \"{:04}_step\")", index),
        };
        let mut lines: Vec<String> = [
            "from django.db import migrations, models",
            "",
            "",
            "class Migration(migrations.Migration):",
        ]
        .map(String::from)
        .to_vec();
        lines.push(format!("    dependencies = [{dependencies}]"));
        lines.push(String::new());
        lines.push("    operations = [".into());
        operations(&mut rng, index, &mut state, &mut lines);
        lines.push("    ]".into());
        files.push((name, lines.join("\n") + "\n"));
        states.push(snapshot(&state));
    }
    History { files, states }
}

/// A copy of the state (the generator goes on from the original).
fn snapshot(state: &State) -> State {
    State {
        models: state
            .models
            .iter()
            .map(|m| Model {
                id: m.id,
                name: m.name.clone(),
                fields: m
                    .fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.clone(),
                        at: f.at,
                    })
                    .collect(),
            })
            .collect(),
        next_id: state.next_id,
        written: state.written.clone(),
        alters: state.alters.clone(),
    }
}

/// The findings of a concise run, as (migration index, line, rule).
fn reported(run: &crate::support::Run) -> BTreeSet<(Place, String)> {
    run.lines()
        .iter()
        .filter_map(|line| {
            let (path, rest) = line.split_once(".py:")?;
            let index: usize = path.rsplit('/').next()?.get(..4)?.parse().ok()?;
            let (line, rest) = rest.split_once(':')?;
            let rule = rest.split_once('[')?.1.split_once(']')?.0;
            Some(((index - 1, line.parse().ok()?), rule.to_string()))
        })
        .collect()
}

fn expected(places: impl IntoIterator<Item = (Place, &'static str)>) -> BTreeSet<(Place, String)> {
    places
        .into_iter()
        .map(|(at, rule)| (at, rule.to_string()))
        .collect()
}

fn write_app(repo: &Repo, files: &[(String, String)]) {
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    for (name, text) in files {
        repo.write(&format!("blog/migrations/{name}.py"), text);
    }
}

const CONCISE: [&str; 4] = ["--format", "concise", "--color", "never"];

#[test]
fn whole_histories_agree_with_the_state() {
    for seed in 1..=40 {
        let history = generate(seed, 3 + (seed as usize % 5));
        let last = history.states.last().expect("at least one migration");
        let repo = Repo::new();
        write_app(&repo, &history.files);
        repo.commit_all("history");
        let context = || format!("seed {seed}:\n{}", dump(&history));
        let run = repo.check(&[&["--all"][..], &CONCISE].concat());
        assert_eq!(
            reported(&run),
            expected(last.standing()),
            "--all, {}",
            context()
        );
        let run = repo.check(&[&["--all", "--history"][..], &CONCISE].concat());
        assert_eq!(
            reported(&run),
            expected(last.written.iter().copied()),
            "--all --history, {}",
            context()
        );
        let run = repo.check(&[&["blog/migrations"][..], &CONCISE].concat());
        assert_eq!(
            reported(&run),
            expected(last.standing()),
            "paths, {}",
            context()
        );
    }
}

#[test]
fn staged_changes_agree_with_the_state() {
    for seed in 100..140 {
        let count = 3 + (seed as usize % 5);
        let history = generate(seed, count);
        let split = 1 + (seed as usize % (count - 1));
        let repo = Repo::new();
        write_app(&repo, &history.files[..split]);
        repo.commit_all("before");
        write_app(&repo, &history.files);
        repo.git(&["add", "-A"]);
        let before = history.states[split - 1].names();
        let last = history.states.last().expect("at least one migration");
        // A wrong name the change writes that the state keeps, on a (model, field) the
        // state before did not have; and each `AlterField` the change writes on a field
        // that keeps its wrong name.
        let mut want: BTreeSet<(Place, &'static str)> = last
            .standing_names()
            .into_iter()
            .filter(|(at, model, name)| {
                at.0 >= split && !before.contains(&(model.clone(), name.clone()))
            })
            .map(|(at, _, _)| (at, "field-name"))
            .collect();
        want.extend(
            last.standing()
                .into_iter()
                .filter(|(at, rule)| *rule == "altered-field-name" && at.0 >= split),
        );
        let run = repo.check(&CONCISE);
        assert_eq!(
            reported(&run),
            expected(want),
            "staged from {:04}, seed {seed}:\n{}",
            split + 1,
            dump(&history)
        );
    }
}

/// The files of a history, numbered, for a failure message.
fn dump(history: &History) -> String {
    history
        .files
        .iter()
        .map(|(name, text)| {
            let numbered: Vec<String> = text
                .lines()
                .enumerate()
                .map(|(i, line)| format!("{:3} {line}", i + 1))
                .collect();
            format!("--- {name}\n{}", numbered.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn deletions_agree_with_the_state() {
    for seed in 200..230 {
        let count = 3 + (seed as usize % 5);
        let history = generate(seed, count);
        let split = 1 + (seed as usize % (count - 1));
        let repo = Repo::new();
        write_app(&repo, &history.files);
        repo.commit_all("history");
        for (name, _) in &history.files[split..] {
            repo.git(&["rm", "-q", &format!("blog/migrations/{name}.py")]);
        }
        // The names the shorter history has that the whole one did not: brought back.
        let before = history.states[count - 1].names();
        let after = &history.states[split - 1];
        let want: BTreeSet<(Place, &'static str)> = after
            .standing_names()
            .into_iter()
            .filter(|(_, model, name)| !before.contains(&(model.clone(), name.clone())))
            .map(|(at, _, _)| (at, "field-name"))
            .collect();
        let run = repo.check(&CONCISE);
        assert_eq!(
            reported(&run),
            expected(want),
            "deleting from {:04}, seed {seed}:\n{}",
            split + 1,
            dump(&history)
        );
    }
}
