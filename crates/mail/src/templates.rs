//! The messages Sanad sends, in the recipient's language. Plain text only:
//! light on a weak connection, and nothing a mail client could run.

use serde::{Deserialize, Serialize};

use crate::MailParams;

/// Which message to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Confirm the address given at registration.
    VerifyEmail,
    /// A link to choose a new password.
    PasswordReset,
    /// Notice that the password was changed (in case it was not you).
    PasswordChanged,
    /// Someone tried to register with an address that already has an account.
    RegistrationAttempt,
    /// An invitation to a cohort, for an address with no account yet.
    CohortInvitation,
    /// A nudge to a cohort member idle in the course.
    IdleReminder,
    /// Thirty days after a cohort ends: record the sessions run since.
    FieldSessionReminder,
    /// A new post in a forum topic the recipient wrote or watches: the topic and the post's start.
    ForumPost,
    /// The same in a sensitive category: only a link, never the text.
    ForumPostLinkOnly,
    /// A daily or weekly forum digest: topics and links (never a post's text;
    /// no title for a sensitive category).
    ForumDigest,
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 10] = [
        Template::VerifyEmail,
        Template::PasswordReset,
        Template::PasswordChanged,
        Template::RegistrationAttempt,
        Template::CohortInvitation,
        Template::IdleReminder,
        Template::FieldSessionReminder,
        Template::ForumPost,
        Template::ForumPostLinkOnly,
        Template::ForumDigest,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Template::VerifyEmail => "verify_email",
            Template::PasswordReset => "password_reset",
            Template::PasswordChanged => "password_changed",
            Template::RegistrationAttempt => "registration_attempt",
            Template::CohortInvitation => "cohort_invitation",
            Template::IdleReminder => "idle_reminder",
            Template::FieldSessionReminder => "field_session_reminder",
            Template::ForumPost => "forum_post",
            Template::ForumPostLinkOnly => "forum_post_link_only",
            Template::ForumDigest => "forum_digest",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A rendered message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The one-click unsubscribe address, for the `List-Unsubscribe` header.
    pub unsubscribe: Option<String>,
}

/// Renders `template` in `locale` (French when the locale is unknown).
/// `public_url` is the base of links, without a trailing slash.
pub fn render(template: Template, locale: &str, params: &MailParams, public_url: &str) -> Rendered {
    let token = params.token.as_deref().unwrap_or_default();
    let link = match template {
        Template::VerifyEmail => format!("{public_url}/verify-email?token={token}"),
        Template::PasswordReset => format!("{public_url}/reset-password?token={token}"),
        Template::PasswordChanged | Template::RegistrationAttempt => format!("{public_url}/forgot-password"),
        Template::CohortInvitation => format!("{public_url}/register"),
        Template::IdleReminder => format!("{public_url}{}", params.path.as_deref().unwrap_or("/learning")),
        Template::FieldSessionReminder => format!("{public_url}/field-sessions"),
        Template::ForumPost | Template::ForumPostLinkOnly => format!("{public_url}{}", params.path.as_deref().unwrap_or("/forum")),
        Template::ForumDigest => format!("{public_url}{}", params.path.as_deref().unwrap_or("/notifications")),
    };
    let unsubscribe = params.unsubscribe.as_deref().map(|path| format!("{public_url}{path}"));
    let texts = match template {
        Template::VerifyEmail => &VERIFY_EMAIL,
        Template::PasswordReset => &PASSWORD_RESET,
        Template::PasswordChanged => &PASSWORD_CHANGED,
        Template::RegistrationAttempt => &REGISTRATION_ATTEMPT,
        Template::CohortInvitation => &COHORT_INVITATION,
        Template::IdleReminder => &IDLE_REMINDER,
        Template::FieldSessionReminder => &FIELD_SESSION_REMINDER,
        Template::ForumPost => &FORUM_POST,
        Template::ForumPostLinkOnly => &FORUM_POST_LINK_ONLY,
        Template::ForumDigest => &FORUM_DIGEST,
    };
    let (subject, body) = match locale {
        "ar" => texts.ar,
        "en" => texts.en,
        _ => texts.fr,
    };
    // The link first: a display name that reads `{link}` stays as typed.
    // The link first, then what people typed (names, titles), so that nothing typed is read as a placeholder.
    let body = body
        .replace("{link}", &link)
        .replace("{unsubscribe}", unsubscribe.as_deref().unwrap_or_default())
        .replace("{course}", params.course.as_deref().unwrap_or_default())
        .replace("{cohort}", params.cohort.as_deref().unwrap_or_default())
        .replace("{topic}", params.topic.as_deref().unwrap_or_default())
        .replace("{excerpt}", params.excerpt.as_deref().unwrap_or_default())
        .replace("{name}", &params.display_name)
        // Last: the lines carry titles people typed.
        .replace("{digest}", &digest_lines(locale, &params.digest, public_url));
    Rendered { subject: subject.to_string(), body, unsubscribe }
}

/// The lines of a forum digest in `locale`: each topic (or, in a sensitive
/// category, "a discussion in a protected space"), its count and its link.
fn digest_lines(locale: &str, entries: &[crate::DigestEntry], public_url: &str) -> String {
    let mut out = String::new();
    for e in entries {
        let line = match (locale, e.topic.as_deref()) {
            ("ar", Some(topic)) => format!("- «{topic}»: رسائل جديدة: {}", e.posts),
            ("ar", None) => format!("- نقاش في فضاء محمي: رسائل جديدة: {}", e.posts),
            ("en", Some(topic)) => format!("- \"{topic}\": {} new post(s)", e.posts),
            ("en", None) => format!("- A discussion in a protected space: {} new post(s)", e.posts),
            (_, Some(topic)) => format!("- « {topic} » : {} nouveau(x) message(s)", e.posts),
            (_, None) => format!("- Une discussion d'un espace protégé : {} nouveau(x) message(s)", e.posts),
        };
        out.push_str(&line);
        out.push_str(&format!("\n  {public_url}{}\n", e.path));
    }
    out
}

/// One message in each language: its subject, and its body naming `{name}` and `{link}`.
struct Texts {
    fr: (&'static str, &'static str),
    ar: (&'static str, &'static str),
    en: (&'static str, &'static str),
}

/// Confirm the address given at registration (the link is valid for 48 hours).
const VERIFY_EMAIL: Texts = Texts {
    fr: (
        "Sanad : confirmez votre adresse e-mail",
        "Bonjour {name},\n\nPour confirmer votre adresse e-mail sur Sanad, ouvrez ce lien (valable 48 heures) :\n\n{link}\n\nSi vous n'avez pas créé de compte, ignorez ce message.\n",
    ),
    ar: (
        "سند: تأكيد عنوان بريدك الإلكتروني",
        "مرحبا {name}،\n\nلتأكيد عنوان بريدك الإلكتروني على منصة سند، افتح هذا الرابط (صالح لمدة 48 ساعة):\n\n{link}\n\nإذا لم تقم بإنشاء حساب، تجاهل هذه الرسالة.\n",
    ),
    en: (
        "Sanad: confirm your email address",
        "Hello {name},\n\nTo confirm your email address on Sanad, open this link (valid for 48 hours):\n\n{link}\n\nIf you did not create an account, ignore this message.\n",
    ),
};

/// A link to choose a new password (valid for one hour, once).
const PASSWORD_RESET: Texts = Texts {
    fr: (
        "Sanad : réinitialiser votre mot de passe",
        "Bonjour {name},\n\nUne réinitialisation du mot de passe de votre compte Sanad a été demandée. Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :\n\n{link}\n\nSi ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.\n",
    ),
    ar: (
        "سند: إعادة تعيين كلمة المرور",
        "مرحبا {name}،\n\nطُلبت إعادة تعيين كلمة المرور لحسابك على منصة سند. لاختيار كلمة مرور جديدة، افتح هذا الرابط (صالح لمدة ساعة واحدة ولمرة واحدة فقط):\n\n{link}\n\nإذا لم تطلب ذلك، تجاهل هذه الرسالة: كلمة المرور الحالية تبقى كما هي.\n",
    ),
    en: (
        "Sanad: reset your password",
        "Hello {name},\n\nSomeone asked to reset the password of your Sanad account. To choose a new password, open this link (valid for one hour, once):\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n",
    ),
};

/// The password was changed: other sessions and API tokens are gone.
const PASSWORD_CHANGED: Texts = Texts {
    fr: (
        "Sanad : votre mot de passe a été modifié",
        "Bonjour {name},\n\nLe mot de passe de votre compte Sanad a été modifié : les autres sessions ouvertes ont été fermées et tous vos jetons d'API ont été révoqués (créez-en de nouveaux si vos scripts en ont besoin).\nSi ce n'était pas vous, réinitialisez votre mot de passe dès maintenant :\n\n{link}\n",
    ),
    ar: (
        "سند: تم تغيير كلمة المرور",
        "مرحبا {name}،\n\nتم تغيير كلمة المرور لحسابك على منصة سند: تم إنهاء الجلسات المفتوحة الأخرى وإلغاء جميع رموز الواجهة البرمجية (API) الخاصة بك، فأنشئ رموزا جديدة إذا كانت برامجك تحتاج إليها.\nإذا لم تقم بذلك، أعد تعيين كلمة المرور فورا من هنا:\n\n{link}\n",
    ),
    en: (
        "Sanad: your password was changed",
        "Hello {name},\n\nThe password of your Sanad account was changed: your other open sessions were signed out and all your API tokens were revoked (create new ones if your scripts need them).\nIf this was not you, reset your password now:\n\n{link}\n",
    ),
};

/// Someone tried to register with an address that already has an account.
const REGISTRATION_ATTEMPT: Texts = Texts {
    fr: (
        "Sanad : tentative de création de compte avec votre adresse",
        "Bonjour {name},\n\nQuelqu'un a essayé de créer un nouveau compte Sanad avec votre adresse e-mail. Vous avez déjà un compte avec cette adresse : aucun compte n'a été créé.\nSi c'était vous, connectez-vous, ou réinitialisez votre mot de passe ici :\n\n{link}\n\nSi ce n'était pas vous, ignorez ce message : votre compte n'a pas changé.\n",
    ),
    ar: (
        "سند: محاولة إنشاء حساب بعنوانك",
        "مرحبا {name}،\n\nحاول شخص ما إنشاء حساب جديد على منصة سند بعنوان بريدك الإلكتروني، ولديك حساب بهذا العنوان بالفعل، فلم يُنشأ أي حساب.\nإذا كنت أنت، يمكنك تسجيل الدخول أو إعادة تعيين كلمة المرور من هنا:\n\n{link}\n\nإذا لم تكن أنت، تجاهل هذه الرسالة: حسابك لم يتغير.\n",
    ),
    en: (
        "Sanad: someone tried to create an account with your address",
        "Hello {name},\n\nSomeone tried to create a new Sanad account with your email address. You already have an account with it, so none was created.\nIf it was you, sign in, or reset your password here:\n\n{link}\n\nIf it was not you, ignore this message: your account is unchanged.\n",
    ),
};

/// An invitation to a cohort, for an address with no account yet (registering with it, then confirming it, joins the cohort).
const COHORT_INVITATION: Texts = Texts {
    fr: (
        "Sanad : vous êtes invité·e à suivre une formation",
        "Bonjour,\n\nVotre formatrice ou formateur vous invite à suivre la formation « {course} » avec le groupe « {cohort} » sur Sanad, la plateforme d'apprentissage des professionnels de la protection de l'enfance.\n\nCréez votre compte avec cette adresse e-mail, puis confirmez-la : vous rejoindrez le groupe automatiquement.\n\n{link}\n\nSi vous ne vous attendiez pas à cette invitation, ignorez ce message.\n",
    ),
    ar: (
        "سند: دعوة لمتابعة تكوين",
        "مرحبا،\n\nيدعوك المكوّن(ة) إلى متابعة التكوين «{course}» ضمن المجموعة «{cohort}» على منصة سند، منصة التعلم لمهنيي حماية الطفولة.\n\nأنشئ حسابك بعنوان البريد الإلكتروني هذا ثم أكّده، وستنضم إلى المجموعة تلقائيا.\n\n{link}\n\nإذا لم تكن تنتظر هذه الدعوة، تجاهل هذه الرسالة.\n",
    ),
    en: (
        "Sanad: you are invited to a training",
        "Hello,\n\nYour trainer invites you to follow the course \"{course}\" with the group \"{cohort}\" on Sanad, the learning platform of child-protection professionals.\n\nCreate your account with this email address, then confirm it: you will join the group automatically.\n\n{link}\n\nIf you did not expect this invitation, ignore this message.\n",
    ),
};

/// A nudge to a cohort member who has not been active in the course for a while.
const IDLE_REMINDER: Texts = Texts {
    fr: (
        "Sanad : votre formation vous attend",
        "Bonjour {name},\n\nVous n'avez pas avancé depuis quelques jours dans la formation « {course} » du groupe « {cohort} ». Reprenez là où vous vous étiez arrêté·e :\n\n{link}\n\nBonne continuation.\n",
    ),
    ar: (
        "سند: تكوينك في انتظارك",
        "مرحبا {name}،\n\nلم تتقدم منذ بضعة أيام في التكوين «{course}» الخاص بالمجموعة «{cohort}». تابع من حيث توقفت:\n\n{link}\n\nبالتوفيق.\n",
    ),
    en: (
        "Sanad: your course is waiting for you",
        "Hello {name},\n\nYou have not moved on for a few days in the course \"{course}\" of the group \"{cohort}\". Pick up where you left off:\n\n{link}\n\nAll the best.\n",
    ),
};

/// Thirty days after a cohort ends, once: record the sessions run since the training.
const FIELD_SESSION_REMINDER: Texts = Texts {
    fr: (
        "Sanad : qu'avez-vous mis en pratique depuis la formation ?",
        "Bonjour {name},\n\nLa formation du groupe « {cohort} » s'est terminée il y a un mois. Si vous avez animé depuis des séances avec des enfants, des parents, des collègues ou la communauté, notez-les sur Sanad : cela prend une minute et aide votre programme à suivre la portée de la formation.\n\n{link}\n",
    ),
    ar: (
        "سند: ماذا طبّقت منذ التكوين؟",
        "مرحبا {name}،\n\nانتهى تكوين المجموعة «{cohort}» منذ شهر. إذا نشّطت منذ ذلك الحين حصصا مع الأطفال أو الآباء أو الزملاء أو المجتمع، فسجّلها على منصة سند: يستغرق ذلك دقيقة ويساعد برنامجك على تتبّع أثر التكوين.\n\n{link}\n",
    ),
    en: (
        "Sanad: what have you put into practice since the training?",
        "Hello {name},\n\nThe training of the group \"{cohort}\" ended a month ago. If you have run sessions with children, parents, colleagues or the community since, record them on Sanad: it takes a minute and helps your programme follow the training's reach.\n\n{link}\n",
    ),
};

/// A new post in a topic the recipient wrote or watches: the topic's title and the post's start.
const FORUM_POST: Texts = Texts {
    fr: (
        "Sanad : nouveau message dans « {topic} »",
        "Bonjour {name},\n\nUn nouveau message a été publié dans la discussion « {topic} » :\n\n{excerpt}\n\nLire la discussion :\n\n{link}\n\nNe plus recevoir ces messages : {unsubscribe}\n",
    ),
    ar: (
        "سند: رسالة جديدة في «{topic}»",
        "مرحبا {name}،\n\nنُشرت رسالة جديدة في النقاش «{topic}»:\n\n{excerpt}\n\nاقرأ النقاش:\n\n{link}\n\nلإيقاف هذه الرسائل: {unsubscribe}\n",
    ),
    en: (
        "Sanad: new post in \"{topic}\"",
        "Hello {name},\n\nA new post was published in the discussion \"{topic}\":\n\n{excerpt}\n\nRead the discussion:\n\n{link}\n\nStop these emails: {unsubscribe}\n",
    ),
};

/// A new post in a sensitive category: a link only, never the topic or the text.
const FORUM_POST_LINK_ONLY: Texts = Texts {
    fr: (
        "Sanad : nouveau message dans une discussion que vous suivez",
        "Bonjour {name},\n\nUn nouveau message a été publié dans une discussion que vous suivez. Pour le lire, connectez-vous :\n\n{link}\n\nNe plus recevoir ces messages : {unsubscribe}\n",
    ),
    ar: (
        "سند: رسالة جديدة في نقاش تتابعه",
        "مرحبا {name}،\n\nنُشرت رسالة جديدة في نقاش تتابعه. لقراءتها، سجّل الدخول:\n\n{link}\n\nلإيقاف هذه الرسائل: {unsubscribe}\n",
    ),
    en: (
        "Sanad: new post in a discussion you follow",
        "Hello {name},\n\nA new post was published in a discussion you follow. To read it, sign in:\n\n{link}\n\nStop these emails: {unsubscribe}\n",
    ),
};

/// A daily or weekly digest of the forum: the topics with news, each with its link.
const FORUM_DIGEST: Texts = Texts {
    fr: (
        "Sanad : votre résumé de la communauté",
        "Bonjour {name},\n\nDu nouveau dans les discussions que vous suivez depuis votre dernier résumé :\n\n{digest}\nToutes vos notifications :\n\n{link}\n\nNe plus recevoir ces messages : {unsubscribe}\n",
    ),
    ar: (
        "سند: ملخص نقاشات المجتمع",
        "مرحبا {name}،\n\nجديد النقاشات التي تتابعها منذ آخر ملخص:\n\n{digest}\nكل إشعاراتك:\n\n{link}\n\nلإيقاف هذه الرسائل: {unsubscribe}\n",
    ),
    en: (
        "Sanad: your community digest",
        "Hello {name},\n\nWhat is new in the discussions you follow since your last digest:\n\n{digest}\nAll your notifications:\n\n{link}\n\nStop these emails: {unsubscribe}\n",
    ),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_in_every_language_carries_its_link() {
        let params = MailParams {
            display_name: "Amina".into(),
            token: Some("tok123".into()),
            course: Some("Prise en charge".into()),
            cohort: Some("Salé 1".into()),
            topic: Some("Fiche de liaison".into()),
            excerpt: Some("Bonjour à tous".into()),
            unsubscribe: Some("/api/v1/forum/unsubscribe/abc".into()),
            ..MailParams::default()
        };
        for t in Template::ALL {
            assert_eq!(Template::parse(t.as_str()), Some(t));
            let mut subjects = std::collections::HashSet::new();
            for locale in ["fr", "ar", "en"] {
                let r = render(t, locale, &params, "https://sanad.example");
                // An invitation goes to someone with no account yet: no name to greet.
                assert!(t == Template::CohortInvitation || r.body.contains("Amina"), "{t:?} {locale}");
                assert!(r.body.contains("https://sanad.example/"));
                assert!(!r.body.contains('{'), "every placeholder filled: {t:?} {locale}");
                subjects.insert(r.subject);
            }
            assert_eq!(subjects.len(), 3, "each language has its own subject");
        }
        let link_only = render(Template::ForumPostLinkOnly, "fr", &params, "http://x");
        assert!(!link_only.body.contains("Bonjour à tous") && !link_only.body.contains("Fiche"), "a sensitive post's mail carries no text");
        assert_eq!(link_only.unsubscribe.as_deref(), Some("http://x/api/v1/forum/unsubscribe/abc"));
        assert!(render(Template::ForumPost, "en", &params, "http://x").body.contains("Bonjour à tous"));
        let digest = MailParams {
            digest: vec![
                crate::DigestEntry { topic: Some("Ateliers {name}".into()), path: "/forum/topics/1".into(), posts: 2 },
                crate::DigestEntry { topic: None, path: "/forum/topics/2".into(), posts: 1 },
            ],
            ..params.clone()
        };
        for locale in ["fr", "ar", "en"] {
            let r = render(Template::ForumDigest, locale, &digest, "http://x");
            assert!(r.body.contains("Ateliers {name}") && r.body.contains("http://x/forum/topics/1"), "{locale}: {}", r.body);
            assert!(r.body.contains("http://x/forum/topics/2") && r.body.contains("http://x/notifications"), "{}", r.body);
            assert_eq!(r.unsubscribe.as_deref(), Some("http://x/api/v1/forum/unsubscribe/abc"));
        }
        let r = render(Template::PasswordReset, "ar", &params, "http://x");
        assert!(r.body.contains("http://x/reset-password?token=tok123"));
        assert!(r.subject.contains("كلمة المرور"));
        let odd = MailParams { display_name: "{link}".into(), token: Some("tok123".into()), ..MailParams::default() };
        assert!(render(Template::VerifyEmail, "en", &odd, "http://x").body.starts_with("Hello {link},"), "names are not templates");
        // unknown locales fall back to French
        assert_eq!(
            render(Template::VerifyEmail, "de", &params, "http://x").subject,
            render(Template::VerifyEmail, "fr", &params, "http://x").subject
        );
    }
}
