-- Accounts: every instance keeps the sessions it has just read in memory
-- (PostgreSQL only), so that a signed-in request costs one round trip less.
-- A kept session must never outlive a change that ends or alters it on any
-- instance, so the changes are announced by triggers, which no code path can
-- forget: a session updated or deleted (logout, password change, expiry,
-- idle slide) names its id hash, and an account whose roles, language or
-- disabled state change names the account. Each instance LISTENs on
-- `sanad_sessions` and drops what a notification names; it keeps nothing
-- while it is not listening.
CREATE FUNCTION sanad_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sanad_sessions', OLD.id_hash);
    RETURN NULL;
END $$;
CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sanad_session_changed();

CREATE FUNCTION sanad_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sanad_sessions', 'user:' || NEW.id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER users_session_fields_changed AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.roles IS DISTINCT FROM NEW.roles OR OLD.locale IS DISTINCT FROM NEW.locale
          OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at)
    EXECUTE FUNCTION sanad_account_changed();
