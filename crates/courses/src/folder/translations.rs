//! Translation files of a course folder: beside an item written in the
//! course's language (`01-accueil.md`, `02-quiz.quiz.toml`,
//! `03-cas.case.toml`), the same item's texts in another language
//! (`01-accueil.ar.md`, `02-quiz.quiz.ar.toml`, `03-cas.case.ar.toml`),
//! addressed by the keys of the main file. Only texts are translated: the
//! structure (choices' correctness, points, where a choice leads) is the
//! main file's. A part left out is shown in the course's language, marked.

use serde::{Deserialize, Serialize};

use super::{Files, ImportError, check_markdown_size, err, line_of, parse_toml};
use crate::content::*;
use sanad_platform::markdown::to_safe_html;
use sanad_platform::vocabulary::Language;

/// The language and the main file's extension of a translation file's
/// extension: `ar.md` -> (ar, `md`), `quiz.ar.toml` -> (ar, `quiz.toml`).
pub(super) fn translation_ext(ext: &str) -> Option<(Language, &'static str)> {
    let (lang, main) = if let Some(lang) = ext.strip_suffix(".md") {
        (lang, "md")
    } else if let Some(lang) = ext.strip_prefix("quiz.").and_then(|e| e.strip_suffix(".toml")) {
        (lang, "quiz.toml")
    } else if let Some(lang) = ext.strip_prefix("case.").and_then(|e| e.strip_suffix(".toml")) {
        (lang, "case.toml")
    } else {
        return None;
    };
    Language::parse(lang).map(|l| (l, main))
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizTranslation {
    #[serde(default)]
    questions: Vec<QuestionTranslation>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionTranslation {
    key: String,
    prompt: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    explanation: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    answers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    choices: Vec<ChoiceTranslation>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceTranslation {
    key: String,
    label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    feedback: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseTranslation {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    summary: String,
    #[serde(default)]
    nodes: Vec<NodeTranslation>,
    #[serde(default)]
    endings: Vec<EndingTranslation>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeTranslation {
    key: String,
    body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    choices: Vec<ChoiceTranslation>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndingTranslation {
    key: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    debrief: String,
}

/// Lays the translation file at `path` (its text `text`, in `lang`) over `item`.
pub(super) fn apply(item: &mut Item, lang: Language, path: &str, text: &str) -> Result<(), Vec<ImportError>> {
    let unknown =
        |what: &str, key: &str| err(path, line_of(text, &format!("key = \"{key}\"")), format!("the main file has no {what} `{key}`"));
    match &mut item.body {
        ItemBody::Lesson(lesson) => {
            let body = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start_matches(['\r', '\n']);
            if body.starts_with("+++") {
                return Err(vec![err(
                    path,
                    Some(1),
                    "a translated lesson is its Markdown only: the title is in the main file's `title_i18n`",
                )]);
            }
            check_markdown_size(path, "the lesson", body)?;
            lesson.translations.insert(lang, LessonText { html: to_safe_html(body), markdown: body.to_string() });
        }
        ItemBody::Quiz(quiz) => {
            let file: QuizTranslation = parse_toml(path, text, 0).map_err(|e| vec![e])?;
            let mut errors = Vec::new();
            for qt in file.questions {
                let Some(question) = quiz.questions.iter_mut().find(|q| q.key == qt.key) else {
                    errors.push(unknown("question", &qt.key));
                    continue;
                };
                for ct in qt.choices {
                    match question.choices.iter_mut().find(|c| c.key == ct.key) {
                        Some(choice) => {
                            choice.translations.insert(lang, ChoiceText { label: ct.label, feedback: ct.feedback });
                        }
                        None => errors.push(unknown("choice", &ct.key)),
                    }
                }
                question.translations.insert(lang, QuestionText { prompt: qt.prompt, explanation: qt.explanation, answers: qt.answers });
            }
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        ItemBody::CaseStudy(case) => {
            let file: CaseTranslation = parse_toml(path, text, 0).map_err(|e| vec![e])?;
            let mut errors = Vec::new();
            if !file.summary.trim().is_empty() {
                case.summary_translations.insert(lang, file.summary);
            }
            for nt in file.nodes {
                let Some(node) = case.nodes.iter_mut().find(|n| n.key == nt.key) else {
                    errors.push(unknown("step", &nt.key));
                    continue;
                };
                check_markdown_size(path, &format!("node `{}`", nt.key), &nt.body)?;
                for ct in nt.choices {
                    check_markdown_size(path, &format!("the feedback of choice `{}`", ct.key), &ct.feedback)?;
                    match node.choices.iter_mut().find(|c| c.key == ct.key) {
                        Some(choice) => {
                            let text = CaseChoiceText {
                                label: ct.label,
                                feedback_html: to_safe_html(&ct.feedback),
                                feedback_markdown: ct.feedback,
                            };
                            choice.translations.insert(lang, text);
                        }
                        None => errors.push(unknown("choice", &ct.key)),
                    }
                }
                node.translations.insert(lang, LessonText { html: to_safe_html(&nt.body), markdown: nt.body });
            }
            for et in file.endings {
                let Some(ending) = case.endings.iter_mut().find(|e| e.key == et.key) else {
                    errors.push(unknown("ending", &et.key));
                    continue;
                };
                check_markdown_size(path, &format!("ending `{}`", et.key), &et.debrief)?;
                let text = EndingText { title: et.title, debrief_html: to_safe_html(&et.debrief), debrief_markdown: et.debrief };
                ending.translations.insert(lang, text);
            }
            if !errors.is_empty() {
                return Err(errors);
            }
        }
    }
    Ok(())
}

/// Writes the translation files of `item`, whose main file is `stem.ext`
/// (`01-accueil` and `md`), into `files` under `dir`.
pub(super) fn export(files: &mut Files, dir: &str, stem: &str, item: &Item) -> Result<(), toml::ser::Error> {
    for &lang in Language::ALL {
        let (ext, text) = match &item.body {
            ItemBody::Lesson(l) => match l.translations.get(&lang) {
                Some(t) => (format!("{lang}.md"), t.markdown.clone()),
                None => continue,
            },
            ItemBody::Quiz(q) => {
                let questions: Vec<QuestionTranslation> = q
                    .questions
                    .iter()
                    .filter_map(|question| {
                        let t = question.translations.get(&lang)?;
                        let choices = question
                            .choices
                            .iter()
                            .filter_map(|c| {
                                let ct = c.translations.get(&lang)?;
                                Some(ChoiceTranslation { key: c.key.clone(), label: ct.label.clone(), feedback: ct.feedback.clone() })
                            })
                            .collect();
                        Some(QuestionTranslation {
                            key: question.key.clone(),
                            prompt: t.prompt.clone(),
                            explanation: t.explanation.clone(),
                            answers: t.answers.clone(),
                            choices,
                        })
                    })
                    .collect();
                if questions.is_empty() {
                    continue;
                }
                (format!("quiz.{lang}.toml"), toml::to_string(&QuizTranslation { questions })?)
            }
            ItemBody::CaseStudy(c) => {
                let file = CaseTranslation {
                    summary: c.summary_translations.get(&lang).cloned().unwrap_or_default(),
                    nodes: c
                        .nodes
                        .iter()
                        .filter_map(|n| {
                            let t = n.translations.get(&lang)?;
                            let choices = n
                                .choices
                                .iter()
                                .filter_map(|ch| {
                                    let ct = ch.translations.get(&lang)?;
                                    Some(ChoiceTranslation {
                                        key: ch.key.clone(),
                                        label: ct.label.clone(),
                                        feedback: ct.feedback_markdown.clone(),
                                    })
                                })
                                .collect();
                            Some(NodeTranslation { key: n.key.clone(), body: t.markdown.clone(), choices })
                        })
                        .collect(),
                    endings: c
                        .endings
                        .iter()
                        .filter_map(|e| {
                            let t = e.translations.get(&lang)?;
                            Some(EndingTranslation { key: e.key.clone(), title: t.title.clone(), debrief: t.debrief_markdown.clone() })
                        })
                        .collect(),
                };
                if file.summary.is_empty() && file.nodes.is_empty() && file.endings.is_empty() {
                    continue;
                }
                (format!("case.{lang}.toml"), toml::to_string(&file)?)
            }
        };
        files.insert(format!("{dir}/{stem}.{ext}"), text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_files_are_told_by_their_extension() {
        assert_eq!(translation_ext("ar.md"), Some((Language::Ar, "md")));
        assert_eq!(translation_ext("quiz.en.toml"), Some((Language::En, "quiz.toml")));
        assert_eq!(translation_ext("case.ar.toml"), Some((Language::Ar, "case.toml")));
        assert_eq!(translation_ext("md"), None);
        assert_eq!(translation_ext("quiz.toml"), None);
        assert_eq!(translation_ext("de.md"), None);
    }

    /// Every text of the four starter courses is written in Arabic, and the
    /// folder written back gives the same translations.
    #[test]
    fn the_starter_courses_are_complete_in_arabic_and_export_as_they_import() {
        let courses = crate::starter::starter_courses();
        assert_eq!(courses.len(), 4);
        for files in courses {
            let course = super::super::import(&files).unwrap_or_else(|e| panic!("{e:?}"));
            for (module, item) in course.content.items() {
                let count = item.body.text_count(Language::Ar, course.content.language);
                assert!(count.texts > 0, "{}/{}", module.key, item.key);
                assert_eq!(count.missing, 0, "{} / {} / {}: Arabic texts missing", course.slug, module.key, item.key);
                assert!(item.title.ar.is_some(), "{}: Arabic title", item.key);
            }
            let mut again = super::super::import(&super::super::export(&course.slug, &course.content).unwrap()).unwrap();
            again.content.adopt_ids_from(&course.content);
            assert!(again.content == course.content, "{}: export then import gives the same course, translations included", course.slug);
        }
    }

    #[test]
    fn a_translation_names_only_parts_of_its_main_file() {
        let mut files = Files::new();
        files.insert("course.toml".into(), "slug = \"t\"\ntheme = \"pec\"\nlevel = \"beginner\"\nestimated_minutes = 5\nlanguage = \"fr\"\n[title]\nfr = \"T\"\n[summary]\nfr = \"S\"\n".into());
        files.insert("01-m/module.toml".into(), "[title]\nfr = \"M\"\n".into());
        files.insert(
            "01-m/01-q.quiz.toml".into(),
            "title = \"Q\"\npass_mark = 50\n[[questions]]\nkey = \"a\"\nkind = \"short_text\"\nprompt = \"Sigle ?\"\nanswers = [\"CIDE\"]\n".into(),
        );
        files.insert(
            "01-m/01-q.quiz.ar.toml".into(),
            "[[questions]]\nkey = \"a\"\nprompt = \"الاسم؟\"\nanswers = [\"اتفاقية حقوق الطفل\"]\n".into(),
        );
        let course = super::super::import(&files).unwrap();
        let ItemBody::Quiz(quiz) = &course.content.modules[0].items[0].body else { panic!() };
        assert_eq!(quiz.questions[0].accepted_answers().count(), 2, "answers in every language are accepted");

        files.insert("01-m/01-q.quiz.ar.toml".into(), "[[questions]]\nkey = \"b\"\nprompt = \"؟\"\n".into());
        let errors = super::super::import(&files).unwrap_err();
        assert!(errors[0].to_string().starts_with("01-m/01-q.quiz.ar.toml:2: the main file has no question `b`"), "{errors:?}");
        files.insert("01-m/01-q.quiz.fr.toml".into(), "[[questions]]\nkey = \"a\"\nprompt = \"?\"\n".into());
        files.insert("01-m/02-x.ar.md".into(), "نص".into());
        let messages: Vec<String> = super::super::import(&files).unwrap_err().iter().map(|e| e.to_string()).collect();
        assert!(messages.iter().any(|m| m.contains("01-q.quiz.fr.toml") && m.contains("written in `fr`")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("02-x.ar.md") && m.contains("`02-x.md` is missing")), "{messages:?}");
    }
}
