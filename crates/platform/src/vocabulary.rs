//! Every vocabulary of the field in one place: the closed lists of values a
//! course, a resource, a service or a profile may carry. Each is one enum whose
//! wire string is the same in JSON, in the OpenAPI document (and so in the
//! SPA's generated types), in the database and in course folders.
//!
//! A value's position in `ALL` is also its code in the library's search index
//! (code = position + 1, 0 = none), so values are only ever appended; changing
//! the order needs an index rebuild. Reference tables seeded by the migrations
//! (`territories`, `organization_kinds`) are checked against these enums by a
//! test (tests/tests/vocabulary.rs).

use std::fmt;

/// Declares a vocabulary: the enum, its wire strings (serde and OpenAPI alike),
/// `ALL`, `as_str`, `parse`, the index `code` and `list` for error messages.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:tt,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, poem_openapi::Enum, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[oai(rename = $wire)] #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// Every value, in order; the position + 1 is the index code.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            /// The value whose wire string is exactly `s`.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// A value read back from storage, where only valid values are
            /// written: an unknown one is our fault (500), never the caller's.
            pub fn from_stored(s: &str) -> crate::Result<$name> {
                $name::parse(s).ok_or_else(|| {
                    crate::Error::Internal(anyhow::anyhow!(concat!("stored value `{}` is not a ", stringify!($name)), s))
                })
            }

            /// The code in the search index: position + 1 (0 is "none").
            pub fn code(self) -> u64 {
                $name::ALL.iter().position(|v| *v == self).map_or(0, |p| p as u64 + 1)
            }

            /// The value of a [`code`](Self::code); `None` for 0 or an unknown code.
            pub fn from_code(code: u64) -> Option<$name> {
                code.checked_sub(1).and_then(|i| $name::ALL.get(usize::try_from(i).ok()?)).copied()
            }

            /// The wire strings, comma-separated, for error messages.
            pub fn list() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Themes of courses and resources; a course may have any but `advocacy`.
    Theme {
        Concepts = "concepts",
        /// Prise en charge: caring for a child victim.
        Pec = "pec",
        Prevention = "prevention",
        Wellbeing = "wellbeing",
        Advocacy = "advocacy",
    }
}

impl Theme {
    /// The themes a course may have (the catalogue's filter lists these).
    pub const COURSES: &'static [Theme] = &[Theme::Concepts, Theme::Pec, Theme::Prevention, Theme::Wellbeing];

    /// Whether a course may have this theme.
    pub fn is_for_courses(self) -> bool {
        Theme::COURSES.contains(&self)
    }
}

vocabulary! {
    /// Course levels.
    Level {
        Beginner = "beginner",
        Intermediate = "intermediate",
        Advanced = "advanced",
    }
}

vocabulary! {
    /// Languages content is written in (a course's lessons, a resource).
    Language {
        Fr = "fr",
        Ar = "ar",
        En = "en",
    }
}

vocabulary! {
    /// Score bands of a case study's endings.
    EndingBand {
        Good = "good",
        Partial = "partial",
        Poor = "poor",
    }
}

vocabulary! {
    /// Kinds of library resource.
    ResourceType {
        Guide = "guide",
        Manual = "manual",
        PracticeSheet = "practice_sheet",
        Comic = "comic",
        Poster = "poster",
        Booklet = "booklet",
        Video = "video",
        Audio = "audio",
        Play = "play",
        PuppetShow = "puppet_show",
        Kit = "kit",
        TrainingModule = "training_module",
        Pathway = "pathway",
        Directory = "directory",
        Presentation = "presentation",
        Charter = "charter",
        Report = "report",
    }
}

vocabulary! {
    /// Who a library resource is for.
    Audience {
        Children8To12 = "children_8_12",
        Children12To15 = "children_12_15",
        Youth15To18 = "youth_15_18",
        Parents = "parents",
        Professionals = "professionals",
    }
}

vocabulary! {
    /// Territories of the programme; also the `territories` reference table
    /// seeded by the accounts migration (which holds their names).
    Territory {
        Sale = "sale",
        Kenitra = "kenitra",
        SkhiratTemara = "skhirat-temara",
        Rabat = "rabat",
    }
}

vocabulary! {
    /// Who took part in a field session a professional ran after the training.
    FieldAudience {
        Children = "children",
        Parents = "parents",
        Professionals = "professionals",
        Community = "community",
    }
}

vocabulary! {
    /// Kinds of organisation a person works for; also the `organization_kinds`
    /// reference table seeded by the accounts migration.
    OrganizationKind {
        Association = "association",
        Institution = "institution",
    }
}

vocabulary! {
    /// What a service of the directory is, for filtering and for orienting a family.
    ServiceKind {
        /// A court: the public prosecutor's child-protection unit (cellule de PEC au tribunal).
        Tribunal = "tribunal",
        /// A hospital unit for women and children victims of violence.
        HospitalUnit = "hospital_unit",
        /// Entraide Nationale's UPE / CAPE.
        UpeCape = "upe_cape",
        /// Police or gendarmerie.
        Police = "police",
        /// A neighbourhood association.
        Association = "association",
        /// Emergency or protective accommodation.
        Shelter = "shelter",
        /// Legal aid and counsel.
        LegalAid = "legal_aid",
        /// Psychological support and listening.
        PsychologicalSupport = "psychological_support",
    }
}

impl ServiceKind {
    /// Parses a typed kind; case, spaces and hyphens are forgiven
    /// (`Hospital-Unit` is `hospital_unit`) because CSVs are edited by hand.
    pub fn parse_lenient(s: &str) -> Option<ServiceKind> {
        let wanted: String = s.trim().to_lowercase().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c }).collect();
        ServiceKind::parse(&wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_positions_from_one_and_round_trip() {
        assert_eq!(Theme::Concepts.code(), 1);
        assert_eq!(Theme::Advocacy.code(), 5);
        assert_eq!(Theme::from_code(0), None);
        assert_eq!(Theme::from_code(6), None);
        for t in ResourceType::ALL {
            assert_eq!(ResourceType::from_code(t.code()), Some(*t));
            assert_eq!(ResourceType::parse(t.as_str()), Some(*t));
        }
    }

    /// The index stores codes: these must never move (append only).
    #[test]
    fn index_codes_are_stable() {
        assert_eq!(ResourceType::Report.code(), 17);
        assert_eq!(Audience::Professionals.code(), 5);
        assert_eq!(Language::En.code(), 3);
        assert_eq!(Territory::Rabat.code(), 4);
        assert_eq!(Theme::Wellbeing.code(), 4);
    }

    #[test]
    fn serde_and_openapi_share_the_wire_strings() {
        use poem_openapi::types::ToJSON;
        assert_eq!(serde_json::to_string(&Territory::SkhiratTemara).unwrap(), "\"skhirat-temara\"");
        assert_eq!(Territory::SkhiratTemara.to_json(), Some(serde_json::json!("skhirat-temara")));
        assert_eq!(Audience::Children8To12.to_json(), Some(serde_json::json!("children_8_12")));
        assert_eq!(serde_json::from_str::<EndingBand>("\"partial\"").unwrap(), EndingBand::Partial);
        assert_eq!(Theme::parse("Pec"), None);
        assert_eq!(ServiceKind::parse_lenient(" Hospital-Unit "), Some(ServiceKind::HospitalUnit));
    }
}
