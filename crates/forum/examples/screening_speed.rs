//! How long screening takes: an ordinary post, then texts of 1, 10 and 100
//! KiB, ordinary and hostile (built to make a detector work), to show that
//! the cost grows linearly with the size. Prints figures; asserts nothing.
//!
//! Run: `cargo run --release -p sanad-forum --example screening_speed`
//!
//! With two arguments, an input's row (0-8) and a size in KiB, it screens that
//! text once and prints nothing else: for instruction counts, which a busy
//! machine does not disturb (`valgrind --tool=callgrind`; see the README).

use sanad_forum::screening::Screener;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A practitioner's post, French with an Arabic paragraph, a link and a list.
const ORDINARY: &str = "Bonjour à toutes et à tous,

Je travaille à l'UPE de Salé depuis 6 ans et je voudrais partager une difficulté. \
Quand un enfant de 9 ans dévoile pendant un atelier d'autoprotection, nous suivons le \
circuit de PEC : écoute, fiche de liaison, orientation vers la cellule de l'hôpital. \
Mais la famille n'est souvent reçue que deux semaines plus tard, et la mère revient \
rarement. Comme le dit Youssef dans le fil précédent, le premier entretien décide de tout.

- Avez-vous un modèle de fiche de liaison UPE-hôpital (version 2024) ?
- Le numéro vert 2511 répond-il la nuit dans votre territoire ?
- La circulaire n° 2/2019 s'applique-t-elle aux associations ?

في تجربتنا بالقنيطرة، استقبلنا 120 طفلا سنة 2023، وكان التنسيق مع خلية التكفل بالمستشفى \
صعبا في البداية. نشتغل الآن بدليل المتدخلين والخدمات، ونحدثه كل ثلاثة أشهر.

Le guide est ici : [guide PEC](https://example.org/guide-pec.pdf). Merci d'avance !";

/// Inputs repeated to 1, 10 and 100 KiB: ordinary text, then each built to make a detector work.
const INPUTS: [(&str, &str); 9] = [
    ("ordinary paragraphs", ORDINARY),
    ("phone numbers", "Le père : 06 98 76 54 32, la mère : +212 6 61 23 45 67. "),
    ("fixed lines near an institution", "Standard de l'UPE 05 37 88 11 22 et de l'hôpital 05 37 67 28 71, "),
    ("named children", "La petite Salma, 9 ans, élève en CE3, et sa mère Fatima Zahra Bennani. "),
    ("cards and cues", "CIN AB123456, رقم البطاقة الوطنية BE 654321, Massar R130045782. "),
    ("links and handles", "facebook.com/sara.b insta @hiba_2010 wa.me/212661234567 mail x.y@z.ma "),
    ("addresses and cases", "Hay Salam bloc 3 n° 27, dossier n° 2023/145, زنقة 12 رقم 5. "),
    ("one identifier", "1/"),
    ("digits and dots", "0. 6 9. 8 7 6 5 4 3 2 1 0 . "),
];

fn time(screener: &Screener, text: &str, rounds: u32) -> (Duration, usize) {
    let mut found = 0;
    let start = Instant::now();
    for _ in 0..rounds {
        found = black_box(screener.screen("", black_box(text))).len();
    }
    (start.elapsed() / rounds, found)
}

fn repeat_to(unit: &str, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + unit.len());
    while text.is_empty() || text.len() + unit.len() <= bytes {
        text.push_str(unit);
    }
    text
}

fn main() {
    let start = Instant::now();
    let screener = Screener::standard();
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if let [row, kib] = args[..] {
        let text = repeat_to(INPUTS[row].1, kib * 1024);
        println!("{} {} bytes: {} findings", INPUTS[row].0, text.len(), screener.screen("", &text).len());
        return;
    }
    println!("building the standard pipeline: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);

    let (per_post, found) = time(&screener, ORDINARY, 2000);
    println!("ordinary post ({} bytes, {found} findings): {:.1} µs", ORDINARY.len(), per_post.as_secs_f64() * 1e6);

    println!("\n{:<32} {:>12} {:>12} {:>12}   (µs per KiB)", "input", "1 KiB", "10 KiB", "100 KiB");
    for (name, unit) in INPUTS {
        let mut row = Vec::new();
        for kib in [1, 10, 100] {
            let text = repeat_to(unit, kib * 1024);
            let rounds = if kib == 100 { 5 } else { 50 };
            let (elapsed, _) = time(&screener, &text, rounds);
            row.push(elapsed.as_secs_f64() * 1e6 * 1024.0 / text.len() as f64);
        }
        println!("{name:<32} {:>12.1} {:>12.1} {:>12.1}", row[0], row[1], row[2]);
    }
}
