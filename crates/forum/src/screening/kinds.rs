//! The kinds of identifying data screening holds, each with what its author
//! is told: why the passage identifies a child or a family, and what to write
//! instead. The names are the `kind` of the API's `reasons`.

/// What an author is told about one kind of passage, in each language.
#[derive(Debug, Clone, Copy)]
pub struct Advice {
    /// French (the default).
    pub fr: &'static str,
    /// Arabic.
    pub ar: &'static str,
    /// English.
    pub en: &'static str,
}

impl Advice {
    /// The advice in `language` (`fr`, `ar`, `en`); French for anything else.
    pub fn get(&self, language: &str) -> &'static str {
        match language {
            "ar" => self.ar,
            "en" => self.en,
            _ => self.fr,
        }
    }
}

/// A kind of identifying data: its wire name and its advice.
#[derive(Debug)]
pub struct Kind {
    /// The `kind` on the wire (`phone`, `national_id`...).
    pub name: &'static str,
    /// What the author is told.
    pub advice: Advice,
}

impl PartialEq for Kind {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Kind {}

impl Kind {
    /// A phone number, in any written form.
    pub const PHONE: &'static Kind = &Kind {
        name: "phone",
        advice: Advice {
            fr: "Un numéro de téléphone permet de joindre et de reconnaître une famille. Remplacez-le par ce qu'il désigne, par exemple « le numéro de la mère », sans les chiffres.",
            ar: "رقم الهاتف يسمح بالاتصال بالأسرة والتعرف عليها. عوّضه بما يدل عليه، مثلا «رقم الأم»، دون الأرقام.",
            en: "A phone number lets anyone reach and recognise a family. Replace it with what it stands for, such as \"the mother's number\", without the digits.",
        },
    };

    /// A national identity card (CIN) number.
    pub const NATIONAL_ID: &'static Kind = &Kind {
        name: "national_id",
        advice: Advice {
            fr: "Un numéro de carte nationale (CIN) identifie une personne de façon certaine. Retirez-le ; écrivez au besoin « la CIN du père a été vérifiée ».",
            ar: "رقم البطاقة الوطنية يعرّف بالشخص بشكل قاطع. احذفه، واكتب عند الحاجة «تم التحقق من بطاقة الأب».",
            en: "A national identity card (CIN) number identifies a person for certain. Remove it; if needed write \"the father's ID card was checked\".",
        },
    };

    /// A Massar student code.
    pub const STUDENT_ID: &'static Kind = &Kind {
        name: "student_id",
        advice: Advice {
            fr: "Un code Massar identifie un élève et son école. Retirez-le ; « l'élève » ou « un enfant scolarisé en primaire » suffit.",
            ar: "رمز مسار يعرّف بالتلميذ ومدرسته. احذفه، وتكفي عبارة «التلميذ» أو «طفل متمدرس بالابتدائي».",
            en: "A Massar code identifies a pupil and their school. Remove it; \"the pupil\" or \"a child in primary school\" is enough.",
        },
    };

    /// A court, police, or service case or file number.
    pub const CASE_NUMBER: &'static Kind = &Kind {
        name: "case_number",
        advice: Advice {
            fr: "Un numéro de dossier, d'affaire ou de procès-verbal permet de retrouver la famille. Retirez-le ; « le dossier suivi par l'UPE » suffit.",
            ar: "رقم الملف أو القضية أو المحضر يسمح بالوصول إلى الأسرة. احذفه، وتكفي عبارة «الملف الذي تتابعه الوحدة».",
            en: "A case, file or police report number leads back to the family. Remove it; \"the case followed by the UPE\" is enough.",
        },
    };

    /// An email address.
    pub const EMAIL: &'static Kind = &Kind {
        name: "email",
        advice: Advice {
            fr: "Une adresse électronique désigne une personne. Retirez-la ; pour un contact entre collègues, utilisez les messages du forum.",
            ar: "عنوان البريد الإلكتروني يدل على شخص بعينه. احذفه، واستعمل رسائل المنتدى للتواصل بين الزملاء.",
            en: "An email address points to one person. Remove it; to reach a colleague, use the forum's messages.",
        },
    };

    /// A street address.
    pub const ADDRESS: &'static Kind = &Kind {
        name: "address",
        advice: Advice {
            fr: "Une adresse (rue, derb, hay, numéro) mène au domicile de la famille. Gardez au plus la ville ou la région : « un quartier de Salé ».",
            ar: "العنوان (الزنقة، الدرب، الحي، الرقم) يدل على مسكن الأسرة. اكتفِ بالمدينة أو الجهة: «حي بمدينة سلا».",
            en: "A street address (street, derb, hay, number) leads to the family's home. Keep the town or region at most: \"a neighbourhood of Salé\".",
        },
    };

    /// A link to, or a handle of, a social-media profile.
    pub const SOCIAL_PROFILE: &'static Kind = &Kind {
        name: "social_profile",
        advice: Advice {
            fr: "Un lien ou un identifiant de réseau social mène au profil d'une personne, à ses photos et à ses proches. Retirez-le ; décrivez plutôt : « un compte Instagram ».",
            ar: "رابط أو اسم حساب على مواقع التواصل يؤدي إلى صفحة الشخص وصوره ومعارفه. احذفه، واكتفِ بالوصف: «حساب على إنستغرام».",
            en: "A social-media link or handle leads to a person's profile, photos and relatives. Remove it; describe it instead: \"an Instagram account\".",
        },
    };

    /// A person's name together with an age, a school, a birth date or a family relation.
    pub const CHILD_NAME: &'static Kind = &Kind {
        name: "child_name",
        advice: Advice {
            fr: "Un prénom ou un nom, avec un âge, une école, une date de naissance ou un lien de parenté, permet de reconnaître l'enfant ou sa famille. Remplacez le nom par une initiale ou un rôle : « l'enfant, 9 ans », « sa mère ».",
            ar: "الاسم مع السن أو المدرسة أو تاريخ الازدياد أو صلة القرابة يسمح بالتعرف على الطفل أو أسرته. عوّض الاسم بحرف أول أو بصفة: «الطفلة، 9 سنوات»، «أمها».",
            en: "A name with an age, a school, a birth date or a family relation lets people recognise the child or the family. Replace the name with an initial or a role: \"the child, 9\", \"her mother\".",
        },
    };
}

/// Every kind the standard pipeline reports.
pub const ALL_KINDS: [&Kind; 8] = [
    Kind::PHONE,
    Kind::NATIONAL_ID,
    Kind::STUDENT_ID,
    Kind::CASE_NUMBER,
    Kind::EMAIL,
    Kind::ADDRESS,
    Kind::SOCIAL_PROFILE,
    Kind::CHILD_NAME,
];
