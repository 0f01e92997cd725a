//! Where a finding's field is declared: in the app's models modules, the class whose name is
//! the finding's model (compared without case, as Django compares model names), the
//! assignment of the field in it or in a base class of the same app, or its `db_column`.
//! When neither the class nor a base of the app declares it, the field comes from a base
//! outside the app (a mixin, a third-party abstract model): a name the team may not be free
//! to rename.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use crate::migration::{ModelClass, ModelModule, model_module};
use crate::text::LineIndex;

/// Where the field of a finding comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declaration {
    /// Declared in the app: the field's name (or its `db_column` string) at this place, in
    /// the body of `class`.
    Here {
        path: String,
        line: usize,
        column: usize,
        class: String,
    },
    /// The model's class is at this place, but neither it nor a base class of the app
    /// declares the field: it comes from one of `bases`, defined elsewhere.
    Inherited {
        path: String,
        line: usize,
        column: usize,
        class: String,
        bases: Vec<String>,
    },
}

impl Declaration {
    /// `path:line:column` of the place.
    pub fn location(&self) -> String {
        let (path, line, column) = self.place();
        format!("{path}:{line}:{column}")
    }

    /// The file, 1-based line and column (in characters) of the place.
    pub fn place(&self) -> (&str, usize, usize) {
        match self {
            Declaration::Here {
                path, line, column, ..
            }
            | Declaration::Inherited {
                path, line, column, ..
            } => (path, *line, *column),
        }
    }

    /// The note shown under a finding about `field`, whose wrong name `allow` would take as
    /// `Model.{name}` (the column, for `db-column`).
    pub fn note(&self, field: &str, name: &str) -> String {
        match self {
            Declaration::Here { .. } => format!("declared here: {}", self.location()),
            Declaration::Inherited { class, bases, .. } => {
                let bases: Vec<String> = bases.iter().map(|b| format!("`{b}`")).collect();
                format!(
                    "`{class}` ({}) does not declare `{field}`: it may come from {}, outside the \
                     repository, and then renaming it may not be yours to do; `allow = \
                     [\"{class}.{name}\"]` accepts it",
                    self.location(),
                    bases.join(" or ")
                )
            }
        }
    }
}

/// Python modules of the snapshot being checked, by folder and name: `dir/name.py` and the
/// modules of a `dir/name` package, as (path, content).
pub trait Modules {
    fn read(&self, dir: &str, name: &str) -> Vec<(String, Vec<u8>)>;
}

/// No modules beyond the app's: every base from elsewhere is outside.
pub struct NoModules;

impl Modules for NoModules {
    fn read(&self, _dir: &str, _name: &str) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }
}

/// The modules bases are followed into, each read and parsed once however many findings
/// lead there.
pub struct ModuleCache<'a> {
    modules: &'a dyn Modules,
    parsed: RefCell<HashMap<(String, String), Rc<AppModels>>>,
}

impl<'a> ModuleCache<'a> {
    pub fn new(modules: &'a dyn Modules) -> ModuleCache<'a> {
        ModuleCache {
            modules,
            parsed: RefCell::new(HashMap::new()),
        }
    }

    /// The module `name` of folder `dir`, parsed (empty when the snapshot has none).
    fn get(&self, dir: &str, name: &str) -> Rc<AppModels> {
        let key = (dir.to_string(), name.to_string());
        if let Some(found) = self.parsed.borrow().get(&key) {
            return found.clone();
        }
        let parsed = Rc::new(AppModels::parse(self.modules.read(dir, name)));
        self.parsed.borrow_mut().insert(key, parsed.clone());
        parsed
    }
}

/// How many imports deep a base is followed.
const MAX_DEPTH: usize = 4;

/// The folders and names a `from MODULE import` in the module at `from_path` may mean: a
/// relative module from the importing package, an absolute one from each folder above it
/// (the project's source root is not known).
fn candidates(module: &str, from_path: &str) -> Vec<(String, String)> {
    let dir = from_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let join = |a: &str, b: &str| match (a, b) {
        ("", b) => b.to_string(),
        (a, "") => a.to_string(),
        (a, b) => format!("{a}/{b}"),
    };
    let split = |full: String| match full.rsplit_once('/') {
        Some((dir, name)) => (dir.to_string(), name.to_string()),
        None => (String::new(), full),
    };
    let dots = module.chars().take_while(|c| *c == '.').count();
    let rest = module[dots..].replace('.', "/");
    if rest.is_empty() {
        return Vec::new();
    }
    if dots > 0 {
        let mut base = dir;
        for _ in 1..dots {
            base = base.rsplit_once('/').map_or("", |(up, _)| up);
        }
        return vec![split(join(base, &rest))];
    }
    let mut out = Vec::new();
    let mut at = Some(dir);
    while let Some(folder) = at {
        out.push(split(join(folder, &rest)));
        at = match folder {
            "" => None,
            f => Some(f.rsplit_once('/').map_or("", |(up, _)| up)),
        };
    }
    out
}

/// The models modules of one app, parsed.
#[derive(Debug, Default)]
pub struct AppModels {
    modules: Vec<Module>,
}

#[derive(Debug)]
struct Module {
    path: String,
    source: Vec<u8>,
    lines: LineIndex,
    module: ModelModule,
}

impl Module {
    /// Bases that declare no field of the team's: Django's own model class, under the
    /// names this module imports it as (`Model` from `from django.db.models import Model`,
    /// `m.Model` from `from django.db import models as m`).
    fn is_django_model(&self, base: &str) -> bool {
        matches!(base, "models.Model" | "django.db.models.Model")
            || self
                .module
                .imports
                .iter()
                .any(|i| match (i.module.as_str(), i.name.as_str()) {
                    ("django.db.models", "Model") => base == i.local,
                    ("django.db", "models") => base.strip_suffix(".Model") == Some(&i.local),
                    _ => false,
                })
    }
}

impl AppModels {
    /// Parse the modules read. One that cannot be parsed cleanly declares nothing: what the
    /// parser recovered of it could make a declared field look inherited.
    pub fn parse(reads: impl IntoIterator<Item = (String, Vec<u8>)>) -> AppModels {
        let modules = reads
            .into_iter()
            .filter_map(|(path, source)| {
                let module = model_module(&source).ok().filter(|m| !m.has_error)?;
                Some(Module {
                    path,
                    lines: LineIndex::new(&source),
                    source,
                    module,
                })
            })
            .collect();
        AppModels { modules }
    }

    /// Every class called `name` (without case unless `exact`), concrete ones first.
    fn classes(&self, name: &str, exact: bool) -> Vec<(&Module, &ModelClass)> {
        let mut found: Vec<(&Module, &ModelClass)> = self
            .modules
            .iter()
            .flat_map(|module| module.module.classes.iter().map(move |c| (module, c)))
            .filter(|(_, class)| {
                if exact {
                    class.name == name
                } else {
                    class.name.eq_ignore_ascii_case(name)
                }
            })
            .collect();
        found.sort_by_key(|(_, class)| class.is_abstract);
        found
    }

    fn place(module: &Module, offset: usize) -> (String, usize, usize) {
        let position = module.lines.position(&module.source, offset);
        (module.path.clone(), position.line, position.column)
    }

    /// Where `field` of `model` is declared; with `column`, the `db_column` string when the
    /// declaration sets that column. `None` when the app has no class for the model, or no
    /// class of that name declares the field and none has a base outside the app it could
    /// come from (the model was edited since the migration was written).
    pub fn declaration(
        &self,
        model: &str,
        field: &str,
        column: Option<&str>,
        modules: &ModuleCache<'_>,
    ) -> Option<Declaration> {
        let candidates = self.classes(model, false);
        let mut outside_of_first = Vec::new();
        for (i, (module, class)) in candidates.iter().enumerate() {
            let mut search = Search {
                field,
                column,
                modules,
                visited: BTreeSet::new(),
                outside: Vec::new(),
            };
            if let Some(found) = self.find(module, class, &mut search, 0) {
                return Some(found);
            }
            if i == 0 {
                outside_of_first = search.outside;
            }
        }
        let (module, class) = candidates.first()?;
        if outside_of_first.is_empty() {
            return None;
        }
        let (path, line, column) = Self::place(module, class.span.start);
        Some(Declaration::Inherited {
            path,
            line,
            column,
            class: class.name.clone(),
            bases: outside_of_first,
        })
    }

    /// Look in `class`, then in its bases, depth first: those of the app, then those its
    /// module imports from elsewhere in the repository; bases found nowhere are gathered in
    /// `search.outside`.
    fn find(
        &self,
        module: &Module,
        class: &ModelClass,
        search: &mut Search<'_>,
        depth: usize,
    ) -> Option<Declaration> {
        if !search
            .visited
            .insert((module.path.clone(), class.name.clone()))
        {
            return None;
        }
        let declared = class.fields.iter().find(|f| f.name == search.field);
        let offset = match declared {
            Some(declared) => match (&declared.db_column, search.column) {
                (Some((written, span)), Some(wanted)) if written == wanted => Some(span.start),
                _ => Some(declared.span.start),
            },
            // Assigned some other way (a manager-like field, a factory): declared here all
            // the same.
            None => class
                .assigned
                .iter()
                .find(|(name, _)| name == search.field)
                .map(|(_, span)| span.start),
        };
        if let Some(offset) = offset {
            let (path, line, column) = Self::place(module, offset);
            return Some(Declaration::Here {
                path,
                line,
                column,
                class: class.name.clone(),
            });
        }
        for base in &class.bases {
            if module.is_django_model(base) {
                continue;
            }
            let name = base.rsplit('.').next().unwrap_or(base);
            let in_app = self.classes(name, true);
            if !in_app.is_empty() {
                for (base_module, base_class) in in_app {
                    if let Some(found) = self.find(base_module, base_class, search, depth) {
                        return Some(found);
                    }
                }
                continue;
            }
            match (depth < MAX_DEPTH)
                .then(|| imported(module, base, search.modules))
                .flatten()
            {
                Some((elsewhere, class_name)) => {
                    for (base_module, base_class) in elsewhere.classes(&class_name, true) {
                        if let Some(found) =
                            elsewhere.find(base_module, base_class, search, depth + 1)
                        {
                            return Some(found);
                        }
                    }
                }
                None => {
                    if !search.outside.contains(base) {
                        search.outside.push(base.clone());
                    }
                }
            }
        }
        None
    }
}

/// What one lookup carries through the bases.
struct Search<'a> {
    field: &'a str,
    column: Option<&'a str>,
    modules: &'a ModuleCache<'a>,
    visited: BTreeSet<(String, String)>,
    outside: Vec<String>,
}

/// The modules of the repository a base is imported from, parsed, with the class's name in
/// them: `from common.models import BaseModel` (or `from . import mixins` with
/// `mixins.TitleMixin`). `None` when the import is not found in the repository (a
/// third-party package) or the class is not in what was found.
fn imported(
    module: &Module,
    base: &str,
    modules: &ModuleCache<'_>,
) -> Option<(Rc<AppModels>, String)> {
    let (first, rest) = match base.split_once('.') {
        Some((first, rest)) => (first, Some(rest)),
        None => (base, None),
    };
    let import = module.module.imports.iter().find(|i| i.local == first)?;
    let (from, class) = match rest {
        None => (import.module.clone(), import.name.clone()),
        // `from pkg import mixins` then `mixins.TitleMixin`.
        Some(rest) => {
            let sep = if import.module.ends_with('.') {
                ""
            } else {
                "."
            };
            let (inner, class) = match rest.rsplit_once('.') {
                Some((inner, class)) => (format!(".{inner}"), class.to_string()),
                None => (String::new(), rest.to_string()),
            };
            (
                format!("{}{sep}{}{inner}", import.module, import.name),
                class,
            )
        }
    };
    for (dir, name) in candidates(&from, &module.path) {
        let found = modules.get(&dir, &name);
        if !found.classes(&class, true).is_empty() {
            return Some((found, class));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(modules: &[(&str, &str)]) -> AppModels {
        AppModels::parse(
            modules
                .iter()
                .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec())),
        )
    }

    const BASE: &str = "from django.db import models\n\n\nclass Stamped(models.Model):\n    create_time = models.DateTimeField()\n\n    class Meta:\n        abstract = True\n";
    const POST: &str = "from django.db import models\nfrom model_utils.models import TimeStampedModel\n\nfrom .base import Stamped\n\n\nclass Post(Stamped, TimeStampedModel):\n    title = models.CharField(db_column=\"tittle\")\n";

    #[test]
    fn in_the_class_in_a_base_of_the_app_or_outside() {
        let models = app(&[("blog/models/base.py", BASE), ("blog/models/post.py", POST)]);
        let here = models
            .declaration("post", "title", None, &ModuleCache::new(&NoModules))
            .expect("declared");
        assert_eq!(here.location(), "blog/models/post.py:8:5");
        let column = models
            .declaration(
                "Post",
                "title",
                Some("tittle"),
                &ModuleCache::new(&NoModules),
            )
            .expect("column");
        assert_eq!(column.location(), "blog/models/post.py:8:41");
        let base = models
            .declaration("POST", "create_time", None, &ModuleCache::new(&NoModules))
            .expect("in a base");
        assert_eq!(
            base,
            Declaration::Here {
                path: "blog/models/base.py".into(),
                line: 5,
                column: 5,
                class: "Stamped".into(),
            }
        );
        let inherited = models
            .declaration("post", "created", None, &ModuleCache::new(&NoModules))
            .expect("inherited");
        assert_eq!(
            inherited.note("created", "created"),
            "`Post` (blog/models/post.py:7:7) does not declare `created`: it may come from \
             `TimeStampedModel`, outside the repository, and then renaming it may not be \
             yours to do; `allow = [\"Post.created\"]` accepts it"
        );
        assert_eq!(
            models.declaration("tag", "title", None, &ModuleCache::new(&NoModules)),
            None,
            "no such model"
        );
        let plain = app(&[("blog/models.py", BASE)]);
        assert_eq!(
            plain.declaration("stamped", "gone", None, &ModuleCache::new(&NoModules)),
            None,
            "edited since: nothing to say"
        );
    }

    #[test]
    fn what_must_not_be_called_inherited() {
        // A same-named abstract class elsewhere in the package: the concrete one declares it.
        let legacy = "from .base import Base\n\n\nclass Post(Base):\n    class Meta:\n        abstract = True\n";
        let post = "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.TextField()\n    tags = TaggableManager()\n";
        let models = app(&[
            ("blog/models/legacy.py", legacy),
            ("blog/models/post.py", post),
        ]);
        let title = models
            .declaration("post", "title", None, &ModuleCache::new(&NoModules))
            .expect("declared");
        assert_eq!(title.location(), "blog/models/post.py:5:5");
        let tags = models
            .declaration("post", "tags", None, &ModuleCache::new(&NoModules))
            .expect("assigned");
        assert_eq!(
            tags.location(),
            "blog/models/post.py:6:5",
            "whatever builds it"
        );
        // Django's base under another name is Django's.
        let aliased = "from django.db.models import Model as DjangoModel\n\n\nclass Post(DjangoModel):\n    title = text_field()\n";
        let models = app(&[("blog/models.py", aliased)]);
        assert_eq!(
            models.declaration("post", "gone", None, &ModuleCache::new(&NoModules)),
            None
        );
        // A module that does not parse declares nothing, rather than everything inherited.
        let broken = "from x import Mixin\n\n\nclass Post(Mixin):\n    title = models.TextField(\n";
        let models = app(&[("blog/models.py", broken)]);
        assert_eq!(
            models.declaration("post", "title", None, &ModuleCache::new(&NoModules)),
            None
        );
    }

    /// Modules of a repository, by path.
    struct Repository(Vec<(&'static str, &'static str)>);

    impl Modules for Repository {
        fn read(&self, dir: &str, name: &str) -> Vec<(String, Vec<u8>)> {
            let file = if dir.is_empty() {
                format!("{name}.py")
            } else {
                format!("{dir}/{name}.py")
            };
            let package = if dir.is_empty() {
                format!("{name}/")
            } else {
                format!("{dir}/{name}/")
            };
            self.0
                .iter()
                .filter(|(path, _)| {
                    *path == file
                        || path
                            .strip_prefix(&package)
                            .is_some_and(|rest| !rest.contains('/'))
                })
                .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
                .collect()
        }
    }

    #[test]
    fn a_base_imported_from_elsewhere_in_the_repository_is_followed() {
        let common = "from django.db import models\n\n\nclass BaseModel(models.Model):\n    creator = models.CharField()\n\n    class Meta:\n        abstract = True\n";
        let mixins = "class Stamp:\n    created_time = models.DateTimeField()\n";
        let role = "from common.models import BaseModel\nfrom . import mixins\nfrom model_utils.models import TimeStampedModel\n\n\nclass Role(BaseModel, mixins.Stamp, TimeStampedModel):\n    name = models.CharField()\n";
        let repository = Repository(vec![
            ("backend/common/models.py", common),
            ("backend/apps/role/mixins.py", mixins),
        ]);
        let models = app(&[("backend/apps/role/models.py", role)]);
        let creator = models
            .declaration("role", "creator", None, &ModuleCache::new(&repository))
            .expect("in common");
        assert_eq!(creator.location(), "backend/common/models.py:5:5");
        let stamp = models
            .declaration("role", "created_time", None, &ModuleCache::new(&repository))
            .expect("in the app's mixins");
        assert_eq!(stamp.location(), "backend/apps/role/mixins.py:2:5");
        let inherited = models
            .declaration("role", "created", None, &ModuleCache::new(&repository))
            .expect("inherited");
        assert!(
            matches!(&inherited, Declaration::Inherited { bases, .. } if bases == &["TimeStampedModel"]),
            "{inherited:?}"
        );
    }
}
