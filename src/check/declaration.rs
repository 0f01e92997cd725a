//! Where a finding's field is declared: in the app's models modules, the class whose name is
//! the finding's model (compared without case, as Django compares model names), the
//! assignment of the field in it or in a base class of the same app, or its `db_column`.
//! When neither the class nor a base of the app declares it, the field comes from a base
//! outside the app (a mixin, a third-party abstract model): a name the team may not be free
//! to rename.

use std::collections::BTreeSet;

use crate::migration::{ModelClass, model_classes};
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
        match self {
            Declaration::Here {
                path, line, column, ..
            }
            | Declaration::Inherited {
                path, line, column, ..
            } => format!("{path}:{line}:{column}"),
        }
    }

    /// The note shown under a finding.
    pub fn note(&self, field: &str) -> String {
        match self {
            Declaration::Here { .. } => format!("declared here: {}", self.location()),
            Declaration::Inherited { class, bases, .. } => {
                let bases: Vec<String> = bases.iter().map(|b| format!("`{b}`")).collect();
                format!(
                    "`{class}` ({}) does not declare `{field}`: it comes from {}, outside this \
                     app's models, so renaming it may not be yours to do; `allow = \
                     [\"{class}.{field}\"]` accepts it",
                    self.location(),
                    bases.join(" or ")
                )
            }
        }
    }
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
    classes: Vec<ModelClass>,
}

/// Bases that declare no field of the team's: Django's own model class.
fn is_django_model(base: &str) -> bool {
    matches!(base, "models.Model" | "Model" | "django.db.models.Model")
}

impl AppModels {
    /// Parse the modules read; one that cannot be read or parsed declares nothing.
    pub fn parse(reads: impl IntoIterator<Item = (String, Vec<u8>)>) -> AppModels {
        let modules = reads
            .into_iter()
            .filter_map(|(path, source)| {
                let classes = model_classes(&source).ok()?;
                Some(Module {
                    path,
                    source,
                    classes,
                })
            })
            .collect();
        AppModels { modules }
    }

    fn class(&self, name: &str, exact: bool) -> Option<(&Module, &ModelClass)> {
        self.modules.iter().find_map(|module| {
            let found = module.classes.iter().find(|class| {
                if exact {
                    class.name == name
                } else {
                    class.name.eq_ignore_ascii_case(name)
                }
            })?;
            Some((module, found))
        })
    }

    fn place(module: &Module, offset: usize) -> (String, usize, usize) {
        let position = LineIndex::new(&module.source).position(&module.source, offset);
        (module.path.clone(), position.line, position.column)
    }

    /// Where `field` of `model` is declared; with `column`, the `db_column` string when the
    /// declaration sets that column. `None` when the app has no class for the model, or the
    /// class declares no such field and has no base outside the app it could come from (the
    /// model was edited since the migration was written).
    pub fn declaration(
        &self,
        model: &str,
        field: &str,
        column: Option<&str>,
    ) -> Option<Declaration> {
        let (module, class) = self.class(model, false)?;
        let mut visited = BTreeSet::new();
        let mut outside = Vec::new();
        if let Some(found) = self.find(module, class, field, column, &mut visited, &mut outside) {
            return Some(found);
        }
        if outside.is_empty() {
            return None;
        }
        let (path, line, column) = Self::place(module, class.span.start);
        Some(Declaration::Inherited {
            path,
            line,
            column,
            class: class.name.clone(),
            bases: outside,
        })
    }

    /// Look in `class`, then in its bases of the app, depth first; bases not in the app are
    /// gathered in `outside`.
    fn find(
        &self,
        module: &Module,
        class: &ModelClass,
        field: &str,
        column: Option<&str>,
        visited: &mut BTreeSet<String>,
        outside: &mut Vec<String>,
    ) -> Option<Declaration> {
        if !visited.insert(class.name.clone()) {
            return None;
        }
        if let Some(declared) = class.fields.iter().find(|f| f.name == field) {
            let offset = match (&declared.db_column, column) {
                (Some((written, span)), Some(wanted)) if written == wanted => span.start,
                _ => declared.span.start,
            };
            let (path, line, column) = Self::place(module, offset);
            return Some(Declaration::Here {
                path,
                line,
                column,
                class: class.name.clone(),
            });
        }
        for base in &class.bases {
            if is_django_model(base) {
                continue;
            }
            let name = base.rsplit('.').next().unwrap_or(base);
            match self.class(name, true) {
                Some((base_module, base_class)) => {
                    let found = self.find(base_module, base_class, field, column, visited, outside);
                    if found.is_some() {
                        return found;
                    }
                }
                None => {
                    if !outside.contains(base) {
                        outside.push(base.clone());
                    }
                }
            }
        }
        None
    }
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
    const POST: &str = "from django.db import models\nfrom model_utils.models import TimeStampedModel\n\nfrom .base import Stamped\n\n\nclass Post(Stamped, TimeStampedModel):\n    title = models.CharField(db_column=\"titel\")\n";

    #[test]
    fn in_the_class_in_a_base_of_the_app_or_outside() {
        let models = app(&[("blog/models/base.py", BASE), ("blog/models/post.py", POST)]);
        let here = models.declaration("post", "title", None).expect("declared");
        assert_eq!(here.location(), "blog/models/post.py:8:5");
        let column = models
            .declaration("Post", "title", Some("titel"))
            .expect("column");
        assert_eq!(column.location(), "blog/models/post.py:8:41");
        let base = models
            .declaration("POST", "create_time", None)
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
            .declaration("post", "created", None)
            .expect("inherited");
        assert_eq!(
            inherited.note("created"),
            "`Post` (blog/models/post.py:7:7) does not declare `created`: it comes from \
             `TimeStampedModel`, outside this app's models, so renaming it may not be yours \
             to do; `allow = [\"Post.created\"]` accepts it"
        );
        assert_eq!(
            models.declaration("tag", "title", None),
            None,
            "no such model"
        );
        let plain = app(&[("blog/models.py", BASE)]);
        assert_eq!(
            plain.declaration("stamped", "gone", None),
            None,
            "edited since: nothing to say"
        );
    }
}
