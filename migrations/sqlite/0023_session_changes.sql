-- Accounts: on PostgreSQL, triggers announce the changes of sessions and
-- accounts to the instances that keep sessions in memory (see the PostgreSQL
-- migration of the same number). One instance on SQLite reads its sessions
-- from the database file at each request and keeps none: nothing to announce.
SELECT 1;
