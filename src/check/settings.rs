//! What a team configured about the rules: a severity per rule (or off) and names that are
//! never reported.

use std::collections::{BTreeMap, HashSet};

use super::{Rule, Severity};

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// Severities and allowed names; the default reports every rule at its default severity.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    levels: BTreeMap<Rule, Level>,
    /// Names allowed on every model.
    names: HashSet<String>,
    /// (model in lowercase, name): Django model names are case-insensitive, and `AddField`
    /// spells the model in lowercase where `CreateModel` capitalises it.
    model_names: HashSet<(String, String)>,
}

impl RuleSettings {
    pub fn set_level(&mut self, rule: Rule, level: Level) {
        self.levels.insert(rule, level);
    }

    /// Allow `name` everywhere, or `Model.name` on one model.
    pub fn allow(&mut self, entry: &str) {
        match entry.split_once('.') {
            Some((model, name)) => {
                self.model_names
                    .insert((model.to_lowercase(), name.to_string()));
            }
            None => {
                self.names.insert(entry.to_string());
            }
        }
    }

    /// The severity a rule reports with, `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.levels.get(&rule) {
            None => Some(rule.default_severity()),
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Off) => None,
        }
    }

    pub fn is_allowed(&self, model: Option<&str>, name: &str) -> bool {
        self.names.contains(name)
            || model.is_some_and(|model| {
                self.model_names
                    .contains(&(model.to_lowercase(), name.to_string()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_override_defaults() {
        let mut settings = RuleSettings::default();
        assert_eq!(settings.severity(Rule::FieldName), Some(Severity::Error));
        settings.set_level(Rule::FieldName, Level::Warning);
        settings.set_level(Rule::AlteredFieldName, Level::Off);
        assert_eq!(settings.severity(Rule::FieldName), Some(Severity::Warning));
        assert_eq!(settings.severity(Rule::AlteredFieldName), None);
    }

    #[test]
    fn allowed_names_and_model_names() {
        let mut settings = RuleSettings::default();
        settings.allow("sex");
        settings.allow("Order.extra");
        assert!(settings.is_allowed(None, "sex"));
        assert!(settings.is_allowed(Some("Post"), "sex"));
        assert!(settings.is_allowed(Some("order"), "extra"));
        assert!(settings.is_allowed(Some("Order"), "extra"));
        assert!(!settings.is_allowed(Some("Post"), "extra"));
        assert!(!settings.is_allowed(None, "extra"));
    }
}
