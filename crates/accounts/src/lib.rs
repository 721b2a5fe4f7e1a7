//! sanad-accounts
