//! Daily and weekly digests: once per member and period, one mail through
//! the outbox listing the topics of their unread notifications since the
//! last digest (titles and links only; in a sensitive category a link
//! only; never a post's text nor who wrote it). Each digest is claimed in
//! the database, so every instance may run the job and only one sends it.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use sanad_platform::people::Person;
use sanad_platform::{Result, Tx};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

use super::{Forum, sql};
use crate::model::EmailFrequency;
use crate::store::notify::{self as store, DueDigest};

/// A period ends this long before the job looks, so that a notification
/// written by a transaction still open then lands in the next digest
/// instead of between two.
const SETTLE_SECS: i64 = 10;
/// Members taken per query.
const BATCH: i64 = 100;
/// Topics listed in one digest at most (the link to the notifications shows the rest).
const TOPICS_PER_DIGEST: i64 = 50;
/// How often the job looks for digests due.
const EVERY: Duration = Duration::from_secs(60);

fn period(frequency: &str) -> Option<ChronoDuration> {
    match EmailFrequency::parse(frequency)? {
        EmailFrequency::Daily => Some(ChronoDuration::days(1)),
        EmailFrequency::Weekly => Some(ChronoDuration::days(7)),
        EmailFrequency::Immediate | EmailFrequency::Off => None,
    }
}

impl Forum {
    /// A member chose how they want forum mail: choosing a digest (anew) starts its first period now.
    pub(super) async fn digest_chosen(&self, user: Uuid, was: Option<EmailFrequency>, chosen: EmailFrequency) -> Result<()> {
        if period(chosen.as_str()).is_some() && was != Some(chosen) {
            store::restart_digest_period(&self.db, user, self.clock.now()).await.map_err(sql)?;
        }
        Ok(())
    }

    /// Sends every digest due now; returns how many mails were queued. Every instance may run it.
    pub async fn send_digests_once(&self) -> Result<usize> {
        let mut sent = 0;
        // Each pass claims (or sees claimed) every member it read, so they are not due again.
        for _ in 0..1000 {
            let cutoff = self.clock.now() - ChronoDuration::seconds(SETTLE_SECS);
            let due = store::due_digests(&self.db, cutoff - ChronoDuration::days(1), cutoff - ChronoDuration::days(7), BATCH)
                .await
                .map_err(sql)?;
            if due.is_empty() {
                break;
            }
            let ids: Vec<Uuid> = due.iter().map(|d| d.user_id).collect();
            let people: HashMap<Uuid, Person> = self.people.people(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
            for member in &due {
                if self.send_digest(member, people.get(&member.user_id), cutoff).await? {
                    sent += 1;
                }
            }
            if due.len() < BATCH as usize {
                break;
            }
        }
        if sent > 0 {
            (self.wake_mail)();
        }
        Ok(sent)
    }

    /// Claims one member's digest up to `cutoff` and queues it; false when
    /// another instance claimed it first, the period only starts now, or
    /// there is nothing to say (the period is over all the same).
    async fn send_digest(&self, member: &DueDigest, person: Option<&Person>, cutoff: DateTime<Utc>) -> Result<bool> {
        let signer = self.signer().await?.clone();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The claim is the transaction's first statement, a write (see store::claim_digest).
        if !store::claim_digest(&mut tx, member.user_id, &member.email, member.last_digest_at, cutoff).await.map_err(sql)? {
            return Ok(false);
        }
        let mailed = match (member.last_digest_at, person) {
            (Some(since), Some(person)) if person.enabled => self.queue_digest(&mut tx, &signer, person, since, cutoff).await?,
            // A period never started (a setting older than digests): it starts now.
            _ => false,
        };
        tx.commit().await.map_err(sql)?;
        Ok(mailed)
    }

    async fn queue_digest(
        &self,
        tx: &mut Tx,
        signer: &crate::unsubscribe::Signer,
        person: &Person,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        let rows = store::digest_rows(tx, person.id, since, until, TOPICS_PER_DIGEST).await.map_err(sql)?;
        if rows.is_empty() {
            return Ok(false);
        }
        let topics: Vec<crate::mail::DigestTopic<'_>> = rows
            .iter()
            .map(|r| crate::mail::DigestTopic { topic_id: r.topic_id, topic_title: &r.title, sensitive: r.sensitive, posts: r.posts })
            .collect();
        let mail = crate::mail::digest(person, &topics, &signer.token(person.id));
        sanad_mail::enqueue(tx, &mail, self.clock.now()).await?;
        Ok(true)
    }

    /// Runs the digests until `shutdown`: every minute, on every instance.
    pub async fn run_digests(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.send_digests_once().await {
                tracing::warn!(error = %e, "forum digests failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}
