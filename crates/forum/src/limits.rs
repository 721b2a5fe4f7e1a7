//! Rate limits per member: how many topics an hour and replies in ten
//! minutes one account may write, fewer for an account younger than a week;
//! moderators and administrators are exempt.
//!
//! The count is of the member's own topics and posts in the database (held,
//! rejected and deleted ones too: what was written is what counts), made in
//! the transaction that adds the new one, after a lock on the member (see
//! [`store::limits::lock_member`]): parallel requests, on one instance or
//! many, never write more than the limit. A refusal is 429 with
//! `Retry-After` and a `detail` in the member's language, and is not
//! counted, so waiting is always enough.

use chrono::{DateTime, Duration, Utc};
use sanad_platform::{Caller, Error, Result, Role, Tx};
use uuid::Uuid;

use crate::service::Forum;
use crate::store;

/// The limits of a deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Topics one member may open per hour.
    pub topics_per_hour: i64,
    /// Replies one member may post per ten minutes.
    pub replies_per_ten_minutes: i64,
    /// Topics per hour for an account younger than `new_account_days`.
    pub new_topics_per_hour: i64,
    /// Replies per ten minutes for such an account.
    pub new_replies_per_ten_minutes: i64,
    /// How many days an account is "new".
    pub new_account_days: i64,
}

impl Limits {
    /// The platform's limits: room for a lively discussion, not for a flood.
    pub const STANDARD: Limits = Limits {
        topics_per_hour: 10,
        replies_per_ten_minutes: 30,
        new_topics_per_hour: 5,
        new_replies_per_ten_minutes: 10,
        new_account_days: 7,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// What is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A new topic (its first post counts as the topic only).
    Topic,
    /// A reply in a topic.
    Reply,
}

/// How much of `action` one member may write in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    action: Action,
    max: i64,
    window: Duration,
    /// The stricter limit of a new account.
    new_account: bool,
    new_account_days: i64,
}

impl Limits {
    /// The allowance of a member whose account was created at `joined`
    /// (`None`: unknown, taken as new) for `action` at `now`.
    pub fn allowance(&self, action: Action, joined: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Allowance {
        let new_account = joined.is_none_or(|j| now - j < Duration::days(self.new_account_days));
        let (max, window) = match (action, new_account) {
            (Action::Topic, false) => (self.topics_per_hour, Duration::hours(1)),
            (Action::Topic, true) => (self.new_topics_per_hour, Duration::hours(1)),
            (Action::Reply, false) => (self.replies_per_ten_minutes, Duration::minutes(10)),
            (Action::Reply, true) => (self.new_replies_per_ten_minutes, Duration::minutes(10)),
        };
        Allowance { action, max: max.max(1), window, new_account, new_account_days: self.new_account_days }
    }
}

impl Forum {
    /// The same forum with other rate limits (a deployment's own), or none
    /// (`SANAD_FORUM_RATE_LIMITS=off`: load tests).
    pub fn with_limits(mut self, limits: Option<Limits>) -> Self {
        self.limits = limits;
        self
    }

    /// What `caller` may write of `action`: `None` for moderators and
    /// administrators. Read before the transaction that writes.
    pub(crate) async fn allowance(&self, caller: &Caller, action: Action) -> Result<Option<Allowance>> {
        let Some(limits) = self.limits else { return Ok(None) };
        if caller.has_any(&[Role::Moderator, Role::Admin]) {
            return Ok(None);
        }
        let joined = self.people.joined(caller.user_id).await?;
        Ok(Some(limits.allowance(action, joined, self.clock.now())))
    }
}

/// Checks `allowance` for `user` inside the transaction that writes the new
/// topic or reply `except` (after that transaction's first write, for
/// SQLite): refused with 429 when the member has written the maximum
/// within the window. `None` admits at once.
pub(crate) async fn admit(
    tx: &mut Tx,
    allowance: Option<Allowance>,
    user: Uuid,
    except: Uuid,
    now: DateTime<Utc>,
    lang: &str,
) -> Result<()> {
    let Some(a) = allowance else { return Ok(()) };
    let sql = |e: sqlx::Error| Error::Internal(e.into());
    store::limits::lock_member(tx, user).await.map_err(sql)?;
    let since = now - a.window;
    // The max-th newest in the window: while it is there, the member is at the limit.
    let nth = match a.action {
        Action::Topic => store::limits::nth_topic_since(tx, user, since, a.max, except).await.map_err(sql)?,
        Action::Reply => store::limits::nth_reply_since(tx, user, since, a.max, except).await.map_err(sql)?,
    };
    match nth {
        None => Ok(()),
        Some(at) => {
            let wait = (at + a.window - now).num_seconds().max(1);
            Err(Error::RateLimited { retry_after_secs: wait as u64, detail: refusal(&a, wait, lang) })
        }
    }
}

/// Why the member must wait and for how long, in their language.
fn refusal(a: &Allowance, wait_secs: i64, lang: &str) -> String {
    let minutes = (wait_secs + 59) / 60;
    let days = a.new_account_days;
    let (what, newcomer) = match (lang, a.action) {
        ("ar", Action::Topic) => (
            format!("لقد فتحت مواضيع كثيرة في وقت قصير. يمكنك فتح موضوع آخر بعد {minutes} دقيقة."),
            format!(" للحسابات التي يقل عمرها عن {days} أيام حد أدنى."),
        ),
        ("ar", Action::Reply) => (
            format!("لقد نشرت رسائل كثيرة في وقت قصير. يمكنك النشر من جديد بعد {minutes} دقيقة."),
            format!(" للحسابات التي يقل عمرها عن {days} أيام حد أدنى."),
        ),
        ("en", Action::Topic) => (
            format!("You have opened many topics in a short time. You can open another in {minutes} min."),
            format!(" Accounts younger than {days} days have a lower limit."),
        ),
        ("en", Action::Reply) => (
            format!("You have posted many messages in a short time. You can post again in {minutes} min."),
            format!(" Accounts younger than {days} days have a lower limit."),
        ),
        (_, Action::Topic) => (
            format!("Vous avez ouvert beaucoup de sujets en peu de temps. Vous pourrez en ouvrir un autre dans {minutes} min."),
            format!(" Les comptes de moins de {days} jours ont une limite plus basse."),
        ),
        (_, Action::Reply) => (
            format!("Vous avez publié beaucoup de messages en peu de temps. Vous pourrez publier à nouveau dans {minutes} min."),
            format!(" Les comptes de moins de {days} jours ont une limite plus basse."),
        ),
    };
    if a.new_account { what + &newcomer } else { what }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_accounts_have_the_stricter_limits() {
        let now = Utc::now();
        let limits = Limits::STANDARD;
        let fresh = limits.allowance(Action::Reply, Some(now - Duration::days(1)), now);
        let settled = limits.allowance(Action::Reply, Some(now - Duration::days(30)), now);
        let unknown = limits.allowance(Action::Topic, None, now);
        assert_eq!((fresh.max, fresh.new_account), (limits.new_replies_per_ten_minutes, true));
        assert_eq!((settled.max, settled.new_account), (limits.replies_per_ten_minutes, false));
        assert_eq!((unknown.max, unknown.window), (limits.new_topics_per_hour, Duration::hours(1)));
        assert!(limits.new_replies_per_ten_minutes < limits.replies_per_ten_minutes);
        assert!(limits.new_topics_per_hour < limits.topics_per_hour);
    }

    #[test]
    fn refusals_speak_the_members_language() {
        let now = Utc::now();
        let a = Limits::STANDARD.allowance(Action::Reply, None, now);
        assert!(refusal(&a, 61, "fr").contains("dans 2 min"));
        assert!(refusal(&a, 61, "fr").contains("moins de 7 jours"));
        assert!(refusal(&a, 30, "ar").contains("1 دقيقة"));
        assert!(refusal(&a, 30, "en").starts_with("You have posted"));
    }
}
