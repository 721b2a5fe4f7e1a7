-- A worker holds an outbox row only while its claim token is on it:
-- claim_token changes at every claim, so a worker whose lease (claimed_until)
-- ran out and whose row was claimed again cannot mark or renew it any more.
-- claimed_by names the worker instance, for operators.
ALTER TABLE mail_outbox ADD COLUMN claim_token BLOB;
ALTER TABLE mail_outbox ADD COLUMN claimed_by TEXT;
