//! Knowing the project as Django does, with no config: app labels from `AppConfig` and from
//! the migrations themselves, headers built by code, folders of other frameworks, merged
//! duplicate numbers. Healthy repositories get no graph error; real problems still do.

use crate::support::{Repo, migration_after as migration};

const ORDERS_APPS: &str = "from django.apps import AppConfig\n\n\nclass OrdersConfig(AppConfig):\n    default_auto_field = \"django.db.models.BigAutoField\"\n    name = \"shop.orders\"\n    label = \"shop_orders\"\n";

/// An `apps.py` with one config of this `name` and `label`.
fn apps_py(name: &str, label: &str) -> String {
    format!(
        "from django.apps import AppConfig\n\n\nclass C(AppConfig):\n    name = \"{name}\"\n    label = \"{label}\"\n"
    )
}

/// Staged mode and `--all` both end with `code`, both reporting `line` (concise format).
fn in_both_modes(repo: &Repo, code: i32, line: &str) {
    for args in [
        &["--format", "concise"][..],
        &["--all", "--format", "concise"],
    ] {
        let run = repo.check(args);
        assert_eq!(run.code, code, "{args:?}: {run:?}");
        assert!(run.stdout.contains(line), "{args:?}: {run:?}");
    }
}

/// `shop/orders` (label `shop_orders`, three migrations) and `shop/billing` (label
/// `shop_billing` through an `apps` package), billing depending on orders by label.
fn labelled_shop(repo: &Repo) {
    repo.write("shop/orders/apps.py", ORDERS_APPS);
    repo.write("shop/orders/migrations/__init__.py", "");
    repo.write(
        "shop/orders/migrations/0001_initial.py",
        migration(
            &[("auth", "0012_alter_user_first_name_max_length")],
            "total",
        ),
    );
    repo.write(
        "shop/orders/migrations/0002_order_paid.py",
        migration(&[("shop_orders", "0001_initial")], "state"),
    );
    repo.write(
        "shop/orders/migrations/0003_order_note.py",
        migration(&[("shop_orders", "0002_order_paid")], "note"),
    );
    repo.write("shop/billing/apps/__init__.py", "");
    repo.write(
        "shop/billing/apps/config.py",
        apps_py("shop.billing", "shop_billing"),
    );
    repo.write(
        "shop/billing/migrations/0001_initial.py",
        migration(&[("shop_orders", "0003_order_note")], "amount"),
    );
    repo.write(
        "shop/billing/migrations/0002_invoice_due.py",
        migration(&[("shop_billing", "0001_initial")], "due"),
    );
}

#[test]
fn apps_with_custom_labels_are_healthy() {
    let repo = Repo::new();
    labelled_shop(&repo);
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        ["checked 5 migration files: no problems found"]
    );
    assert_eq!(run.stderr, "", "nothing to say about a healthy project");
}

#[test]
fn commit_touching_a_labelled_app_passes_and_a_real_second_leaf_is_blocked() {
    let repo = Repo::new();
    labelled_shop(&repo);
    repo.commit_all("shop");
    repo.install_hook(repo.path());
    repo.write(
        "shop/orders/migrations/0004_order_ref.py",
        migration(&[("shop_orders", "0003_order_note")], "ref"),
    );
    repo.git(&["add", "-A"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "ref"]);
    assert_eq!(run.code, 0, "{run:?}");

    // A second migration on top of 0003: two leaves, named by file, one finding.
    repo.write(
        "shop/orders/migrations/0004_order_tax.py",
        migration(&[("shop_orders", "0003_order_note")], "tax"),
    );
    repo.git(&["add", "-A"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "tax"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "error[multiple-leaves]: app `shop_orders` has 2 leaf migrations (both numbered 0004): `0004_order_ref.py` and `0004_order_tax.py`"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("--> shop/orders/migrations/0004_order_tax.py"),
        "at the staged leaf: {}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("error[").count(), 1, "{}", run.stdout);
    // The staged leaf is the only new one: renumbering it is the other way out.
    assert!(
        run.stdout.contains(
            "renumber it to follow `0004_order_ref`: rename it `0005_order_tax.py` and make it depend on `(\"shop_orders\", \"0004_order_ref\")`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn labels_are_read_from_the_snapshot_the_mode_checks() {
    let repo = Repo::new();
    labelled_shop(&repo);
    repo.commit_all("shop");
    // Two leaves staged; the working tree's apps.py names another label, which would leave
    // the app unjudged. The index is what is committed, and it keeps `shop_orders`.
    for name in ["0004_order_ref", "0004_order_tax"] {
        repo.write(
            &format!("shop/orders/migrations/{name}.py"),
            migration(&[("shop_orders", "0003_order_note")], name),
        );
    }
    repo.git(&["add", "-A"]);
    repo.write(
        "shop/orders/apps.py",
        ORDERS_APPS.replace("shop_orders", "orders_elsewhere"),
    );
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("app `shop_orders` has 2 leaf migrations"),
        "{run:?}"
    );
    // --since reads HEAD's apps.py.
    repo.git(&["commit", "-q", "--no-verify", "-m", "two leaves"]);
    let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("app `shop_orders` has 2 leaf migrations"),
        "{run:?}"
    );
    // --all reads the working tree, where the two disagree: not judged, and said.
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("note: shop/orders/apps.py: sets the label `orders_elsewhere`"),
        "{run:?}"
    );
}

#[test]
fn a_dependency_on_a_missing_migration_of_a_labelled_app_is_reported() {
    let repo = Repo::new();
    labelled_shop(&repo);
    repo.write(
        "shop/billing/migrations/0003_invoice_lines.py",
        migration(
            &[
                ("shop_billing", "0002_invoice_due"),
                ("shop_orders", "0003_order_notes"),
            ],
            "lines",
        ),
    );
    let run = repo.check(&["--all"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "error[missing-dependency]: dependency on `shop_orders.0003_order_notes`, which is not a migration in shop/orders/migrations"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("did you mean `(\"shop_orders\", \"0003_order_note\")`?"),
        "{}",
        run.stdout
    );
}

#[test]
fn several_app_configs_choose_the_default_one() {
    let repo = Repo::new();
    repo.write(
        "crm/apps.py",
        "from django.apps import AppConfig\n\n\nclass CrmConfig(AppConfig):\n    name = \"crm\"\n\n\nclass CrmPrefixedConfig(AppConfig):\n    name = \"crm\"\n    label = \"acme_crm\"\n    default = True\n",
    );
    repo.write("crm/migrations/0001_initial.py", migration(&[], "a"));
    repo.write(
        "crm/migrations/0002_b.py",
        migration(&[("acme_crm", "0001_initial")], "b"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
}

#[test]
fn migrations_name_their_app_when_apps_py_is_silent() {
    let repo = Repo::new();
    // The label is set in a config module elsewhere (INSTALLED_APPS names it); the
    // migrations say which it is.
    repo.write("legacy/apps.py", "");
    repo.write("legacy/migrations/0001_initial.py", migration(&[], "a"));
    repo.write(
        "legacy/migrations/0002_b.py",
        migration(&[("old_legacy", "0001_initial")], "b"),
    );
    repo.write(
        "legacy/migrations/0003_c.py",
        migration(&[("old_legacy", "0002_b")], "c"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    // Two leaves under that label are still two leaves.
    repo.write(
        "legacy/migrations/0003_d.py",
        migration(&[("old_legacy", "0002_b")], "d"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[multiple-leaves] app `old_legacy` has 2 leaf migrations"),
        "{}",
        run.stdout
    );
}

#[test]
fn apps_py_and_migrations_that_disagree_leave_the_app_unjudged_with_a_note() {
    let repo = Repo::new();
    repo.write(
        "pay/apps.py",
        "from django.apps import AppConfig\n\n\nclass PayConfig(AppConfig):\n    name = \"pay\"\n    label = \"payments\"\n",
    );
    repo.write("pay/migrations/0001_initial.py", migration(&[], "a"));
    repo.write(
        "pay/migrations/0002_b.py",
        migration(&[("billing", "0001_initial")], "b"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            "note: pay/apps.py: sets the label `payments`, but the migrations in pay/migrations name their own app `billing`; the app is not judged (set `[app-labels]` to say which is right)"
        ]
    );
    // The hook stays quiet about it.
    repo.commit_all("pay");
    repo.write(
        "pay/migrations/0003_c.py",
        migration(&[("billing", "0002_b")], "c"),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
}

/// A module-level list built with `append` inside `if`, the way some projects add an
/// optional app's dependency.
const COMPUTED: &str = r#"from django.conf import settings
from django.db import migrations, models

base_dependencies = [
    ("blog", "0001_initial"),
]
if "taggit" in settings.INSTALLED_APPS:
    base_dependencies.append(("taggit", "0003_taggeditem_add_unique_index"))
try:
    import reversion  # noqa
except ImportError:
    pass
else:
    base_dependencies += [("reversion", "0001_squashed_0004_auto_20160611_1202")]


class Migration(migrations.Migration):

    dependencies = base_dependencies

    operations = [
        migrations.AddField("post", "tags", models.IntegerField(default=0)),
    ]
"#;

#[test]
fn computed_dependencies_are_read_as_python_builds_them() {
    let repo = Repo::new();
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    repo.write("blog/migrations/0002_post_tags.py", COMPUTED);
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    // Read exactly, the app is judged: a second leaf beside it is caught.
    repo.write(
        "blog/migrations/0002_post_views.py",
        migration(&[("blog", "0001_initial")], "views"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[multiple-leaves] app `blog` has 2 leaf migrations"),
        "{}",
        run.stdout
    );
}

#[test]
fn dependencies_that_cannot_be_read_leave_the_app_unjudged_said_once() {
    let repo = Repo::new();
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    repo.write(
        "blog/migrations/0002_post_tags.py",
        COMPUTED.replace(
            "    dependencies = base_dependencies\n",
            "    dependencies = [(\"blog\", name) for name in [\"0001_initial\"]]\n",
        ),
    );
    // Two leaves by the text alone, if the comprehension were read as nothing.
    repo.write(
        "blog/migrations/0003_post_likes.py",
        migration(&[("blog", "0002_post_tags")], "likes"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            "note: blog/migrations/0002_post_tags.py:19: this dependency cannot be read without running the code, so this app is not judged"
        ]
    );
    // A migration of another app that names a migration of the unjudged one that is not
    // there is not reported either: the unread value may be where it comes from.
    repo.write(
        "shop/migrations/0001_initial.py",
        migration(&[("blog", "0009_unknown")], "total"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_folder_of_another_framework_is_not_an_app() {
    let repo = Repo::new();
    // An IAM-style migrator: bare-string dependencies, its own base class, no Django.
    let foreign = |deps: &str| {
        format!(
            "from iam.migrator import BaseMigration, AddField\n\n\nclass Migration(BaseMigration):\n    dependencies = [{deps}]\n\n    operations = [\n        AddField(\"action\", \"craete_time\"),\n    ]\n"
        )
    };
    repo.write("iam/migrations/0001_initial.py", foreign(""));
    repo.write(
        "iam/migrations/0002_actions.py",
        foreign("\"0001_initial\""),
    );
    repo.write("iam/migrations/0003_more.py", foreign("\"0001_initial\""));
    // South's schema migrations: no `dependencies`, another base class.
    repo.write(
        "old/migrations/0001_initial.py",
        "from south.v2 import SchemaMigration\n\n\nclass Migration(SchemaMigration):\n    def forwards(self, orm):\n        pass\n",
    );
    repo.write(
        "old/migrations/0002_auto.py",
        "from south.v2 import SchemaMigration\n\n\nclass Migration(SchemaMigration):\n    def forwards(self, orm):\n        pass\n",
    );
    // A Django app naming an external app `iam` is not judged against that folder.
    repo.write(
        "blog/migrations/0001_initial.py",
        migration(&[("iam", "0009_external")], "title"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        ["checked 6 migration files: no problems found"]
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn a_project_subclass_of_django_migration_is_read_as_one() {
    let repo = Repo::new();
    repo.write(
        "cms/migrations/__init__.py",
        "from django.db import migrations\n\n\nclass IrreversibleMigration(migrations.Migration):\n    pass\n",
    );
    repo.write("cms/migrations/0001_initial.py", migration(&[], "title"));
    repo.write(
        "cms/migrations/0002_node.py",
        migration(&[("cms", "0001_initial")], "node").replace(
            "class Migration(migrations.Migration):",
            "from cms.migrations import IrreversibleMigration\n\n\nclass Migration(IrreversibleMigration):",
        ),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    repo.write(
        "cms/migrations/0002_other.py",
        migration(&[("cms", "0001_initial")], "other"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "still judged: {run:?}");
}

#[test]
fn duplicate_numbers_joined_by_a_merge_migration_are_accepted() {
    let repo = Repo::new();
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    for name in ["0002_post_likes", "0002_post_shares"] {
        repo.write(
            &format!("blog/migrations/{name}.py"),
            migration(&[("blog", "0001_initial")], name),
        );
    }
    // In one line of history, one after the other, a shared number is fine too.
    repo.write(
        "blog/migrations/0003_merge.py",
        migration(
            &[("blog", "0002_post_likes"), ("blog", "0002_post_shares")],
            "merged",
        ),
    );
    repo.write(
        "blog/migrations/0004_a.py",
        migration(&[("blog", "0003_merge")], "a"),
    );
    repo.write(
        "blog/migrations/0004_b.py",
        migration(&[("blog", "0004_a")], "b"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        ["checked 6 migration files: no problems found"]
    );
    // A new branch off 0004_a: two leaves; the shared 0004 is still one line of history.
    repo.write(
        "blog/migrations/0005_c.py",
        migration(&[("blog", "0004_a")], "c"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0005_c.py:6:5: error[multiple-leaves] app `blog` has 2 leaf migrations: `0004_b.py` and `0005_c.py`",
            "checked 7 migration files: 1 error, 0 warnings",
        ]
    );
}

/// `pipeline/label` (label `pipeline_label`) and `pipeline/core` (label `pipeline_core`),
/// both labels set in their `apps.py` only, committed.
fn pipeline() -> Repo {
    let repo = Repo::new();
    for (folder, label) in [("label", "pipeline_label"), ("core", "pipeline_core")] {
        repo.write(
            &format!("pipeline/{folder}/apps.py"),
            apps_py(&format!("pipeline.{folder}"), label),
        );
        repo.write(
            &format!("pipeline/{folder}/migrations/0001_initial.py"),
            migration(&[], "title"),
        );
    }
    repo.write(
        "pipeline/core/migrations/0002_core_more.py",
        migration(&[("pipeline_core", "0001_initial")], "more"),
    );
    repo.commit_all("pipeline");
    repo
}

/// A dependency on another app's migration of the same name as one of its own is not the
/// folder naming its own app: the new migration forgot its predecessor, and that is two
/// leaves.
#[test]
fn another_apps_migration_of_the_same_name_is_no_label_evidence() {
    let repo = pipeline();
    repo.write(
        "pipeline/label/migrations/0002_label_extra.py",
        migration(&[("pipeline_core", "0001_initial")], "extra"),
    );
    repo.git(&["add", "-A"]);
    in_both_modes(
        &repo,
        1,
        "error[multiple-leaves] app `pipeline_label` has 2 leaf migrations: `0001_initial.py` and `0002_label_extra.py`",
    );
}

/// Staged mode finds an untouched app by the label its `apps.py` sets, so a typo in a
/// dependency on it is caught as `--all` catches it.
#[test]
fn staged_mode_finds_apps_named_by_their_apps_py_label() {
    let repo = pipeline();
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    repo.commit_all("blog");
    repo.write(
        "blog/migrations/0002_post_core.py",
        migration(
            &[("blog", "0001_initial"), ("pipeline_core", "0002_core_mor")],
            "core",
        ),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "error[missing-dependency]: dependency on `pipeline_core.0002_core_mor`, which is not a migration in pipeline/core/migrations"
        ),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("did you mean `(\"pipeline_core\", \"0002_core_more\")`?"),
        "{run:?}"
    );
    // Spelled right, it passes.
    repo.write(
        "blog/migrations/0002_post_core.py",
        migration(
            &[
                ("blog", "0001_initial"),
                ("pipeline_core", "0002_core_more"),
            ],
            "core",
        ),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// Two folders named `applications`: the one whose `apps.py` says `api` is not the app
/// `applications`, so a name that only it has does not answer for `applications`.
#[test]
fn folders_sharing_a_name_are_told_apart_by_their_labels() {
    let repo = Repo::new();
    repo.write("wl/applications/apps.py", apps_py("wl.applications", "api"));
    repo.write(
        "wl/applications/migrations/0001_initial.py",
        migration(&[], "a"),
    );
    repo.write(
        "wl/applications/migrations/0002_tenant.py",
        migration(&[("api", "0001_initial")], "tenant"),
    );
    repo.write(
        "platform/applications/migrations/0001_initial.py",
        migration(&[], "b"),
    );
    repo.write("smart/migrations/0001_initial.py", migration(&[], "c"));
    repo.commit_all("apps");
    repo.write(
        "smart/migrations/0002_wrong.py",
        migration(
            &[("smart", "0001_initial"), ("applications", "0002_tenant")],
            "wrong",
        ),
    );
    repo.git(&["add", "-A"]);
    in_both_modes(
        &repo,
        1,
        "error[missing-dependency] dependency on `applications.0002_tenant`, which is not a migration in platform/applications/migrations",
    );
}

/// When the new leaf already has the next number, only its dependency needs to change.
#[test]
fn renumbering_advice_keeps_a_number_that_already_follows() {
    let repo = Repo::new();
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    repo.write(
        "blog/migrations/0002_post_body.py",
        migration(&[("blog", "0001_initial")], "body"),
    );
    repo.commit_all("blog");
    repo.write(
        "blog/migrations/0003_post_likes.py",
        migration(&[("blog", "0001_initial")], "likes"),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "since `0003_post_likes.py` is new here, make it depend on `(\"blog\", \"0002_post_body\")` instead, to follow `0002_post_body`."
        ),
        "{run:?}"
    );
}

/// Excluding a migration from the naming rules does not take it out of its app's history:
/// the migrations that depend on it still resolve, in every mode.
#[test]
fn an_excluded_migration_is_still_part_of_the_graph() {
    let repo = Repo::new();
    repo.write(
        ".check-migrate.toml",
        "exclude = [\"blog/migrations/0001_initial.py\"]\n",
    );
    repo.write(
        "blog/migrations/0001_initial.py",
        migration(&[], "craete_time"),
    );
    repo.write(
        "blog/migrations/0002_post_body.py",
        migration(&[("blog", "0001_initial")], "body"),
    );
    repo.commit_all("blog");
    repo.write(
        "blog/migrations/0003_post_tags.py",
        migration(&[("blog", "0002_post_body")], "tags"),
    );
    repo.git(&["add", "-A"]);
    for args in [
        &["--format", "concise"][..],
        &["--all", "--format", "concise"],
    ] {
        let run = repo.check(args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
    }
    repo.commit_all("tags");
    let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// A fork of an app in a test project shares its label and its first migrations; a
/// dependency on one of Django's own apps (`flatpages`, `contenttypes`) by a name the app
/// also has is no evidence of another label. The app stays judged, and a second leaf in it
/// is caught.
#[test]
fn forks_and_django_apps_are_no_label_evidence() {
    let repo = Repo::new();
    for root in ["src/shop/apps/customer", "tests/_site/apps/customer"] {
        repo.write(
            &format!("{root}/apps.py"),
            apps_py("x.customer", "customer"),
        );
        repo.write(
            &format!("{root}/migrations/0001_initial.py"),
            migration(&[], "a"),
        );
        repo.write(
            &format!("{root}/migrations/0002_b.py"),
            migration(&[("customer", "0001_initial")], "b"),
        );
    }
    repo.write(
        "src/shop/apps/customer/migrations/0003_c.py",
        migration(
            &[("customer", "0002_b"), ("flatpages", "0001_initial")],
            "c",
        ),
    );
    repo.commit_all("customer");
    repo.write(
        "src/shop/apps/customer/migrations/0004_d.py",
        migration(
            &[("customer", "0002_b"), ("contenttypes", "0001_initial")],
            "d",
        ),
    );
    repo.git(&["add", "-A"]);
    in_both_modes(
        &repo,
        1,
        "app `customer` has 2 leaf migrations: `0003_c.py` and `0004_d.py`",
    );
}
