//! Read an app's `AppConfig` classes from its `apps.py` (or a module of an `apps` package, or
//! an old project's `__init__.py`), with the same parser as the migrations: which classes
//! there are, and what they set as `label`, `name` and `default`. Choosing among them is the
//! graph's business (`check::labels`).

use std::ops::Range;

use tree_sitter::Node;

use super::strings::string_literal;
use super::walk::{assignment, significant_children};
use super::{ParseError, parse_tree};

/// A class attribute as far as it can be read without running code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    Unset,
    Literal(String),
    /// Set to something other than a plain string (a name, a call, a concatenation).
    Computed,
}

/// One class that looks like an `AppConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfigClass {
    pub class: String,
    pub label: Attribute,
    pub name: Attribute,
    /// `default = True` or `default = False`, when written as a literal.
    pub default: Option<bool>,
    /// Bytes of the class name.
    pub span: Range<usize>,
}

impl AppConfigClass {
    /// The label Django gives the app with this config: `label`, else the last part of
    /// `name`. `None` when neither is set (a base class for other configs), `Some(None)` when
    /// the one that counts is computed.
    pub fn label(&self) -> Option<Option<String>> {
        match (&self.label, &self.name) {
            (Attribute::Literal(label), _) => Some(Some(label.clone())),
            (Attribute::Computed, _) => Some(None),
            (Attribute::Unset, Attribute::Literal(name)) => {
                Some(Some(name.rsplit('.').next().unwrap_or(name).to_string()))
            }
            (Attribute::Unset, Attribute::Computed) => Some(None),
            (Attribute::Unset, Attribute::Unset) => None,
        }
    }
}

/// What one module says about its app's config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppModule {
    pub configs: Vec<AppConfigClass>,
    /// `default_app_config = "app.apps.ShopConfig"` (Django before 3.2), as written.
    pub default_app_config: Option<String>,
}

/// The `AppConfig` classes of a module: module-level classes deriving from `AppConfig` (or
/// from any class whose name ends in `Config`, such as a project's `BaseAppConfig` or
/// netbox's `PluginConfig`, or from another such class in the module).
pub fn app_configs(source: &[u8]) -> Result<AppModule, ParseError> {
    let tree = parse_tree(source)?;
    let root = tree.root_node();
    let mut module = AppModule::default();
    let mut classes: Vec<String> = Vec::new();
    for statement in significant_children(root) {
        let class = match statement.kind() {
            "class_definition" => statement,
            "decorated_definition" => match statement.child_by_field_name("definition") {
                Some(definition) if definition.kind() == "class_definition" => definition,
                _ => continue,
            },
            "expression_statement" => {
                if let Some(value) = assigned(statement, source, b"default_app_config") {
                    module.default_app_config = string_literal(value, source).map(|l| l.value);
                }
                continue;
            }
            _ => continue,
        };
        let Some(name) = class.child_by_field_name("name") else {
            continue;
        };
        let class_name =
            String::from_utf8_lossy(source.get(name.byte_range()).unwrap_or_default()).into_owned();
        if !derives_from_config(class, source, &classes) {
            continue;
        }
        classes.push(class_name.clone());
        let mut config = AppConfigClass {
            class: class_name,
            label: Attribute::Unset,
            name: Attribute::Unset,
            default: None,
            span: name.byte_range(),
        };
        if let Some(body) = class.child_by_field_name("body") {
            for statement in significant_children(body) {
                if let Some(value) = assigned(statement, source, b"label") {
                    config.label = attribute(value, source);
                } else if let Some(value) = assigned(statement, source, b"name") {
                    config.name = attribute(value, source);
                } else if let Some(value) = assigned(statement, source, b"default") {
                    config.default = match source.get(value.byte_range()) {
                        Some(b"True") => Some(true),
                        Some(b"False") => Some(false),
                        _ => None,
                    };
                }
            }
        }
        module.configs.push(config);
    }
    Ok(module)
}

/// The value of `target = value` when `statement` is that assignment.
fn assigned<'t>(statement: Node<'t>, source: &[u8], target: &[u8]) -> Option<Node<'t>> {
    let (left, right) = assignment(statement)?;
    (source.get(left.byte_range())? == target)
        .then_some(right)
        .flatten()
}

fn attribute(value: Node, source: &[u8]) -> Attribute {
    match string_literal(value, source) {
        Some(literal) => Attribute::Literal(literal.value),
        None => Attribute::Computed,
    }
}

fn derives_from_config(class: Node, source: &[u8], known: &[String]) -> bool {
    let Some(bases) = class.child_by_field_name("superclasses") else {
        return false;
    };
    significant_children(bases).into_iter().any(|base| {
        let text = source.get(base.byte_range()).unwrap_or_default();
        let last = text.rsplit(|&b| b == b'.').next().unwrap_or(text);
        matches!(base.kind(), "identifier" | "attribute")
            && (last.ends_with(b"Config") || known.iter().any(|k| k.as_bytes() == last))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configs(source: &str) -> AppModule {
        app_configs(source.as_bytes()).expect("parser runs")
    }

    #[test]
    fn label_name_and_default() {
        let module = configs(
            "from django.apps import AppConfig\n\n\nclass OrdersConfig(AppConfig):\n    default_auto_field = \"django.db.models.BigAutoField\"\n    name = \"shop.orders\"\n    label = \"shop_orders\"\n    default = True\n",
        );
        let [config] = module.configs.as_slice() else {
            panic!("one config: {module:?}");
        };
        assert_eq!(config.class, "OrdersConfig");
        assert_eq!(config.label(), Some(Some("shop_orders".to_string())));
        assert_eq!(config.default, Some(true));
    }

    #[test]
    fn name_gives_the_label_when_no_label_is_set() {
        let module = configs("class C(apps.AppConfig):\n    name = 'project.apps.catalogue'\n");
        assert_eq!(
            module.configs[0].label(),
            Some(Some("catalogue".to_string()))
        );
    }

    #[test]
    fn project_bases_and_computed_values() {
        let module = configs(
            "class Base(AppConfig):\n    verbose_name = 'x'\n\n\nclass Shop(Base):\n    name = PREFIX + 'shop'\n\n\nclass Plugin(PluginConfig):\n    name = 'netbox_x'\n\n\nclass NotAConfig(object):\n    name = 'nothing'\n",
        );
        let labels: Vec<(&str, Option<Option<String>>)> = module
            .configs
            .iter()
            .map(|c| (c.class.as_str(), c.label()))
            .collect();
        assert_eq!(
            labels,
            [
                ("Base", None),
                ("Shop", Some(None)),
                ("Plugin", Some(Some("netbox_x".to_string())))
            ]
        );
    }

    #[test]
    fn default_app_config_of_an_old_init() {
        let module = configs("default_app_config = \"shop.apps.ShopConfig\"\n");
        assert_eq!(
            module.default_app_config.as_deref(),
            Some("shop.apps.ShopConfig")
        );
        assert!(module.configs.is_empty());
    }
}
