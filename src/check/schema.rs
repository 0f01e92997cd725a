//! The model state an app's migrations build, as Django's own migration state would: the
//! migrations in dependency order (a squashed migration standing in for those it replaces),
//! each operation applied to the models and fields before it. What comes out is the set of
//! names the migrations once wrote that are no longer in the schema: a field renamed or
//! removed later, a column changed, a model deleted. Those are history, not schema.
//!
//! Only what is known for sure is called superseded. A model touched by an operation that is
//! not read exactly (a project's own operation, a name that is not a literal, a field the
//! state does not have) keeps every name, and an app whose order or operations cannot be
//! read keeps all of them: there the text is judged, as before.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::migration::{Column, FieldDef, Header, Located, Operations, StateOp};

/// One migration of the app, as read.
pub struct AppMigration<'a> {
    /// Relative to the repository root, `/`-separated.
    pub path: &'a str,
    pub header: &'a Header,
    pub operations: &'a Operations,
}

/// A place a name was written: (file index, bytes of the literal's value).
type At = (usize, Range<usize>);

/// Names an app's migrations wrote that its schema no longer has, by (path, span).
#[derive(Debug, Default)]
pub struct Superseded {
    spans: HashSet<(String, Range<usize>)>,
}

impl Superseded {
    /// Whether the name at `span` of `path` was renamed, removed or deleted later.
    pub fn contains(&self, path: &str, span: &Range<usize>) -> bool {
        self.spans.contains(&(path.to_string(), span.clone()))
    }
}

/// The schema an app's migrations build, as far as it is known exactly.
#[derive(Debug, Default)]
pub struct Schema {
    /// Names written that the schema no longer has.
    pub superseded: Superseded,
    /// By lower-cased model name: each field's name and column, and where they were written.
    models: HashMap<String, Vec<FieldView>>,
    /// Models whose state is not known exactly.
    tainted: HashSet<String>,
    /// Places written on such a model, by (path, span).
    doubtful: HashSet<(String, Range<usize>)>,
    /// False when the app's state could not be computed at all.
    exact: bool,
}

/// A field of the final state.
#[derive(Debug, Clone)]
struct FieldView {
    name: String,
    name_at: (String, Range<usize>),
    column: Option<(String, (String, Range<usize>))>,
}

/// What the schema says of a name written at some place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The state is not known exactly there: judge the text.
    Unknown,
    /// A later operation renamed, removed or deleted it.
    Superseded,
    /// It is the current name of field `field` of `model` (lower-cased).
    Name { model: String, field: String },
    /// It is the current column of that field.
    Column {
        model: String,
        field: String,
        column: String,
    },
    /// The schema has it, but not as a name or column this module tracks.
    Other,
}

impl Schema {
    /// The schema of the app's migrations (all in one folder, with app label `label`).
    pub fn build(files: &[AppMigration], label: &str) -> Schema {
        let Some((order, replaced)) = order(files, label) else {
            return Schema::default();
        };
        let mut state = State::default();
        for index in order {
            for op in &files[index].operations.ops {
                if state.apply(index, op).is_none() {
                    return Schema::default();
                }
            }
        }
        let live = state.live();
        // What was written on a model whose state is in doubt: neither superseded nor sure.
        let doubtful = state
            .claims
            .iter()
            .filter(|claim| state.tainted.contains(&claim.model))
            .map(|claim| (files[claim.at.0].path.to_string(), claim.at.1.clone()))
            .collect();
        let spans = state
            .claims
            .iter()
            .filter(|claim| !state.tainted.contains(&claim.model))
            .filter(|claim| match &claim.kind {
                ClaimKind::Written => !live.contains(&claim.at),
                ClaimKind::Alters(name) => !state.has_field(claim.model, name),
            })
            .map(|claim| (files[claim.at.0].path.to_string(), claim.at.1.clone()))
            .chain(replaced.into_iter().flat_map(|index| {
                // A squashed migration stands for those it replaces: their names are its.
                written(files[index].operations)
                    .map(move |span| (files[index].path.to_string(), span))
            }))
            .collect();
        let place = |at: &At| (files[at.0].path.to_string(), at.1.clone());
        let models = state
            .models
            .iter()
            .map(|(key, model)| {
                let fields = model
                    .fields
                    .iter()
                    .map(|field| FieldView {
                        name: field.name.clone(),
                        name_at: place(&field.name_at),
                        column: field
                            .column
                            .as_ref()
                            .map(|(value, at)| (value.clone(), place(at))),
                    })
                    .collect();
                (key.clone(), fields)
            })
            .collect();
        let tainted = state
            .models
            .iter()
            .filter(|(_, model)| state.tainted.contains(&model.id))
            .map(|(key, _)| key.clone())
            .collect();
        Schema {
            superseded: Superseded { spans },
            doubtful,
            models,
            tainted,
            exact: true,
        }
    }

    /// What became of the name written at `span` of `path`.
    pub fn standing(&self, path: &str, span: &Range<usize>) -> Standing {
        if !self.exact {
            return Standing::Unknown;
        }
        if self.superseded.contains(path, span) {
            return Standing::Superseded;
        }
        if self.doubtful.contains(&(path.to_string(), span.clone())) {
            return Standing::Unknown;
        }
        for (model, fields) in &self.models {
            for field in fields {
                let here = |at: &(String, Range<usize>)| at.0 == path && at.1 == *span;
                let found = if here(&field.name_at) {
                    Some(Standing::Name {
                        model: model.clone(),
                        field: field.name.clone(),
                    })
                } else {
                    match &field.column {
                        Some((column, at)) if here(at) => Some(Standing::Column {
                            model: model.clone(),
                            field: field.name.clone(),
                            column: column.clone(),
                        }),
                        _ => None,
                    }
                };
                if let Some(found) = found {
                    if self.tainted.contains(model) {
                        return Standing::Unknown;
                    }
                    return found;
                }
            }
        }
        Standing::Other
    }

    /// Where each name and column of the schema was written, by (path, span).
    pub fn places(&self) -> impl Iterator<Item = &(String, Range<usize>)> {
        self.models.values().flatten().flat_map(|field| {
            std::iter::once(&field.name_at).chain(field.column.as_ref().map(|(_, at)| at))
        })
    }

    /// Whether this schema knows exactly the model `standing` names, so that [`Schema::has`]
    /// saying no is sure.
    pub fn knows(&self, standing: &Standing) -> bool {
        match standing {
            Standing::Name { model, .. } | Standing::Column { model, .. } => {
                self.exact && !self.tainted.contains(model)
            }
            _ => false,
        }
    }

    /// Whether this schema, known exactly for `model`, has what `standing` names: the same
    /// field of the same model, or the same column on a field of that model.
    pub fn has(&self, standing: &Standing) -> bool {
        if !self.exact {
            return false;
        }
        let fields = |model: &str| {
            (!self.tainted.contains(model))
                .then(|| self.models.get(model))
                .flatten()
        };
        match standing {
            Standing::Name { model, field } => {
                fields(model).is_some_and(|fields| fields.iter().any(|f| f.name == *field))
            }
            // A field without `db_column` has its name as its column.
            Standing::Column { model, column, .. } => fields(model).is_some_and(|fields| {
                fields.iter().any(|f| match &f.column {
                    Some((c, _)) => c == column,
                    None => f.name == *column,
                })
            }),
            _ => false,
        }
    }
}

/// Every name and column an operation of the file writes.
fn written(operations: &Operations) -> impl Iterator<Item = Range<usize>> + '_ {
    let def = |def: &FieldDef| {
        let column = match &def.column {
            Column::Named(located) => Some(located.span.clone()),
            Column::Default | Column::Unknown => None,
        };
        std::iter::once(def.name.span.clone()).chain(column)
    };
    operations
        .ops
        .iter()
        .flat_map(move |op| -> Vec<Range<usize>> {
            match op {
                StateOp::CreateModel { fields, .. } => fields.iter().flat_map(def).collect(),
                StateOp::AddField { field, .. } | StateOp::AlterField { field, .. } => {
                    field.iter().flat_map(def).collect()
                }
                StateOp::RenameField { new, .. } => new.iter().map(|n| n.span.clone()).collect(),
                _ => Vec::new(),
            }
        })
}

/// The file name without `.py`: the migration's name in references.
fn stem(path: &str) -> &str {
    let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
    name.strip_suffix(".py").unwrap_or(name)
}

/// The order Django applies the app's migrations in: dependencies first, a squashed migration
/// in place of those it replaces, ties by name; and the migrations replaced. `None` when it
/// cannot be read exactly.
fn order(files: &[AppMigration], label: &str) -> Option<(Vec<usize>, Vec<usize>)> {
    let by_name: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(index, file)| (stem(file.path), index))
        .collect();
    let mut replaced_by: HashMap<usize, usize> = HashMap::new();
    for (index, file) in files.iter().enumerate() {
        let header = file.header;
        if !header.complete || header.unknown().next().is_some() || header.foreign.is_some() {
            return None;
        }
        for entry in header.replaces.iter().flat_map(|r| r.entries.iter()) {
            if entry.app == label
                && let Some(&old) = by_name.get(entry.name.as_str())
            {
                replaced_by.insert(old, index);
            }
        }
    }
    let target = |name: &str| -> Option<usize> {
        let mut at = *by_name.get(name)?;
        // A squash of squashes: follow to the one that stands.
        for _ in 0..files.len() {
            match replaced_by.get(&at) {
                Some(&by) => at = by,
                None => return Some(at),
            }
        }
        None
    };
    let standing: Vec<usize> = (0..files.len())
        .filter(|index| !replaced_by.contains_key(index))
        .collect();
    let mut after: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut waiting: BTreeMap<usize, usize> = standing.iter().map(|&i| (i, 0)).collect();
    for &index in &standing {
        let header = files[index].header;
        for entry in header.dependencies.iter().flat_map(|d| d.entries.iter()) {
            if entry.app != label || entry.name.starts_with("__") {
                continue;
            }
            let dependency = target(&entry.name)?;
            if dependency != index {
                after.entry(dependency).or_default().push(index);
                *waiting.entry(index).or_default() += 1;
            }
        }
        for entry in header.run_before.iter().flat_map(|d| d.entries.iter()) {
            if entry.app != label {
                continue;
            }
            let later = target(&entry.name)?;
            if later != index {
                after.entry(index).or_default().push(later);
                *waiting.entry(later).or_default() += 1;
            }
        }
    }
    // Ready migrations by name (file order is name order within one folder).
    let mut ready: std::collections::BTreeSet<(&str, usize)> = waiting
        .iter()
        .filter(|(_, count)| **count == 0)
        .map(|(&index, _)| (files[index].path, index))
        .collect();
    let mut order = Vec::with_capacity(standing.len());
    while let Some(first) = ready.pop_first() {
        let index = first.1;
        order.push(index);
        for &next in after.get(&index).into_iter().flatten() {
            let count = waiting.get_mut(&next)?;
            *count -= 1;
            if *count == 0 {
                ready.insert((files[next].path, next));
            }
        }
    }
    // A cycle leaves some never ready.
    let replaced = replaced_by.into_keys().collect();
    (order.len() == standing.len()).then_some((order, replaced))
}

/// A field as the state has it.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    name_at: At,
    /// A `db_column`: its value and where it was written.
    column: Option<(String, At)>,
}

/// A model as the state has it; `id` follows the model through renames.
#[derive(Debug, Clone)]
struct Model {
    id: usize,
    fields: Vec<Field>,
}

#[derive(Debug)]
enum ClaimKind {
    /// A name or column the operation writes into the state.
    Written,
    /// `AlterField`'s name: a reference to a field that exists, which counts while the field
    /// keeps that name.
    Alters(String),
}

/// A name some operation wrote, on the model it wrote it on.
#[derive(Debug)]
struct Claim {
    at: At,
    model: usize,
    kind: ClaimKind,
}

#[derive(Debug, Default)]
struct State {
    /// By lower-cased name: Django compares model names without case.
    models: HashMap<String, Model>,
    next_id: usize,
    /// Models whose state is not known exactly.
    tainted: HashSet<usize>,
    claims: Vec<Claim>,
}

impl State {
    /// Apply one operation of file `file`; `None` when the app's state can no longer be
    /// known (a model that is not named by a literal, an unknown operation on any model).
    fn apply(&mut self, file: usize, op: &StateOp) -> Option<()> {
        match op {
            StateOp::CreateModel {
                model,
                fields,
                complete,
            } => {
                let key = model.as_deref()?.to_lowercase();
                let id = self.new_id();
                if let Some(old) = self.models.remove(&key) {
                    self.tainted.insert(old.id);
                }
                let mut model = Model {
                    id,
                    fields: Vec::new(),
                };
                for def in fields {
                    self.add(&mut model, file, def);
                }
                if !complete {
                    self.tainted.insert(id);
                }
                self.models.insert(key, model);
            }
            StateOp::DeleteModel { model } => {
                let key = model.as_deref()?.to_lowercase();
                self.models.remove(&key);
            }
            StateOp::RenameModel { old, new } => {
                let old = old.as_deref()?.to_lowercase();
                let new = new.as_deref()?.to_lowercase();
                let model = self.models.remove(&old).unwrap_or_else(|| {
                    let model = self.placeholder();
                    self.tainted.insert(model.id);
                    model
                });
                if let Some(replaced) = self.models.insert(new, model) {
                    self.tainted.insert(replaced.id);
                }
            }
            StateOp::AddField { model, field } => {
                let mut state = self.take(model.as_deref()?);
                match field {
                    Some(def) => self.add(&mut state, file, def),
                    None => {
                        self.tainted.insert(state.id);
                    }
                }
                self.put(model.as_deref()?, state);
            }
            StateOp::AlterField { model, field } => {
                let mut state = self.take(model.as_deref()?);
                self.alter(&mut state, file, field.as_ref());
                self.put(model.as_deref()?, state);
            }
            StateOp::RemoveField { model, name } => {
                let mut state = self.take(model.as_deref()?);
                let at = name
                    .as_deref()
                    .and_then(|name| state.fields.iter().position(|f| f.name == *name));
                match at {
                    Some(at) => {
                        state.fields.remove(at);
                    }
                    None => {
                        self.tainted.insert(state.id);
                    }
                }
                self.put(model.as_deref()?, state);
            }
            StateOp::RenameField { model, old, new } => {
                let mut state = self.take(model.as_deref()?);
                let at = old
                    .as_deref()
                    .and_then(|old| state.fields.iter().position(|f| f.name == *old));
                match (at, new) {
                    (Some(at), Some(new)) => {
                        let field = &mut state.fields[at];
                        field.name = new.value.clone();
                        field.name_at = (file, new.span.clone());
                        self.claim(&state, (file, new.span.clone()));
                    }
                    (None, new) => {
                        // A field the state does not have: what the rename writes is in
                        // doubt, not superseded.
                        self.tainted.insert(state.id);
                        if let Some(new) = new {
                            self.claim(&state, (file, new.span.clone()));
                        }
                    }
                    (Some(_), None) => {
                        self.tainted.insert(state.id);
                    }
                }
                self.put(model.as_deref()?, state);
            }
            StateOp::Unknown { model, .. } => {
                let key = model.as_deref()?.to_lowercase();
                if let Some(model) = self.models.get(&key) {
                    self.tainted.insert(model.id);
                }
            }
        }
        Some(())
    }

    fn new_id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    /// A model the state does not have, standing for one it should: never judged.
    fn placeholder(&mut self) -> Model {
        let id = self.new_id();
        self.tainted.insert(id);
        Model {
            id,
            fields: Vec::new(),
        }
    }

    fn take(&mut self, model: &str) -> Model {
        match self.models.remove(&model.to_lowercase()) {
            Some(model) => model,
            None => self.placeholder(),
        }
    }

    fn put(&mut self, model: &str, state: Model) {
        self.models.insert(model.to_lowercase(), state);
    }

    fn claim(&mut self, model: &Model, at: At) {
        self.claims.push(Claim {
            at,
            model: model.id,
            kind: ClaimKind::Written,
        });
    }

    fn add(&mut self, model: &mut Model, file: usize, def: &FieldDef) {
        let name_at = (file, def.name.span.clone());
        self.claim(model, name_at.clone());
        if model.fields.iter().any(|f| f.name == def.name.value) {
            // Django refuses a second field of one name; the state is not what we think.
            self.tainted.insert(model.id);
        }
        let column = self.column(model, file, &def.column);
        model.fields.push(Field {
            name: def.name.value.clone(),
            name_at,
            column,
        });
    }

    fn alter(&mut self, model: &mut Model, file: usize, def: Option<&FieldDef>) {
        let Some(def) = def else {
            self.tainted.insert(model.id);
            return;
        };
        self.claims.push(Claim {
            at: (file, def.name.span.clone()),
            model: model.id,
            kind: ClaimKind::Alters(def.name.value.clone()),
        });
        let column = self.column(model, file, &def.column);
        match model.fields.iter_mut().find(|f| f.name == def.name.value) {
            Some(field) => field.column = column,
            None => {
                self.tainted.insert(model.id);
            }
        }
    }

    /// The column a definition gives, claimed where it is written.
    fn column(&mut self, model: &Model, file: usize, column: &Column) -> Option<(String, At)> {
        match column {
            Column::Default => None,
            Column::Named(Located { value, span }) => {
                let at = (file, span.clone());
                self.claim(model, at.clone());
                Some((value.clone(), at))
            }
            Column::Unknown => {
                self.tainted.insert(model.id);
                None
            }
        }
    }

    fn has_field(&self, id: usize, name: &str) -> bool {
        self.models
            .values()
            .any(|model| model.id == id && model.fields.iter().any(|f| f.name == name))
    }

    /// Every place a name or column of the final state was written.
    fn live(&self) -> HashSet<At> {
        self.models
            .values()
            .flat_map(|model| model.fields.iter())
            .flat_map(|field| {
                let column = field.column.as_ref().map(|(_, at)| at.clone());
                std::iter::once(field.name_at.clone()).chain(column)
            })
            .collect()
    }
}
