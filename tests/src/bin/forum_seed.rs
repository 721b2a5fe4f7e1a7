//! Data for bench/forum.sh: a forum written in bulk, straight into the
//! database with the real schema (multi-row INSERTs in large transactions,
//! on SQLite or PostgreSQL), faster than through the API by orders of
//! magnitude:
//!
//! `forum_seed DATABASE_URL POSTS TOPICS MEMBERS`
//!
//! - MEMBERS accounts `membre-{i}@forum-bench.example.org`, whose password is
//!   that of `forum-bench@example.org` (created beforehand with `sanad user
//!   add`: its hash is copied, so every member can sign in);
//! - TOPICS topics over the nine categories (the themes weigh more than the
//!   territories), one of them with 10,000 posts, the others sharing the
//!   rest unevenly (most topics short, a few long), over the past year;
//! - post bodies of 1 to 6 paragraphs in French and Arabic (lists, quotes in
//!   replies), rendered with the platform's Markdown renderer; 0.2% held by
//!   screening with their moderation item and reasons, anonymous posts with
//!   their per-topic pseudonyms in the wellbeing category, reactions on about
//!   one post in seven, read marks, and 1,000 watchers on one topic.
//!
//! What the application keeps beside the rows is kept: each topic's
//! `post_seq`, `reply_count` (published replies), `last_published_seq` and
//! `last_activity_at` (of its last published post). No index events are written: the forum's search
//! index is built afterwards by `sanad reindex`, as after a restore.
//!
//! Prints `key=value` lines for the script: `big_topic`, `watched_topic`,
//! `quiet_topic`, `category`, and the counts written.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sanad_forum::hold::{self, Verdict};
use sanad_forum::screening::Screener;
use sanad_platform::{Db, Tx};
use std::collections::HashSet;
use std::time::Instant;
use uuid::Uuid;

/// Posts of the one long topic.
const BIG_TOPIC_POSTS: usize = 10_000;
/// Watchers of the watched topic.
const WATCHERS: usize = 1_000;
/// Rows per INSERT statement (10 columns: 10,000 bound values, within both backends' limits).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Posts per transaction.
const POSTS_PER_TX: usize = 25_000;

const CATEGORIES: [(&str, u32); 9] = [
    ("concepts", 12),
    ("prise-en-charge", 25),
    ("prevention", 15),
    ("bien-etre", 12),
    ("echanges-territoires", 10),
    ("sale", 7),
    ("kenitra", 7),
    ("skhirat-temara", 6),
    ("rabat", 6),
];

const GIVEN: [&str; 24] = [
    "Amal", "Youssef", "Nadia", "Karim", "Salma", "Hicham", "Imane", "Omar", "Zineb", "Mehdi", "Fatima", "Rachid", "Khadija", "Anas",
    "Meryem", "Said", "Hajar", "Reda", "Loubna", "Hamza", "Sanae", "Ayoub", "Houda", "Nabil",
];
const FAMILY: [&str; 20] = [
    "Berrada",
    "El Amrani",
    "Bennani",
    "Alaoui",
    "Tazi",
    "Chraibi",
    "El Idrissi",
    "Benjelloun",
    "Lahlou",
    "Fassi",
    "Ouazzani",
    "Kettani",
    "Sqalli",
    "Benkirane",
    "Naciri",
    "Bouzidi",
    "Cherkaoui",
    "Mansouri",
    "Zahraoui",
    "Tahiri",
];

const SUBJECTS: [&str; 16] = [
    "L'accueil d'un enfant en urgence",
    "Le premier entretien avec les parents",
    "L'orientation après un signalement",
    "Le suivi d'un enfant placé",
    "La coordination avec l'école",
    "L'écoute d'un adolescent en crise",
    "Le travail avec les familles d'accueil",
    "La prévention du harcèlement",
    "La fatigue des équipes",
    "Le secret professionnel partagé",
    "La médiation familiale",
    "Les ateliers de parentalité",
    "استقبال الطفل في حالة استعجال",
    "التنسيق مع المدرسة",
    "مرافقة الأسر في وضعية هشاشة",
    "الإنصات للطفل ضحية العنف",
];
const ANGLES: [&str; 10] = [
    " : vos pratiques",
    " : quelles étapes ?",
    ", retour d'expérience",
    " : outils et fiches",
    " en milieu rural",
    " : comment faire mieux ?",
    ", ce qui a marché chez nous",
    " : questions d'une nouvelle collègue",
    " - تجارب ميدانية",
    " - أسئلة وأجوبة",
];

const SENTENCES_FR: [&str; 24] = [
    "Nous avons reçu cette semaine une situation qui a mobilisé toute l'équipe.",
    "Je cherche vos retours d'expérience avant la réunion de synthèse.",
    "L'enfant a été accueilli par l'assistante sociale puis orienté vers le centre de jour.",
    "Les parents ont accepté un premier rendez-vous, mais la confiance reste fragile.",
    "Dans notre territoire, la coordination avec l'école passe par une fiche de liaison.",
    "Il me semble important de poser un cadre clair dès le premier entretien.",
    "La psychologue du service propose des ateliers d'expression pour les plus jeunes.",
    "Nous manquons encore d'outils pour évaluer le danger de façon partagée.",
    "Le juge a demandé un rapport social complet, ce qui prend du temps.",
    "Merci pour ce partage, il rejoint ce que nous vivons au quotidien.",
    "Avez-vous une trame d'entretien que vous pourriez partager ici ?",
    "La famille élargie peut être une ressource précieuse quand elle est associée tôt.",
    "Nous avons mis en place une permanence d'écoute deux fois par semaine.",
    "Le plus difficile reste le temps d'attente entre le signalement et la prise en charge.",
    "Une supervision régulière aide beaucoup l'équipe à tenir dans la durée.",
    "Je rejoins l'avis précédent sur l'importance de la parole de l'enfant.",
    "La formation sur l'écoute active nous a donné des repères concrets.",
    "Les partenaires associatifs ont été réactifs et disponibles.",
    "Il faut aussi penser au retour vers la famille et le préparer avec elle.",
    "Nous travaillons à une procédure commune avec l'hôpital et la police.",
    "La charge émotionnelle de ces situations est réelle et mérite d'être dite.",
    "Pensez à consigner chaque étape dans le dossier de suivi de l'équipe.",
    "Un travail en binôme rassure l'enfant comme le professionnel.",
    "Les parents ont souvent besoin qu'on leur explique simplement la procédure.",
];
const SENTENCES_AR: [&str; 12] = [
    "استقبلنا هذا الأسبوع حالة تطلبت تدخل الفريق كاملا.",
    "أبحث عن تجاربكم قبل اجتماع التنسيق.",
    "تم توجيه الطفل إلى مركز الاستقبال بعد الإنصات إليه.",
    "قبل الوالدان موعدا أول لكن الثقة ما تزال هشة.",
    "التنسيق مع المدرسة ضروري منذ البداية.",
    "نحتاج إلى أدوات مشتركة لتقييم الخطر.",
    "الإنصات للطفل هو أساس كل تدخل ناجح.",
    "شكرا على هذه المشاركة المفيدة.",
    "العمل الثنائي يطمئن الطفل والمهني معا.",
    "الدعم النفسي للفريق ضروري للاستمرار.",
    "يجب إشراك الأسرة الموسعة في مرحلة مبكرة.",
    "نعمل على مسطرة مشتركة مع المستشفى والشرطة.",
];
const HELD: [&str; 4] = [
    "La mère répond au 06 98 76 54 32, pouvez-vous la rappeler ?",
    "Son adresse : 12 rue des Orangers, appartement 3.",
    "Écrivez-moi sur parent.suivi@gmail.com pour le dossier.",
    "Le père répond au 07 11 22 33 44 le soir.",
];
const REACTIONS: [&str; 3] = ["thanks", "helpful", "support"];

/// A body of Markdown: paragraphs of sentences, sometimes a list, sometimes a quote of what it answers.
fn body(rng: &mut StdRng, reply: bool) -> String {
    let arabic = rng.gen_bool(0.25);
    let sentences: &[&str] = if arabic { &SENTENCES_AR } else { &SENTENCES_FR };
    let mut out = String::new();
    if reply && rng.gen_bool(0.15) {
        out.push_str("> ");
        out.push_str(sentences.choose(rng).copied().unwrap_or_default());
        out.push_str("\n\n");
    }
    let paragraphs = match rng.gen_range(0..10) {
        0..=3 => 1,
        4..=6 => 2,
        7 | 8 => 3,
        _ => rng.gen_range(4..=6),
    };
    for p in 0..paragraphs {
        if p > 0 {
            out.push_str("\n\n");
        }
        if rng.gen_bool(0.1) {
            for _ in 0..rng.gen_range(2..5) {
                out.push_str("- ");
                out.push_str(sentences.choose(rng).copied().unwrap_or_default());
                out.push('\n');
            }
        } else {
            let n = rng.gen_range(1..=3);
            let picked: Vec<&str> = (0..n).map(|_| sentences.choose(rng).copied().unwrap_or_default()).collect();
            out.push_str(&picked.join(" "));
        }
    }
    out
}

/// A post body with its rendering.
struct Text {
    body: String,
    html: String,
}

/// Bodies that screening publishes, for replies and first posts.
fn pool(rng: &mut StdRng, screener: &Screener, n: usize, reply: bool) -> Vec<Text> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let body = body(rng, reply);
        if hold::decide(hold::findings(screener, "", &body, "fr")) == Verdict::Publish {
            let html = sanad_platform::markdown::to_safe_html(&body);
            out.push(Text { body, html });
        }
    }
    out
}

struct TopicRow {
    id: Uuid,
    category: &'static str,
    author: Uuid,
    anonymous: bool,
    title: String,
    reply_count: i64,
    post_seq: i64,
    last_published_seq: i64,
    created_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
}

struct PostRow {
    id: Uuid,
    topic: Uuid,
    seq: i64,
    author: Uuid,
    anonymous: bool,
    text: usize,
    held: Option<usize>,
    reply_to: Option<Uuid>,
    created_at: DateTime<Utc>,
}

/// A v7 id for a row made at `at`, so ids follow time as they do in the application.
fn id_at(at: DateTime<Utc>, rng: &mut StdRng) -> Uuid {
    let ts = uuid::Timestamp::from_unix_time(at.timestamp() as u64, at.timestamp_subsec_nanos(), 0, 0);
    let mut bytes = *Uuid::new_v7(ts).as_bytes();
    // The random tail from our seeded generator, so reruns write the same data.
    rng.fill(&mut bytes[8..]);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// Multi-row INSERT of `$rows` into `$head` (`table (columns) `) on either backend.
macro_rules! bulk {
    ($tx:expr, $head:literal, $rows:expr, |$b:ident, $r:ident| $push:block) => {
        for chunk in $rows.chunks(ROWS_PER_STATEMENT) {
            match &mut $tx {
                Tx::Sqlite(c, _) => {
                    let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(concat!("INSERT INTO ", $head));
                    qb.push_values(chunk.iter(), |mut $b, $r| $push);
                    qb.build().execute(&mut **c).await?;
                }
                Tx::Postgres(c) => {
                    let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(concat!("INSERT INTO ", $head));
                    qb.push_values(chunk.iter(), |mut $b, $r| $push);
                    qb.build().execute(&mut **c).await?;
                }
            }
        }
    };
}

/// How many posts each topic gets: `big` for the first, at least one for
/// every other, the rest spread by a heavy-tailed weight (most topics short).
fn posts_per_topic(rng: &mut StdRng, posts: usize, topics: usize, big: usize) -> Vec<usize> {
    let mut counts = vec![1usize; topics];
    counts[0] = big;
    let rest = posts - big - (topics - 1);
    let weights: Vec<f64> = (1..topics).map(|_| (rng.gen_range(0.0f64..1.0)).powf(3.0) + 0.02).collect();
    let sum: f64 = weights.iter().sum();
    let mut given = 0;
    for (i, w) in weights.iter().enumerate() {
        let extra = ((w / sum) * rest as f64).floor() as usize;
        counts[i + 1] += extra;
        given += extra;
    }
    for _ in given..rest {
        let i = rng.gen_range(1..topics);
        counts[i] += 1;
    }
    counts
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() == 5, "usage: forum_seed DATABASE_URL POSTS TOPICS MEMBERS");
    let (url, posts, topics, members): (&str, usize, usize, usize) = (&args[1], args[2].parse()?, args[3].parse()?, args[4].parse()?);
    anyhow::ensure!(topics >= 3 && posts >= BIG_TOPIC_POSTS + topics + 40 && members >= WATCHERS + 10, "too small a forum");
    let started = Instant::now();
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let mut rng = StdRng::seed_from_u64(12);
    let screener = Screener::standard();
    let first_posts = pool(&mut rng, &screener, 1_000, false);
    let replies = pool(&mut rng, &screener, 4_000, true);
    let mut texts = first_posts;
    let first_count = texts.len();
    texts.extend(replies);
    let held: Vec<(Text, String)> = HELD
        .iter()
        .map(|b| {
            let Verdict::Hold(reasons) = hold::decide(hold::findings(&screener, "", b, "fr")) else { panic!("{b} is held") };
            (Text { body: b.to_string(), html: sanad_platform::markdown::to_safe_html(b) }, serde_json::to_string(&reasons).unwrap())
        })
        .collect();

    let now = Utc::now();
    let year_ago = now - Duration::days(365);

    // Members, with the template account's password hash.
    let hash: String = sanad_platform::on_db!(&db, c => sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE email_normalized = $1")
        .bind("forum-bench@example.org").fetch_one(c).await)?;
    let joined = now - Duration::days(400);
    let users: Vec<(Uuid, String, String)> = (0..members)
        .map(|i| {
            let name = format!("{} {}", GIVEN[i % GIVEN.len()], FAMILY[(i / GIVEN.len()) % FAMILY.len()]);
            (id_at(joined + Duration::seconds(i as i64), &mut rng), format!("membre-{i}@forum-bench.example.org"), name)
        })
        .collect();
    let mut tx = db.begin().await?;
    bulk!(
        tx,
        "users (id, email, email_normalized, display_name, password_hash, roles, locale, email_verified_at, created_at, updated_at) ",
        users,
        |b, u| {
            b.push_bind(u.0)
                .push_bind(&u.1)
                .push_bind(&u.1)
                .push_bind(&u.2)
                .push_bind(&hash)
                .push_bind("learner")
                .push_bind("fr")
                .push_bind(joined)
                .push_bind(joined)
                .push_bind(joined);
        }
    );
    tx.commit().await?;
    let member_ids: Vec<Uuid> = users.iter().map(|u| u.0).collect();

    // Topics and their posts, in transactions of POSTS_PER_TX posts.
    let counts = posts_per_topic(&mut rng, posts, topics, BIG_TOPIC_POSTS);
    let weight_sum: u32 = CATEGORIES.iter().map(|c| c.1).sum();
    let mut topic_rows: Vec<TopicRow> = Vec::new();
    let mut post_rows: Vec<PostRow> = Vec::new();
    let mut pseudonyms: Vec<(Uuid, Uuid, String)> = Vec::new();
    let mut reactions: Vec<(Uuid, Uuid, &str, DateTime<Utc>)> = Vec::new();
    let mut items: Vec<(Uuid, Uuid, usize, DateTime<Utc>)> = Vec::new();
    let (mut written_posts, mut written_held, mut written_reactions) = (0usize, 0usize, 0usize);
    let mut topic_ids = Vec::with_capacity(topics);
    let mut tx = db.begin().await?;
    for (t, &n) in counts.iter().enumerate() {
        let category = match t {
            0 => "prise-en-charge",
            1 | 2 => "concepts",
            _ => {
                let mut pick = rng.gen_range(0..weight_sum);
                CATEGORIES
                    .iter()
                    .find(|c| {
                        if pick < c.1 {
                            true
                        } else {
                            pick -= c.1;
                            false
                        }
                    })
                    .map_or("concepts", |c| c.0)
            }
        };
        let anonymous_place = category == "bien-etre";
        // The three topics the bench writes in are recent; the others over the year.
        let created = if t < 3 { now - Duration::days(3) } else { year_ago + Duration::seconds(rng.gen_range(0..365 * 86_400)) };
        let span = (now - created).num_seconds().max(1) as f64;
        let topic_id = id_at(created, &mut rng);
        let author = *member_ids.choose(&mut rng).unwrap();
        let mut topic = TopicRow {
            id: topic_id,
            category,
            author,
            anonymous: anonymous_place && rng.gen_bool(0.4),
            title: format!("{}{}", SUBJECTS.choose(&mut rng).unwrap(), ANGLES.choose(&mut rng).unwrap()),
            reply_count: 0,
            post_seq: n as i64,
            last_published_seq: 0,
            created_at: created,
            last_activity_at: created,
        };
        let mut pseudonymous: HashSet<String> = HashSet::new();
        let mut with_pseudonym: HashSet<Uuid> = HashSet::new();
        let mut at = created;
        let mut ids_here: Vec<Uuid> = Vec::with_capacity(n);
        // Gaps between posts: long topics are lively, short ones slow.
        let mean_gap = span / (n as f64 + 1.0);
        for seq in 1..=n {
            if seq > 1 {
                let gap = -mean_gap * (1.0 - rng.gen_range(0.0f64..1.0)).ln();
                at = (at + Duration::milliseconds((gap * 1000.0) as i64)).min(now - Duration::seconds(1));
            }
            let (author, anonymous) = if seq == 1 {
                (topic.author, topic.anonymous)
            } else {
                (*member_ids.choose(&mut rng).unwrap(), anonymous_place && rng.gen_bool(0.3))
            };
            if anonymous && with_pseudonym.insert(author) {
                let name = loop {
                    let candidate = sanad_forum::author::new_pseudonym();
                    if pseudonymous.insert(candidate.clone()) {
                        break candidate;
                    }
                };
                pseudonyms.push((topic_id, author, name));
            }
            let held_text = (seq > 1 && rng.gen_bool(0.002)).then(|| rng.gen_range(0..held.len()));
            let text = if seq == 1 { rng.gen_range(0..first_count) } else { rng.gen_range(first_count..texts.len()) };
            let id = id_at(at, &mut rng);
            let reply_to = (seq > 2 && rng.gen_bool(0.3)).then(|| ids_here[rng.gen_range(1..ids_here.len())]);
            if let Some(h) = held_text {
                items.push((id_at(at, &mut rng), id, h, at));
                written_held += 1;
            } else {
                if seq > 1 {
                    topic.reply_count += 1;
                }
                topic.last_activity_at = at;
                topic.last_published_seq = seq as i64;
                if rng.gen_bool(0.15) {
                    let mut kinds = REACTIONS.to_vec();
                    kinds.shuffle(&mut rng);
                    for kind in kinds.into_iter().take(rng.gen_range(1..=3)) {
                        reactions.push((id, *member_ids.choose(&mut rng).unwrap(), kind, at));
                    }
                }
            }
            ids_here.push(id);
            post_rows.push(PostRow {
                id,
                topic: topic_id,
                seq: seq as i64,
                author,
                anonymous,
                text,
                held: held_text,
                reply_to,
                created_at: at,
            });
        }
        topic_ids.push(topic_id);
        topic_rows.push(topic);
        if post_rows.len() >= POSTS_PER_TX || t + 1 == counts.len() {
            bulk!(
                tx,
                "forum_topics (id, category, author_id, anonymous, title, status, reply_count, post_seq, last_published_seq, created_at, last_activity_at) ",
                topic_rows,
                |b, t| {
                    b.push_bind(t.id)
                        .push_bind(t.category)
                        .push_bind(t.author)
                        .push_bind(t.anonymous)
                        .push_bind(&t.title)
                        .push_bind("published")
                        .push_bind(t.reply_count)
                        .push_bind(t.post_seq)
                        .push_bind(t.last_published_seq)
                        .push_bind(t.created_at)
                        .push_bind(t.last_activity_at);
                }
            );
            bulk!(
                tx,
                "forum_posts (id, topic_id, seq, author_id, anonymous, body, body_html, reply_to, status, created_at) ",
                post_rows,
                |b, p| {
                    let text = match p.held {
                        Some(h) => &held[h].0,
                        None => &texts[p.text],
                    };
                    b.push_bind(p.id)
                        .push_bind(p.topic)
                        .push_bind(p.seq)
                        .push_bind(p.author)
                        .push_bind(p.anonymous)
                        .push_bind(&text.body)
                        .push_bind(&text.html)
                        .push_bind(p.reply_to)
                        .push_bind(if p.held.is_some() { "held" } else { "published" })
                        .push_bind(p.created_at);
                }
            );
            bulk!(tx, "forum_pseudonyms (topic_id, user_id, pseudonym) ", pseudonyms, |b, p| {
                b.push_bind(p.0).push_bind(p.1).push_bind(&p.2);
            });
            bulk!(tx, "forum_moderation_items (id, post_id, cause, reasons, created_at) ", items, |b, m| {
                b.push_bind(m.0).push_bind(m.1).push_bind("screening").push_bind(&held[m.2].1).push_bind(m.3);
            });
            // One reaction of each kind per person and post: a repeated pick is dropped.
            let mut seen = HashSet::new();
            reactions.retain(|r| seen.insert((r.0, r.1, r.2)));
            bulk!(tx, "forum_reactions (post_id, user_id, kind, created_at) ", reactions, |b, r| {
                b.push_bind(r.0).push_bind(r.1).push_bind(r.2).push_bind(r.3);
            });
            written_posts += post_rows.len();
            written_reactions += reactions.len();
            tx.commit().await?;
            eprintln!("{written_posts} posts written ({:.0} s)", started.elapsed().as_secs_f64());
            tx = db.begin().await?;
            topic_rows.clear();
            post_rows.clear();
            pseudonyms.clear();
            reactions.clear();
            items.clear();
        }
    }

    // 1,000 watchers on the watched topic (the quiet one has none); read
    // marks of the first hundred members (the bench reads as member 0) on
    // a few hundred topics each.
    let watched = topic_ids[1];
    let watchers: Vec<Uuid> = member_ids[10..10 + WATCHERS].to_vec();
    bulk!(tx, "forum_subscriptions (topic_id, user_id, level) ", watchers, |b, w| {
        b.push_bind(watched).push_bind(*w).push_bind("watching");
    });
    let mut marks = Vec::new();
    for (m, member) in member_ids.iter().take(100).enumerate() {
        let mut seen = HashSet::new();
        for _ in 0..300 {
            let t = rng.gen_range(0..topics);
            if seen.insert(t) {
                marks.push((*member, topic_ids[t], rng.gen_range(1..=counts[t] as i64)));
            }
        }
        if m == 0 {
            marks.push((*member, topic_ids[0], 1));
        }
    }
    let mut seen = HashSet::new();
    marks.retain(|r| seen.insert((r.0, r.1)));
    bulk!(tx, "forum_read_state (user_id, topic_id, last_seq) ", marks, |b, r| {
        b.push_bind(r.0).push_bind(r.1).push_bind(r.2);
    });
    tx.commit().await?;
    if let Db::Postgres(pool, _) = &db {
        // What autovacuum does for a live database: statistics and the visibility map.
        sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    }
    db.close().await;
    println!("big_topic={}", topic_ids[0]);
    println!("watched_topic={watched}");
    println!("quiet_topic={}", topic_ids[2]);
    println!("category=prise-en-charge");
    println!("members={members}");
    println!("topics={topics}");
    println!("posts={written_posts}");
    println!("held={written_held}");
    println!("reactions={written_reactions}");
    println!("seconds={:.1}", started.elapsed().as_secs_f64());
    Ok(())
}
