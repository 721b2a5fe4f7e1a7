//! Grading of quiz attempts, on the server only.

use std::collections::{HashMap, HashSet};
use uuid::Uuid;

use crate::content::{Question, QuestionKind, Quiz};

/// Folds a typed answer for comparison: case, accents, Arabic diacritics,
/// tatweel and alef/hamza forms, punctuation and spacing do not matter.
pub fn normalize_answer(text: &str) -> String {
    sanad_platform::folding::fold(text)
}

/// A learner's answer to one question (stored with the attempt as JSON).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Answer {
    pub question_id: Uuid,
    pub choice_ids: Vec<Uuid>,
    pub text: Option<String>,
}

/// The result for one question.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionResult {
    pub question_id: Uuid,
    pub correct: bool,
    /// Whether the learner gave an answer (a choice, or some text).
    pub answered: bool,
    /// Choices the learner selected.
    pub selected: Vec<Uuid>,
}

/// A graded attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub score: u32,
    pub max_score: u32,
    pub percent: u32,
    pub passed: bool,
    pub results: Vec<QuestionResult>,
}

/// Why an attempt cannot be graded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerError {
    UnknownQuestion(Uuid),
    UnknownChoice {
        question: Uuid,
        choice: Uuid,
    },
    AnsweredTwice(Uuid),
    WrongShape {
        question: Uuid,
        why: &'static str,
    },
    /// No question has an answer: nothing to grade, and nothing to count as an attempt.
    NothingAnswered,
}

fn has_answer(a: &Answer) -> bool {
    !a.choice_ids.is_empty() || a.text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

fn is_correct(q: &Question, a: Option<&Answer>) -> bool {
    let Some(a) = a else { return false };
    match q.kind {
        QuestionKind::ShortText => {
            let given = normalize_answer(a.text.as_deref().unwrap_or_default());
            !given.is_empty() && q.accepted_answers().any(|ok| normalize_answer(ok) == given)
        }
        _ => {
            let chosen: HashSet<Uuid> = a.choice_ids.iter().copied().collect();
            let wanted: HashSet<Uuid> = q.choices.iter().filter(|c| c.correct).map(|c| c.id).collect();
            !chosen.is_empty() && chosen == wanted
        }
    }
}

/// Grades `answers` against `quiz`: one point per question answered exactly
/// right (all and only the correct choices for multiple choice); unanswered
/// questions score nothing. An attempt that answers no question is refused:
/// it would only serve to read the answers.
pub fn grade(quiz: &Quiz, answers: &[Answer]) -> Result<Grade, AnswerError> {
    let by_id: HashMap<Uuid, &Question> = quiz.questions.iter().map(|q| (q.id, q)).collect();
    let mut given: HashMap<Uuid, &Answer> = HashMap::new();
    for a in answers {
        let q = by_id.get(&a.question_id).ok_or(AnswerError::UnknownQuestion(a.question_id))?;
        if given.insert(a.question_id, a).is_some() {
            return Err(AnswerError::AnsweredTwice(a.question_id));
        }
        for c in &a.choice_ids {
            if !q.choices.iter().any(|choice| choice.id == *c) {
                return Err(AnswerError::UnknownChoice { question: q.id, choice: *c });
            }
        }
        let single = matches!(q.kind, QuestionKind::Single | QuestionKind::TrueFalse);
        if single && a.choice_ids.len() > 1 {
            return Err(AnswerError::WrongShape { question: q.id, why: "takes a single choice" });
        }
        if q.kind == QuestionKind::ShortText && !a.choice_ids.is_empty() {
            return Err(AnswerError::WrongShape { question: q.id, why: "takes a text answer, not choices" });
        }
        if q.kind != QuestionKind::ShortText && a.text.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            return Err(AnswerError::WrongShape { question: q.id, why: "takes choices, not a text answer" });
        }
    }
    if !given.values().any(|a| has_answer(a)) {
        return Err(AnswerError::NothingAnswered);
    }
    let results: Vec<QuestionResult> = quiz
        .questions
        .iter()
        .map(|q| {
            let a = given.get(&q.id).copied();
            QuestionResult {
                question_id: q.id,
                correct: is_correct(q, a),
                answered: a.is_some_and(has_answer),
                selected: a.map(|a| a.choice_ids.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let score = results.iter().filter(|r| r.correct).count() as u32;
    let max_score = quiz.questions.len() as u32;
    let percent = (score * 100).checked_div(max_score).unwrap_or(0);
    Ok(Grade { score, max_score, percent, passed: percent >= quiz.pass_mark, results })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Choice;

    fn choice(key: &str, correct: bool) -> Choice {
        Choice {
            id: Uuid::now_v7(),
            key: key.into(),
            label: key.into(),
            correct,
            feedback: String::new(),
            translations: Default::default(),
        }
    }

    fn question(kind: QuestionKind, choices: Vec<Choice>, answers: Vec<&str>) -> Question {
        Question {
            id: Uuid::now_v7(),
            key: "q".into(),
            kind,
            prompt: "?".into(),
            explanation: String::new(),
            choices,
            answers: answers.into_iter().map(String::from).collect(),
            translations: Default::default(),
        }
    }

    fn sample() -> Quiz {
        Quiz {
            pass_mark: 75,
            max_attempts: None,
            shuffle: true,
            questions: vec![
                question(QuestionKind::Single, vec![choice("a", true), choice("b", false)], vec![]),
                question(QuestionKind::Multiple, vec![choice("a", true), choice("b", true), choice("c", false)], vec![]),
                question(QuestionKind::TrueFalse, vec![choice("true", false), choice("false", true)], vec![]),
                question(QuestionKind::ShortText, vec![], vec!["Convention internationale des droits de l'enfant", "CIDE"]),
            ],
        }
    }

    #[test]
    fn normalization_folds_case_accents_arabic_forms_and_spacing() {
        assert_eq!(normalize_answer("  Intérêt   SUPÉRIEUR! "), "interet superieur");
        assert_eq!(normalize_answer("C.I.D.E"), "c i d e");
        assert_eq!(normalize_answer("الطفــل"), normalize_answer("الطفل"));
        assert_eq!(normalize_answer("أمان"), normalize_answer("امان"));
        assert_eq!(normalize_answer("مَصْلَحَة"), normalize_answer("مصلحه"));
    }

    #[test]
    fn grading_edge_cases() {
        let quiz = sample();
        let q = &quiz.questions;
        let all_right = vec![
            Answer { question_id: q[0].id, choice_ids: vec![q[0].choices[0].id], text: None },
            Answer { question_id: q[1].id, choice_ids: vec![q[1].choices[1].id, q[1].choices[0].id], text: None },
            Answer { question_id: q[2].id, choice_ids: vec![q[2].choices[1].id], text: None },
            Answer { question_id: q[3].id, choice_ids: vec![], text: Some(" cide ".into()) },
        ];
        let g = grade(&quiz, &all_right).unwrap();
        assert_eq!((g.score, g.max_score, g.percent, g.passed), (4, 4, 100, true));

        // A partial multiple choice scores nothing; one with an extra wrong choice neither.
        let mut partial = all_right.clone();
        partial[1].choice_ids = vec![q[1].choices[0].id];
        let g = grade(&quiz, &partial).unwrap();
        assert_eq!((g.score, g.passed), (3, true));
        partial[1].choice_ids = vec![q[1].choices[0].id, q[1].choices[1].id, q[1].choices[2].id];
        assert_eq!(grade(&quiz, &partial).unwrap().score, 3);

        // Nothing answered (no answer, or only blank ones): refused, never graded.
        assert_eq!(grade(&quiz, &[]), Err(AnswerError::NothingAnswered));
        let blank = vec![
            Answer { question_id: q[3].id, choice_ids: vec![], text: Some("  ".into()) },
            Answer { question_id: q[0].id, choice_ids: vec![], text: None },
        ];
        assert_eq!(grade(&quiz, &blank), Err(AnswerError::NothingAnswered));
        // Empty text beside a real answer is wrong, not right, and not answered.
        let empty = vec![all_right[0].clone(), Answer { question_id: q[3].id, choice_ids: vec![], text: Some("  ".into()) }];
        let g = grade(&quiz, &empty).unwrap();
        assert!(!g.results[3].correct && !g.results[3].answered && g.results[0].answered);
        // Pass mark boundary: 3/4 = 75% passes at 75.
        let three = &all_right[..3];
        assert!(grade(&quiz, three).unwrap().passed);

        // Refusals.
        let unknown = vec![Answer { question_id: Uuid::now_v7(), ..Default::default() }];
        assert!(matches!(grade(&quiz, &unknown), Err(AnswerError::UnknownQuestion(_))));
        let twice = vec![all_right[0].clone(), all_right[0].clone()];
        assert!(matches!(grade(&quiz, &twice), Err(AnswerError::AnsweredTwice(_))));
        let foreign = vec![Answer { question_id: q[0].id, choice_ids: vec![q[1].choices[0].id], text: None }];
        assert!(matches!(grade(&quiz, &foreign), Err(AnswerError::UnknownChoice { .. })));
        let two_for_single = vec![Answer { question_id: q[0].id, choice_ids: vec![q[0].choices[0].id, q[0].choices[1].id], text: None }];
        assert!(matches!(grade(&quiz, &two_for_single), Err(AnswerError::WrongShape { .. })));
    }
}
