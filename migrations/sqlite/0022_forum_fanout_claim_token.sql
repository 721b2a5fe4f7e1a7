-- A fan-out job is held only while its claim token is on it: claim_token
-- changes at every claim, so an instance that stops can give back the job it
-- holds (for another to take at once, not after the lease) without ever
-- clearing another instance's claim on it.
ALTER TABLE forum_fanout ADD COLUMN claim_token BLOB;
