//! Anonymity, enforced in one place on the way out: every answer, list and
//! notification turns a stored author into what members may see through
//! [`shown`], and nothing else in the crate writes an [`AuthorView`].

use rand::Rng;
use sanad_platform::Result;
use sanad_platform::people::PeopleDirectory;
use std::collections::HashMap;
use uuid::Uuid;

use crate::kept::KeptPages;
use crate::model::AuthorView;

/// An author as stored with a topic or post: the real account always, the
/// flag, and (for an anonymous one) the pseudonym of that account in the topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAuthor {
    pub user_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
}

impl StoredAuthor {
    /// The author as a row stores it.
    pub fn of(user_id: Uuid, anonymous: bool, pseudonym: &Option<String>) -> Self {
        Self { user_id, anonymous, pseudonym: pseudonym.clone() }
    }
}

/// The display names of the authors of one answer, looked up together.
/// Anonymous authors are never looked up.
#[derive(Clone, Debug, Default)]
pub struct Names(HashMap<Uuid, String>);

impl Names {
    /// The names of the authors among `authors` who did not post anonymously.
    pub async fn of<'a>(people: &dyn PeopleDirectory, authors: impl IntoIterator<Item = &'a StoredAuthor>) -> Result<Self> {
        Ok(Self(read(people, &named(authors)).await?))
    }

    /// As [`Names::of`], taking the names `kept` read less than
    /// [`crate::kept::KEPT_FOR`] ago and looking up only the others.
    pub async fn of_kept<'a>(
        people: &dyn PeopleDirectory,
        kept: &KeptPages,
        authors: impl IntoIterator<Item = &'a StoredAuthor>,
    ) -> Result<Self> {
        let (mut names, missing) = kept.names(&named(authors));
        let read = read(people, &missing).await?;
        kept.keep_names(&read);
        names.extend(read);
        Ok(Self(names))
    }
}

/// The accounts among `authors` who did not post anonymously, once each.
fn named<'a>(authors: impl IntoIterator<Item = &'a StoredAuthor>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = authors.into_iter().filter(|a| !a.anonymous).map(|a| a.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The display names of `ids`, read from the directory (nothing asked for none).
async fn read(people: &dyn PeopleDirectory, ids: &[Uuid]) -> Result<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(people.people(ids).await?.into_iter().map(|p| (p.id, p.display_name)).collect())
}

/// What members see of `author`: `{id, display_name}`, or only
/// `{pseudonym}` when the post was anonymous. The one place that decides it.
pub fn shown(author: &StoredAuthor, names: &Names) -> AuthorView {
    if author.anonymous {
        // A pseudonym is written with the first anonymous post; "Anonyme" covers a row that lost it.
        let pseudonym = author.pseudonym.clone().unwrap_or_else(|| "Anonyme".to_string());
        return AuthorView { id: None, display_name: None, pseudonym: Some(pseudonym) };
    }
    AuthorView { id: Some(author.user_id), display_name: Some(names.0.get(&author.user_id).cloned().unwrap_or_default()), pseudonym: None }
}

/// Each of `rows` with what members may see of its author, the names of
/// all of them looked up together: the way every list leaves the crate.
pub async fn with_authors<R>(
    people: &dyn PeopleDirectory,
    rows: Vec<R>,
    author_of: impl Fn(&R) -> StoredAuthor,
) -> Result<Vec<(R, AuthorView)>> {
    let authors: Vec<StoredAuthor> = rows.iter().map(author_of).collect();
    let names = Names::of(people, &authors).await?;
    Ok(rows.into_iter().zip(authors.iter()).map(|(row, author)| (row, shown(author, &names))).collect())
}

/// Words of the pseudonyms: trees and birds of Morocco, readable in every language of the platform.
const PSEUDONYM_WORDS: [&str; 24] = [
    "Cèdre",
    "Arganier",
    "Olivier",
    "Palmier",
    "Thuya",
    "Caroubier",
    "Chêne",
    "Genévrier",
    "Grenadier",
    "Figuier",
    "Amandier",
    "Laurier",
    "Cigogne",
    "Hirondelle",
    "Faucon",
    "Ibis",
    "Flamant",
    "Huppe",
    "Bulbul",
    "Rollier",
    "Outarde",
    "Mouette",
    "Gazelle",
    "Fennec",
];

/// A fresh random pseudonym (`Cèdre 417`); the store keeps it unique within a topic.
pub fn new_pseudonym() -> String {
    let mut rng = rand::thread_rng();
    let word = PSEUDONYM_WORDS[rng.gen_range(0..PSEUDONYM_WORDS.len())];
    format!("{word} {}", rng.gen_range(100..1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anonymous_author_shows_only_a_pseudonym() {
        let user = Uuid::now_v7();
        let names = Names([(user, "Amal Berrada".to_string())].into_iter().collect());
        let anonymous = StoredAuthor { user_id: user, anonymous: true, pseudonym: Some("Cèdre 417".into()) };
        let shown_anonymous = shown(&anonymous, &names);
        assert_eq!(shown_anonymous, AuthorView { id: None, display_name: None, pseudonym: Some("Cèdre 417".into()) });
        let named = StoredAuthor { anonymous: false, ..anonymous };
        assert_eq!(shown(&named, &names).display_name.as_deref(), Some("Amal Berrada"));
        assert_eq!(shown(&named, &names).id, Some(user));
    }
}
