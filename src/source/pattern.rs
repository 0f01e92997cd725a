//! What counts as a migration file: a `.py` file other than `__init__.py` whose parent
//! directory is named `migrations`, at any depth.

/// `path` is `/`-separated (a git path or a normalised file system path).
pub fn is_migration(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let (Some(file), Some(parent)) = (parts.next(), parts.next()) else {
        return false;
    };
    parent == "migrations" && file.ends_with(".py") && file != "__init__.py" && file.len() > 3
}

#[cfg(test)]
mod tests {
    use super::is_migration;

    #[test]
    fn migrations_at_any_depth() {
        assert!(is_migration("blog/migrations/0001_initial.py"));
        assert!(is_migration(
            "src/apps/shop/migrations/0042_order_paid_at.py"
        ));
        assert!(is_migration("migrations/0001_initial.py"));
    }

    #[test]
    fn not_migrations() {
        assert!(!is_migration("blog/migrations/__init__.py"));
        assert!(!is_migration("blog/migrations/0001_initial.pyc"));
        assert!(!is_migration("blog/migrations/README.md"));
        assert!(!is_migration("blog/migrations/sub/0001_initial.py"));
        assert!(!is_migration("blog/my_migrations/0001_initial.py"));
        assert!(!is_migration("blog/models.py"));
        assert!(!is_migration("0001_initial.py"));
        assert!(!is_migration("blog/migrations/.py"));
    }
}
