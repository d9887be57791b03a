-- Security hardening: login throttling counters (replacing the log of attempts), the
-- tamper-evident chain of the audit trail, and the record of its verifications. Same tables as
-- the SQLite migration of the same number.

-- Failed logins counted per (username, address), per address and per account. A counter
-- forgets its failures once `last_at` is older than the throttle window; the hourly sweep
-- deletes such rows, so thousands of addresses leave a bounded table behind.
drop table login_attempts;
create table login_counters (
    kind text not null,
    username text not null,
    address text not null,
    failures bigint not null,
    first_at timestamptz not null,
    last_at timestamptz not null,
    primary key (kind, username, address)
);
create index login_counters_last on login_counters (last_at);

-- The audit chain: a row is linked after its transaction commits (by a sweep under a lease),
-- taking the next position and the hash of its content and of the previous position's hash.
alter table audit_log add column chain_seq bigint;
alter table audit_log add column chain_hash text;
create unique index audit_log_chain_seq on audit_log (chain_seq);
-- The rows still to be linked: a small index, whatever the size of the trail.
create index audit_log_unlinked on audit_log (id) where chain_hash is null;

-- Still append-only: the one change allowed is linking a row once, nothing else moves.
create or replace function audit_log_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.chain_hash is null and new.chain_hash is not null
        and (new.id, new.at, new.user_id, new.username, new.action, new.record_type,
             new.record_id, new.before_json, new.after_json, new.request_id)
            is not distinct from
            (old.id, old.at, old.user_id, old.username, old.action, old.record_type,
             old.record_id, old.before_json, old.after_json, old.request_id) then
        return new;
    end if;
    raise exception 'audit_log is append-only';
end;
$$;

-- Each verification of the chain: when, how far, the first row that did not match, and the
-- last link it saw (the next verification checks that this link still stands, so rows cut
-- from the end of the chain are found too).
create table audit_verifications (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    rows_checked bigint not null,
    ok boolean not null,
    first_bad_id bigint,
    detail text,
    last_seq bigint,
    last_hash text
);
