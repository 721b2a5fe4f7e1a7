//! Notifications beyond the topic's author and its watchers: the members a
//! post mentions or quotes (in the transaction of its publication), and how
//! a member follows a category (its watchers are told of its new topics by
//! the fan-out job).

use sanad_platform::{Caller, Result, Tx};
use std::collections::HashMap;
use uuid::Uuid;

use super::{Forum, Publication, sql};
use crate::mentions;
use crate::model::{NotificationKind, Subscription, SubscriptionLevel};
use crate::store;
use crate::unsubscribe::Signer;

/// At most this many members are told of one post by mentions: a post naming
/// half the forum is not a way to mail it.
const MAX_MENTIONED: usize = 10;

impl Forum {
    /// Tells the members `post` mentions (`@name`, see [`crate::mentions`])
    /// or quotes (a block quote in a reply to their post): in the app, and by
    /// mail as they chose. Never the poster, never a member who muted the
    /// topic; one notification per member and post, so this runs before the
    /// topic's author and watchers are told. `told` are the members already
    /// told of the post (by any reason; an edit's names are read again): they
    /// are not told again, and their mentions count in the post's ten.
    pub(super) async fn tell_named(
        &self,
        tx: &mut Tx,
        signer: &Signer,
        news: &Publication<'_>,
        told_before: &[(Uuid, String)],
    ) -> Result<()> {
        let Publication { topic, post, poster, body, now } = *news;
        let already = |id: &Uuid| told_before.iter().any(|(who, _)| who == id);
        let mentioned_before = told_before.iter().filter(|(_, kind)| kind == NotificationKind::Mention.as_str()).count();
        let reading = mentions::read(body);
        let mut told: Vec<(Uuid, NotificationKind)> = Vec::new();
        if reading.has_mentions() {
            let participants = store::notify::participants(tx, topic.id).await.map_err(sql)?;
            let mut named: Vec<Uuid> = participants.iter().filter(|(_, anonymous, _)| !anonymous).map(|(id, _, _)| *id).collect();
            named.sort_unstable();
            named.dedup();
            let mut names: Vec<(Uuid, String)> = if named.is_empty() {
                Vec::new()
            } else {
                self.people.people(&named).await?.into_iter().map(|p| (p.id, p.display_name)).collect()
            };
            // An anonymous participant answers to their pseudonym in this topic only.
            names.extend(participants.into_iter().filter(|(_, anonymous, _)| *anonymous).filter_map(|(id, _, p)| p.map(|p| (id, p))));
            let room = MAX_MENTIONED.saturating_sub(mentioned_before);
            for id in mentions::mentioned(&reading, &names).into_iter().filter(|id| *id != poster && !already(id)).take(room) {
                told.push((id, NotificationKind::Mention));
            }
        }
        if reading.quotes
            && let Some(row) = store::post_in(tx, post).await.map_err(sql)?
            && let Some(quoted) = row.reply_to
            && let Some(quoted) = store::post_in(tx, quoted).await.map_err(sql)?
            && quoted.topic_id == topic.id
            && quoted.status == "published"
            && quoted.author_id != poster
            && !already(&quoted.author_id)
            && !told.iter().any(|(id, _)| *id == quoted.author_id)
        {
            told.push((quoted.author_id, NotificationKind::Quote));
        }
        if told.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = told.iter().map(|(id, _)| *id).collect();
        let people: HashMap<Uuid, _> = self.people.people(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
        for (user, kind) in told {
            let level = store::subscription_in(tx, topic.id, user).await.map_err(sql)?;
            if level.as_deref() == Some(SubscriptionLevel::Muted.as_str()) {
                continue;
            }
            if store::insert_notification(tx, user, kind.as_str(), topic.id, post, now).await.map_err(sql)?
                && let Some(person) = people.get(&user)
            {
                self.mail_if_wanted(tx, signer, person, topic, body, now).await?;
            }
        }
        Ok(())
    }

    /// How the caller follows a category (normal unless they chose).
    pub async fn category_subscription(&self, caller: &Caller, slug: &str) -> Result<Subscription> {
        self.known_category(slug).await?;
        let level = store::notify::category_subscription(&self.db, slug, caller.user_id)
            .await
            .map_err(sql)?
            .and_then(|l| SubscriptionLevel::parse(&l))
            .unwrap_or(SubscriptionLevel::Normal);
        Ok(Subscription { level })
    }

    /// Sets how the caller follows a category: `watching` tells them of every
    /// new topic there; `normal` and `muted` of none.
    pub async fn subscribe_category(&self, caller: &Caller, slug: &str, level: SubscriptionLevel) -> Result<Subscription> {
        self.known_category(slug).await?;
        store::notify::set_category_subscription(&self.db, slug, caller.user_id, level.as_str()).await.map_err(sql)?;
        Ok(Subscription { level })
    }

    async fn known_category(&self, slug: &str) -> Result<()> {
        if !super::is_slug(slug) {
            return Err(sanad_platform::Error::NotFound("category"));
        }
        store::category(&self.db, slug).await.map_err(sql)?.map(|_| ()).ok_or(sanad_platform::Error::NotFound("category"))
    }
}
