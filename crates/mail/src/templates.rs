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
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 4] =
        [Template::VerifyEmail, Template::PasswordReset, Template::PasswordChanged, Template::RegistrationAttempt];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Template::VerifyEmail => "verify_email",
            Template::PasswordReset => "password_reset",
            Template::PasswordChanged => "password_changed",
            Template::RegistrationAttempt => "registration_attempt",
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
}

/// Renders `template` in `locale` (French when the locale is unknown).
/// `public_url` is the base of links, without a trailing slash.
pub fn render(template: Template, locale: &str, params: &MailParams, public_url: &str) -> Rendered {
    let token = params.token.as_deref().unwrap_or_default();
    let link = match template {
        Template::VerifyEmail => format!("{public_url}/verify-email?token={token}"),
        Template::PasswordReset => format!("{public_url}/reset-password?token={token}"),
        Template::PasswordChanged | Template::RegistrationAttempt => format!("{public_url}/forgot-password"),
    };
    let texts = match template {
        Template::VerifyEmail => &VERIFY_EMAIL,
        Template::PasswordReset => &PASSWORD_RESET,
        Template::PasswordChanged => &PASSWORD_CHANGED,
        Template::RegistrationAttempt => &REGISTRATION_ATTEMPT,
    };
    let (subject, body) = match locale {
        "ar" => texts.ar,
        "en" => texts.en,
        _ => texts.fr,
    };
    // The link first: a display name that reads `{link}` stays as typed.
    Rendered { subject: subject.to_string(), body: body.replace("{link}", &link).replace("{name}", &params.display_name) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_in_every_language_carries_its_link() {
        let params = MailParams { display_name: "Amina".into(), token: Some("tok123".into()) };
        for t in Template::ALL {
            assert_eq!(Template::parse(t.as_str()), Some(t));
            let mut subjects = std::collections::HashSet::new();
            for locale in ["fr", "ar", "en"] {
                let r = render(t, locale, &params, "https://sanad.example");
                assert!(r.body.contains("Amina"));
                assert!(r.body.contains("https://sanad.example/"));
                subjects.insert(r.subject);
            }
            assert_eq!(subjects.len(), 3, "each language has its own subject");
        }
        let r = render(Template::PasswordReset, "ar", &params, "http://x");
        assert!(r.body.contains("http://x/reset-password?token=tok123"));
        assert!(r.subject.contains("كلمة المرور"));
        let odd = MailParams { display_name: "{link}".into(), token: Some("tok123".into()) };
        assert!(render(Template::VerifyEmail, "en", &odd, "http://x").body.starts_with("Hello {link},"), "names are not templates");
        // unknown locales fall back to French
        assert_eq!(
            render(Template::VerifyEmail, "de", &params, "http://x").subject,
            render(Template::VerifyEmail, "fr", &params, "http://x").subject
        );
    }
}
