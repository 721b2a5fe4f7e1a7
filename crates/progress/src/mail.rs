//! The mails progress sends, as outbox entries (the mail crate renders them).

use sanad_mail::{MailParams, OutgoingMail, Template};
use sanad_platform::people::Person;

/// An invitation to a cohort for an address with no account yet.
pub fn cohort_invitation(email: &str, locale: &str, cohort: &str, course: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: email.to_string(),
        locale: locale.to_string(),
        template: Template::CohortInvitation,
        params: MailParams { cohort: Some(cohort.to_string()), course: Some(course.to_string()), ..MailParams::default() },
    }
}

/// A nudge to a member who has not been active in the cohort's course.
pub fn idle_reminder(person: &Person, cohort: &str, course: &str, course_slug: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: person.email.clone(),
        locale: person.locale.clone(),
        template: Template::IdleReminder,
        params: MailParams {
            display_name: person.display_name.clone(),
            cohort: Some(cohort.to_string()),
            course: Some(course.to_string()),
            path: Some(format!("/courses/{course_slug}")),
            ..MailParams::default()
        },
    }
}

/// The one reminder to record field sessions, 30 days after a cohort ends.
pub fn field_session_reminder(person: &Person, cohort: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: person.email.clone(),
        locale: person.locale.clone(),
        template: Template::FieldSessionReminder,
        params: MailParams { display_name: person.display_name.clone(), cohort: Some(cohort.to_string()), ..MailParams::default() },
    }
}
