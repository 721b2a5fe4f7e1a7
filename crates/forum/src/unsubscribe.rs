//! Signed one-click unsubscribe links: the account's id and an HMAC-SHA256
//! of it under a key kept in the database (so every instance signs and
//! checks alike). No session is needed to follow one, and none can be forged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// What the signature covers besides the id, so a token of another purpose never passes.
const PURPOSE: &[u8] = b"sanad forum unsubscribe v1:";

/// Signs and checks unsubscribe tokens.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer")
    }
}

impl Signer {
    /// A signer with `key` (32 random bytes).
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn mac(&self, user: Uuid) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(PURPOSE);
        mac.update(user.as_bytes());
        mac
    }

    /// The token that unsubscribes `user` from forum mail.
    pub fn token(&self, user: Uuid) -> String {
        let tag = self.mac(user).finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(user.as_bytes()), URL_SAFE_NO_PAD.encode(tag))
    }

    /// The account a token names, when its signature holds.
    pub fn verify(&self, token: &str) -> Option<Uuid> {
        let (id, tag) = token.split_once('.')?;
        let id: [u8; 16] = URL_SAFE_NO_PAD.decode(id).ok()?.try_into().ok()?;
        let user = Uuid::from_bytes(id);
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        // verify_slice compares in constant time.
        self.mac(user).verify_slice(&tag).ok().map(|()| user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_forgeries_do_not() {
        let signer = Signer::new(vec![7; 32]);
        let user = Uuid::now_v7();
        let token = signer.token(user);
        assert_eq!(signer.verify(&token), Some(user));
        assert_eq!(Signer::new(vec![8; 32]).verify(&token), None);
        let other = Uuid::now_v7();
        let (_, tag) = token.split_once('.').unwrap();
        assert_eq!(signer.verify(&format!("{}.{tag}", URL_SAFE_NO_PAD.encode(other.as_bytes()))), None);
        assert_eq!(signer.verify("garbage"), None);
        assert_eq!(signer.verify("a.b"), None);
    }
}
