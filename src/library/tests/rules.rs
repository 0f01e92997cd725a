//! Tests of what rows mean together: lookups, merging, and the problems between rows.

use super::*;

const HEADER: &str = "correct_name,description,wrong_names\n";

#[test]
fn ambiguous_wrong_name_suggests_every_correct_name_in_order() {
    let library = load(&format!(
        "{HEADER}begin_at,beginning,\"start_time,begin_time\"\nstarted_at,start,start_time\n"
    ));
    let kind = ProblemKind::AmbiguousWrongName {
        name: name("start_time"),
        first_correct: name("begin_at"),
        first: at(2),
        correct: name("started_at"),
    };
    assert_eq!(problems(&library), vec![(3, kind)]);
    let problem = &library.problems()[0];
    assert!(!problem.is_fatal());
    assert_eq!(problem.related(), Some(&at(2)));
    let text = message(problem);
    assert!(text.contains("`begin_at` (line 2)"), "{text}");
    assert!(text.contains("`started_at` (line 3)"), "{text}");
    let suggestions = library.lookup("start_time").expect("wrong name");
    assert_eq!(suggestions[0].name, "begin_at");
    assert_eq!(suggestions[0].description, "beginning");
    assert_eq!(suggestions[1].name, "started_at");
    assert_eq!(suggestions[1].description, "start");
}

#[test]
fn ambiguity_across_files_names_both_files() {
    let mut library = Library::empty();
    library.add_csv("ours.csv", format!("{HEADER}a,,x\n").as_bytes());
    library.add_csv("theirs.csv", format!("{HEADER}\nb,,x\n").as_bytes());
    assert_eq!(suggested(&library, "x"), ["a", "b"]);
    let [problem] = library.problems() else {
        panic!("one problem expected: {:?}", library.problems());
    };
    assert_eq!(problem.location.to_string(), "theirs.csv:3");
    assert_eq!(
        problem.related().map(ToString::to_string),
        Some(name("ours.csv:2"))
    );
    let text = message(problem);
    assert!(
        text.contains("ours.csv:2") && text.contains("theirs.csv:3"),
        "{text}"
    );
}

#[test]
fn correct_name_listed_later_as_wrong_is_treated_as_correct() {
    let library = load(&format!(
        "{HEADER}modified_at,,\"modify_time\"\nmodified_by,,\"modified_at,modifier\"\n"
    ));
    let kind = ProblemKind::WrongAndCorrect {
        name: name("modified_at"),
        listed_under: name("modified_by"),
        wrong_at: at(3),
        correct_at: at(2),
    };
    assert_eq!(problems(&library), vec![(3, kind)]);
    assert_eq!(library.problems()[0].related(), Some(&at(2)));
    assert_eq!(library.lookup("modified_at"), None);
    assert!(library.wrong_names().all(|n| n != "modified_at"));
    assert_eq!(suggested(&library, "modifier"), ["modified_by"]);
}

#[test]
fn wrong_name_declared_correct_later_is_treated_as_correct() {
    let library = load(&format!("{HEADER}is_deleted,,deleted\ndeleted,,\n"));
    let kind = ProblemKind::WrongAndCorrect {
        name: name("deleted"),
        listed_under: name("is_deleted"),
        wrong_at: at(2),
        correct_at: at(3),
    };
    assert_eq!(problems(&library), vec![(3, kind)]);
    assert_eq!(library.problems()[0].related(), Some(&at(2)));
    assert_eq!(library.lookup("deleted"), None);
    assert!(library.is_correct("deleted"));
    assert!(library.is_empty());
}

#[test]
fn a_later_file_can_declare_a_wrong_name_correct() {
    let mut library = Library::empty();
    library.add_csv(
        "base.csv",
        format!("{HEADER}is_active,,active\n").as_bytes(),
    );
    assert_eq!(suggested(&library, "active"), ["is_active"]);
    library.add_csv(
        "team.csv",
        format!("{HEADER}active,kept on purpose,\n").as_bytes(),
    );
    assert_eq!(library.lookup("active"), None);
    let problem = &library.problems()[0];
    assert_eq!(problem.location.to_string(), "team.csv:2");
    let text = message(problem);
    assert!(
        text.contains("(team.csv:2)") && text.contains("(base.csv:2)"),
        "{text}"
    );
}

#[test]
fn duplicate_correct_names_merge_with_the_first_description() {
    let library = load(&format!(
        "{HEADER}node_id,,old_node\nnode_id,node identifier,node_pk\nnode_id,other,\n"
    ));
    let duplicate = |line| ProblemKind::DuplicateCorrectName {
        name: name("node_id"),
        first: at(line),
    };
    assert_eq!(
        problems(&library),
        vec![(3, duplicate(2)), (4, duplicate(2))]
    );
    assert_eq!(description(&library, "old_node"), "node identifier");
    assert_eq!(description(&library, "node_pk"), "node identifier");
    let text = message(&library.problems()[0]);
    assert!(text.contains("(lines 2 and 3)"), "{text}");
}

#[test]
fn wrong_name_repeated_in_one_row() {
    let library = load(&format!(
        "{HEADER}ended_at,,\"end_time,finish_time,finish_time\"\n"
    ));
    let kind = ProblemKind::RepeatedWrongName {
        name: name("finish_time"),
        correct: name("ended_at"),
        first: None,
    };
    assert_eq!(problems(&library), vec![(2, kind)]);
    assert_eq!(library.problems()[0].related(), None);
    assert_eq!(suggested(&library, "finish_time"), ["ended_at"]);
}

#[test]
fn wrong_name_repeated_under_the_same_correct_name() {
    let library = load(&format!("{HEADER}a,,x\nb,,y\na,,\"z,x\"\n"));
    let repeated = ProblemKind::RepeatedWrongName {
        name: name("x"),
        correct: name("a"),
        first: Some(at(2)),
    };
    let duplicate = ProblemKind::DuplicateCorrectName {
        name: name("a"),
        first: at(2),
    };
    assert_eq!(problems(&library), vec![(4, duplicate), (4, repeated)]);
    assert_eq!(suggested(&library, "x"), ["a"]);
    assert_eq!(suggested(&library, "z"), ["a"]);
    let text = message(&library.problems()[1]);
    assert!(text.contains("(lines 2 and 4)"), "{text}");
}

#[test]
fn wrong_name_equal_to_its_correct_name_is_ignored() {
    let library = load(&format!("{HEADER}status,,\"status,stauts\"\n"));
    let kind = ProblemKind::WrongIsItsOwnCorrection {
        name: name("status"),
    };
    assert_eq!(problems(&library), vec![(2, kind)]);
    assert_eq!(library.lookup("status"), None);
    assert_eq!(suggested(&library, "stauts"), ["status"]);
}

#[test]
fn names_that_are_not_identifiers_are_reported() {
    let library = load(&format!(
        "{HEADER}created_at,,\"create time,'ctime',2nd,class,ok_name\"\nfull name,,fullname\n"
    ));
    let bad = |line, n: &str| (line, ProblemKind::NotAnIdentifier { name: name(n) });
    assert_eq!(
        problems(&library),
        vec![
            bad(2, "create time"),
            bad(2, "'ctime'"),
            bad(2, "2nd"),
            bad(2, "class"),
            bad(3, "full name"),
        ]
    );
    assert!(!library.has_fatal_problems());
    assert_eq!(suggested(&library, "ok_name"), ["created_at"]);
    let text = message(&library.problems()[0]);
    assert!(text.contains("\"create time\""), "{text}");
}

#[test]
fn unicode_identifiers_are_identifiers() {
    let library = load(&format!("{HEADER}名称,,nom_é\n"));
    assert_eq!(problems(&library), vec![]);
}

#[test]
fn names_match_exactly() {
    let library = load(&format!("{HEADER}created_at,,create_time\n"));
    assert_eq!(library.lookup("Create_Time"), None);
    assert_eq!(library.lookup("create_time "), None);
    assert_eq!(library.lookup("create"), None);
    assert_eq!(suggested(&library, "create_time"), ["created_at"]);
}

#[test]
fn each_correct_name_is_suggested_once() {
    let library = load(&format!("{HEADER}a,,x\nb,,x\na,,x\nc,,x\n"));
    assert_eq!(suggested(&library, "x"), ["a", "b", "c"]);
    let mut names: Vec<&str> = library.wrong_names().collect();
    names.sort_unstable();
    assert_eq!(names, ["x"]);
}
