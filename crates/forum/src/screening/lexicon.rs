//! Word lists the detectors share, written naturally (accents, Arabic
//! hamzas) and normalized once, and the Arabic clitics a word may carry
//! (`و`, `ب`, `ال`... before it, `ه`, `ها`... after it).

use super::text::normalize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A set of single words, normalized like the text they are looked up in.
#[derive(Debug, Default)]
pub(crate) struct Words(HashSet<String>);

impl Words {
    /// The words of a list separated by spaces.
    pub(crate) fn new(words: &str) -> Self {
        Words(words.split_whitespace().map(normalize).collect())
    }

    /// The word as it is or, written in Arabic letters, without its clitics.
    pub(crate) fn has_form(&self, word: &str, arabic: bool) -> bool {
        if arabic { arabic_forms(word, |w| self.0.contains(w)) } else { self.0.contains(word) }
    }
}

const PREFIXES: [&str; 11] = ["وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك"];
const SUFFIXES: [&str; 9] = ["هما", "هم", "ها", "كم", "نا", "ه", "ي", "ك", "و"];

/// Whether `found` accepts the word or one of its forms without a proclitic
/// and/or an enclitic, keeping at least two letters.
pub(crate) fn arabic_forms(word: &str, mut found: impl FnMut(&str) -> bool) -> bool {
    if found(word) || without_suffix(word, &mut found) {
        return true;
    }
    PREFIXES
        .iter()
        .any(|p| word.strip_prefix(p).is_some_and(|stem| stem.chars().count() >= 2 && (found(stem) || without_suffix(stem, &mut found))))
}

fn without_suffix(word: &str, found: &mut impl FnMut(&str) -> bool) -> bool {
    SUFFIXES.iter().any(|s| word.strip_suffix(s).is_some_and(|stem| stem.chars().count() >= 2 && found(stem)))
}

/// What is counted or measured after a number: `12 enfants`, `45 %`,
/// `3 ans`, `20 pages`. A number followed by one of these is no identifier.
pub(crate) static UNITS: LazyLock<Words> = LazyLock::new(|| {
    Words::new(
        "an ans année années mois jour jours semaine semaines heure heures h min minutes fois \
        enfant enfants élève élèves fille filles garçon garçons jeune jeunes parent parents \
        famille familles cas dossier dossiers personne personnes participant participants \
        participante participantes professionnel professionnels victime victimes page pages séance \
        séances session sessions module modules km m kg dh dhs mad dirhams euros % pourcent places \
        lits bénéficiaires signalements appels associations membres classes écoles formations \
        ateliers mineurs étages ème e er ère ans. years year children cases percent people سنة \
        سنوات سنين عام أعوام عاما شهر أشهر شهرا يوم أيام يوما ساعة ساعات دقيقة طفل أطفال طفلا طفلة \
        حالة حالات ملف ملفات أسرة أسر مشارك مشاركا مشاركين صفحة صفحات درهم دراهم كلم \
        المائة بالمائة مرة مرات جلسة جلسات تلميذ تلاميذ تلميذا جمعية جمعيات ضحية ضحايا شخص أشخاص \
        شخصا snin sna 3am nhar iyam wlad drari merra khtar",
    )
});

/// Words that introduce a law, a rule or a text, whose numbers are public:
/// `loi 103-13`, `دورية رقم 2/2019`, `article 475`.
pub(crate) static LAW_WORDS: LazyLock<Words> = LazyLock::new(|| {
    Words::new(
        "loi lois décret dahir circulaire article art articles arrêté code convention protocole \
        note norme iso version v décision arrêt rapport guide module chapitre page annexe \
        programme plan stratégie résolution observation recommandation law section قانون القانون \
        ظهير الظهير مرسوم المرسوم دورية الدورية مذكرة المذكرة المادة مادة الفصل فصل قرار القرار \
        الاتفاقية اتفاقية البروتوكول الصفحة الملحق التقرير المنشور منشور الدليل البرنامج الخطة \
        الإستراتيجية الاستراتيجية qanun 9anoun",
    )
});

/// Words that mark a number as a number: `n°`, `numéro`, `رقم`, `عدد`.
pub(crate) static NUMBER_MARKERS: LazyLock<Words> =
    LazyLock::new(|| Words::new("n no nº num numero numéro nr nbr رقم عدد ra9m rqm raqm nmra nemra noumero"));

/// Institutions and services: a fixed line near one of these, and near no
/// family word, is the service's own number.
pub(crate) static INSTITUTIONS: LazyLock<Words> = LazyLock::new(|| {
    Words::new(
        "upe cape hôpital hopital chu tribunal cellule centre center association entraide \
        délégation commissariat gendarmerie police préfecture standard secrétariat service \
        services ministère fondation ong dtipe permanence bureau urgences siège مستشفى المستشفى \
        المحكمة محكمة خلية الخلية مركز المركز جمعية الجمعية التعاون مندوبية المندوبية الدرك الشرطة \
        الأمن مصلحة المصلحة وزارة الوزارة مؤسسة المؤسسة الوحدة وحدة مكتب المكتب النيابة",
    )
});

/// Words of a family or a home: a number near one of these is a family's.
pub(crate) static FAMILY_WORDS: LazyLock<Words> = LazyLock::new(|| {
    Words::new(
        "mère père maman papa parent parents famille domicile maison chez enfant fille fils tuteur \
        tutrice oncle tante frère soeur sœur voisin voisine grand personnel portable أم الأم أب \
        الأب والد والدة الوالد الوالدة الأسرة أسرة العائلة عائلة الطفل الطفلة بيت منزل المنزل \
        البيت أخ أخت mmha mmo bbah bbaha khoha darhom dar",
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_words_are_found_under_their_clitics() {
        let words = Words::new("أم والدة ملف");
        for word in ["وأمها", "لأمه", "والدة", "بالملف", "ملفها", "والملف"] {
            assert!(words.has_form(&normalize(word), true), "{word}");
        }
        assert!(!words.has_form(&normalize("كتاب"), true));
    }
}
