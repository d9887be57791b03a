-- The month's dispatch digest (月度调度通报) as one scope sees it: its documents are stored
-- under the edition (`generated_documents.source_kind = 'digest_edition'`), so a reader is
-- served only the editions of its own scope. `scope_key` is "all" or the regions and
-- industries a scope is limited to. Same table as the SQLite migration of the same number.

create table digest_editions (
    id bigint generated always as identity primary key,
    ym integer not null,
    scope_key text not null,
    created_at timestamptz not null
);
create unique index digest_editions_key on digest_editions (ym, scope_key);
