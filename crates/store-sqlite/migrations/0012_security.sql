-- Security hardening: login throttling counters (replacing the log of attempts), the
-- tamper-evident chain of the audit trail, and the record of its verifications. Same tables as
-- the PostgreSQL migration of the same number. Timestamps are ISO-8601 UTC text.

-- Failed logins counted per (username, address), per address and per account. A counter
-- forgets its failures once `last_at` is older than the throttle window; the hourly sweep
-- deletes such rows, so thousands of addresses leave a bounded table behind.
drop table login_attempts;
create table login_counters (
    kind text not null,
    username text not null,
    address text not null,
    failures integer not null,
    first_at text not null,
    last_at text not null,
    primary key (kind, username, address)
);
create index login_counters_last on login_counters (last_at);

-- The audit chain: a row is linked after its transaction commits (by a sweep under a lease),
-- taking the next position and the hash of its content and of the previous position's hash.
alter table audit_log add column chain_seq integer;
alter table audit_log add column chain_hash text;
create unique index audit_log_chain_seq on audit_log (chain_seq);
-- The rows still to be linked: a small index, whatever the size of the trail.
create index audit_log_unlinked on audit_log (id) where chain_hash is null;

-- Still append-only: the one change allowed is linking a row once, nothing else moves.
drop trigger audit_log_no_update;
create trigger audit_log_no_update before update on audit_log
when old.chain_hash is not null
    or new.chain_hash is null
    or new.id is not old.id
    or new.at is not old.at
    or new.user_id is not old.user_id
    or new.username is not old.username
    or new.action is not old.action
    or new.record_type is not old.record_type
    or new.record_id is not old.record_id
    or new.before_json is not old.before_json
    or new.after_json is not old.after_json
    or new.request_id is not old.request_id
begin
    select raise(abort, 'audit_log is append-only');
end;

-- Each verification of the chain: when, how far, the first row that did not match, and the
-- last link it saw (the next verification checks that this link still stands, so rows cut
-- from the end of the chain are found too).
create table audit_verifications (
    id integer primary key,
    at text not null,
    rows_checked integer not null,
    ok integer not null,
    first_bad_id integer,
    detail text,
    last_seq integer,
    last_hash text
);
