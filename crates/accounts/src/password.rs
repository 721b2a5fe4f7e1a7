//! Password hashing with Argon2id.
//!
//! Parameters: 19 MiB of memory, 2 passes, 1 lane (the OWASP baseline for
//! Argon2id). Hashes are PHC strings, so they carry their own parameters and
//! stronger settings later still verify old hashes. Hashing runs on the
//! blocking pool: it takes tens of milliseconds by design.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use sanad_platform::FieldCode;
use sanad_platform::{Error, FieldError, Result};

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Number of passes.
pub const ITERATIONS: u32 = 2;
/// Degree of parallelism.
pub const LANES: u32 = 1;

/// Shortest accepted password.
pub const MIN_LENGTH: usize = 10;
/// Longest accepted password (bounds the hashing work an attacker can ask for).
pub const MAX_LENGTH: usize = 256;

fn argon2() -> Argon2<'static> {
    // The constants above are valid Argon2 parameters.
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Refuses passwords that are too short, too long, or made of a single repeated character,
/// naming `field` in the error.
pub fn check_strength(field: &str, password: &str, email: &str) -> Option<FieldError> {
    let chars = password.chars().count();
    let (code, message) = if chars < MIN_LENGTH {
        (FieldCode::TooShort, format!("must be at least {MIN_LENGTH} characters long"))
    } else if chars > MAX_LENGTH {
        (FieldCode::TooLong, format!("must be at most {MAX_LENGTH} characters long"))
    } else if password.chars().all(|c| password.starts_with(c)) {
        (FieldCode::TooWeak, "must not repeat a single character".into())
    } else if !email.is_empty() && password.trim().eq_ignore_ascii_case(email.trim()) {
        (FieldCode::TooWeak, "must not be your email address".into())
    } else {
        return None;
    };
    Some(FieldError::new(field, code, message))
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(anyhow::anyhow!("hashing: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("hashing task: {e}")))?
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub async fn verify(password: String, stored: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || match PasswordHash::new(&stored) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("hashing task: {e}")))
}

/// A valid hash of a random password, verified against when the account does
/// not exist so that a login takes as long either way.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(sanad_platform::secret::random_token().as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_carry_parameters() {
        let h = hash("un mot de passe solide".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("un mot de passe solide".into(), h.clone()).await.unwrap());
        assert!(!verify("un autre".into(), h).await.unwrap());
        assert!(!verify("x".into(), "not a hash".into()).await.unwrap());
        assert!(!verify("x".into(), decoy_hash().to_string()).await.unwrap());
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(check_strength("password", "short", "").is_some());
        assert!(check_strength("password", "aaaaaaaaaaaa", "").is_some());
        assert!(check_strength("password", "amina@example.org", "Amina@example.org").is_some());
        assert!(check_strength("password", &"x".repeat(300), "").is_some());
        assert!(check_strength("password", "un mot de passe solide", "a@b.c").is_none());
    }
}
