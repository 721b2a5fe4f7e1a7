//! The course folder format: the starter courses import cleanly, export ->
//! import gives the same course back, and errors name the file and line.

use sanad_courses::content::{ItemBody, QuestionKind};
use sanad_courses::folder::{self, Files, ZipError};
use sanad_courses::starter::starter_courses;
use sanad_courses::validate::{MAX_CASE_CHOICES, MAX_CASE_NODES, check_case_study};
use sanad_platform::ReasonCode;

fn starter(slug: &str) -> Files {
    starter_courses()
        .into_iter()
        .find(|f| f.get("course.toml").is_some_and(|t| t.contains(&format!("slug = \"{slug}\""))))
        .expect("starter course")
}

#[test]
fn starter_courses_import_and_meet_the_content_brief() {
    let all = starter_courses();
    assert_eq!(all.len(), 4);
    for files in all {
        let course =
            folder::import(&files).unwrap_or_else(|e| panic!("{}", e.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")));
        let c = &course.content;
        assert!(c.title.ar.is_some() && c.title.en.is_some(), "{}: titles in three languages", course.slug);
        assert!(c.summary.ar.is_some() && c.summary.en.is_some(), "{}: summaries in three languages", course.slug);
        let lessons: Vec<_> = c.items().filter_map(|(_, i)| if let ItemBody::Lesson(l) = &i.body { Some(l) } else { None }).collect();
        assert!(lessons.len() >= 4, "{}: at least 4 lessons", course.slug);
        let words: usize = lessons.iter().map(|l| l.markdown.split_whitespace().count()).sum();
        assert!(words >= 1200, "{}: {words} words of lessons", course.slug);
        let quiz = c.items().find_map(|(_, i)| if let ItemBody::Quiz(q) = &i.body { Some(q) } else { None }).expect("a quiz");
        assert!(quiz.questions.len() >= 8, "{}: at least 8 questions", course.slug);
        assert!(quiz.questions.iter().all(|q| !q.explanation.is_empty() && q.choices.iter().all(|c| !c.feedback.is_empty())));
        let case = c.items().find_map(|(_, i)| if let ItemBody::CaseStudy(cs) = &i.body { Some(cs) } else { None }).expect("a case study");
        assert!(case.nodes.iter().filter(|n| !n.choices.is_empty()).count() >= 3, "{}: 3 decision points", course.slug);
        assert!(case.endings.len() >= 2, "{}: 2 endings", course.slug);
        assert!(check_case_study(case).is_empty());
    }
}

#[test]
fn export_then_import_gives_the_same_course() {
    for files in starter_courses() {
        let first = folder::import(&files).unwrap();
        let exported = folder::export(&first.slug, &first.content).unwrap();
        let mut second = folder::import(&exported).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(second.slug, first.slug);
        second.content.adopt_ids_from(&first.content);
        assert_eq!(second.content, first.content, "{}", first.slug);
        // And through a zip.
        let zip = folder::zip_files(&first.slug, &exported).unwrap();
        let unzipped = folder::files_from_zip(&zip).unwrap();
        assert_eq!(unzipped, exported);
    }
}

#[test]
fn reimport_keeps_ids_of_unchanged_parts() {
    let files = starter("concepts");
    let first = folder::import(&files).unwrap();
    let mut again = folder::import(&files).unwrap();
    assert_ne!(again.content.modules[0].id, first.content.modules[0].id, "fresh ids before adoption");
    again.content.adopt_ids_from(&first.content);
    assert_eq!(again.content, first.content);
}

fn with(files: &Files, path_end: &str, edit: impl Fn(&str) -> String) -> Files {
    let mut out = files.clone();
    let path = out.keys().find(|p| p.ends_with(path_end)).cloned().unwrap_or_else(|| panic!("no file ending {path_end}"));
    let text = edit(&out[&path]);
    out.insert(path, text);
    out
}

fn errors(files: &Files) -> Vec<String> {
    folder::import(files).expect_err("import refused").iter().map(|e| e.to_string()).collect()
}

#[test]
fn import_errors_name_file_and_line() {
    let files = starter("concepts");
    // A TOML syntax error: file and line.
    let broken = with(&files, ".quiz.toml", |t| t.replacen("pass_mark = 70", "pass_mark = = 70", 1));
    let e = errors(&broken);
    assert!(e[0].starts_with("02-droits-et-regard/04-concepts-cles.quiz.toml:2:"), "{e:?}");
    // An unknown field (a typo) is refused, not ignored.
    let typo = with(&files, ".quiz.toml", |t| t.replacen("pass_mark = 70", "pass_mrak = 70", 1));
    assert!(errors(&typo)[0].contains("pass_mrak"), "{:?}", errors(&typo));
    // A choice that points nowhere: the case file, the line of the node, the node named.
    let nowhere = with(&files, ".case.toml", |t| t.replacen("next = \"equipe\"", "next = \"nulle-part\"", 1));
    let e = errors(&nowhere);
    assert!(
        e.iter()
            .any(|m| m.contains("01-changements-chez-yassine.case.toml:") && m.contains("node \"constat\"") && m.contains("nulle-part")),
        "{e:?}"
    );
    // Lesson front matter errors count lines from the top of the file.
    let front = with(&files, "01-formes-de-violence.md", |t| t.replacen("estimated_minutes = 12", "estimated_minutes = \"douze\"", 1));
    let e = errors(&front);
    assert!(e[0].starts_with("01-formes-et-signes/01-formes-de-violence.md:3:"), "{e:?}");
    // Missing module.toml, unknown theme, bad file names.
    let mut no_module = files.clone();
    no_module.retain(|p, _| p != "01-formes-et-signes/module.toml");
    assert!(errors(&no_module).iter().any(|m| m.contains("01-formes-et-signes/module.toml") && m.contains("missing")));
    let theme = with(&files, "course.toml", |t| t.replacen("theme = \"concepts\"", "theme = \"astrologie\"", 1));
    assert!(errors(&theme).iter().any(|m| m.starts_with("course.toml") && m.contains("astrologie")));
    let mut odd = files.clone();
    odd.insert("01-formes-et-signes/notes.txt".into(), "x".into());
    assert!(errors(&odd).iter().any(|m| m.contains("notes.txt")));
    let mut no_course = files.clone();
    no_course.remove("course.toml");
    assert!(errors(&no_course)[0].contains("course.toml"));
}

#[test]
fn case_study_graph_rules_name_the_node() {
    let files = starter("prise-en-charge");
    let course = folder::import(&files).unwrap();
    let mut case =
        course.content.items().find_map(|(_, i)| if let ItemBody::CaseStudy(c) = &i.body { Some(c.clone()) } else { None }).unwrap();
    // Unreachable node.
    let mut orphan = case.nodes[1].clone();
    orphan.key = "orpheline".into();
    for c in &mut orphan.choices {
        c.key = format!("orpheline-{}", c.key);
    }
    case.nodes.push(orphan);
    let problems = check_case_study(&case);
    assert!(problems.iter().any(|p| p.location == "node \"orpheline\"" && p.message.contains("cannot be reached")), "{problems:?}");
    case.nodes.pop();
    // A loop with no exit: every choice of a node points back to the start.
    let start = case.start.clone();
    let last = case.nodes.len() - 1;
    let trapped_key = case.nodes[last].key.clone();
    for c in &mut case.nodes[last].choices {
        c.next = start.clone();
    }
    for n in &mut case.nodes {
        for c in &mut n.choices {
            if case.endings.iter().any(|e| e.key == c.next) {
                c.next = trapped_key.clone();
            }
        }
    }
    let problems = check_case_study(&case);
    assert!(problems.iter().any(|p| p.message.contains("no path from here reaches an ending")), "{problems:?}");
}

#[test]
fn case_study_loops_and_sizes_are_refused_by_name() {
    let course = folder::import(&starter("prise-en-charge")).unwrap();
    let case = course.content.items().find_map(|(_, i)| if let ItemBody::CaseStudy(c) = &i.body { Some(c.clone()) } else { None }).unwrap();
    // A choice of the second step that leads back to the start: a loop, named at the step.
    let mut looped = case.clone();
    looped.nodes[1].choices[0].next = looped.start.clone();
    let at = format!("node \"{}\"", looped.nodes[1].key);
    let problems = check_case_study(&looped);
    assert!(problems.iter().any(|p| p.location == at && p.message.contains("leads back to")), "{problems:?}");
    let looping = problems.iter().find(|p| p.reason.code == ReasonCode::ChoiceLoopsBack).expect("a loop, by its reason");
    assert_eq!(looping.reason.params["node"], looped.nodes[1].key);
    assert_eq!(looping.reason.params["next"], looped.start);
    assert!(check_case_study(&case).is_empty());

    // Too many steps, too many choices at a step: refused before any walk of the graph.
    let mut big = case.clone();
    let template = big.nodes[0].clone();
    for i in 0..MAX_CASE_NODES {
        let mut n = template.clone();
        n.key = format!("extra-{i}");
        big.nodes.push(n);
    }
    let problems = check_case_study(&big);
    assert!(problems.iter().any(|p| p.reason.code == ReasonCode::TooManySteps && p.message.contains("at most 200")), "{problems:?}");
    let mut wide = case.clone();
    let choice = wide.nodes[0].choices[0].clone();
    wide.nodes[0].choices = vec![choice; MAX_CASE_CHOICES + 1];
    let problems = check_case_study(&wide);
    assert!(
        problems
            .iter()
            .any(|p| p.reason.code == ReasonCode::TooManyChoices && p.reason.params["step"] == "1" && p.message.contains("at most 8")),
        "{problems:?}"
    );
}

/// A zip whose headers declare every entry of `size` bytes to be 1 byte long
/// (as a hostile client would write it); the data and checksums are true.
fn lying_zip(entries: usize, size: usize) -> Vec<u8> {
    let mut files = Files::new();
    files.insert("course.toml".into(), "slug = \"bombe\"\n".into());
    for i in 0..entries {
        files.insert(format!("zz/{i:04}.md"), "a".repeat(size));
    }
    let mut raw = folder::zip_files("bombe", &files).unwrap();
    let declared = u32::try_from(size).unwrap().to_le_bytes();
    for (sig, off) in [(*b"PK\x03\x04", 22), (*b"PK\x01\x02", 24)] {
        let mut at = 0;
        while let Some(p) = raw[at..].windows(4).position(|w| w == sig) {
            let start = at + p;
            if raw.get(start + off..start + off + 4) == Some(&declared[..]) {
                raw[start + off..start + off + 4].copy_from_slice(&1u32.to_le_bytes());
            }
            at = start + 4;
        }
    }
    raw
}

#[test]
fn zips_are_limited_by_the_bytes_inflated_not_the_sizes_declared() {
    // Each file under the per-file limit, all of them over the total: refused part way.
    let many = lying_zip(6, 3000);
    assert!(
        matches!(folder::files_from_zip_within(&many, 4000, 10_000), Err(ZipError::TooLarge(why)) if why.english().contains("10000 bytes"))
    );
    // One file over the per-file limit, whatever it declares.
    let one = lying_zip(1, 5000);
    assert!(
        matches!(folder::files_from_zip_within(&one, 4000, 1 << 20), Err(ZipError::TooLarge(why)) if why.english().contains("zz/0000.md"))
    );
    // Within the limits, a zip reads whole.
    let fine = folder::zip_files("concepts", &starter("concepts")).unwrap();
    assert_eq!(folder::files_from_zip(&fine).unwrap(), starter("concepts"));
}

#[test]
fn quiz_kinds_cover_the_brief() {
    let course = folder::import(&starter("prevention")).unwrap();
    let quiz = course.content.items().find_map(|(_, i)| if let ItemBody::Quiz(q) = &i.body { Some(q) } else { None }).unwrap();
    for kind in [QuestionKind::Single, QuestionKind::Multiple, QuestionKind::TrueFalse, QuestionKind::ShortText] {
        assert!(quiz.questions.iter().any(|q| q.kind == kind), "{kind:?}");
    }
}
