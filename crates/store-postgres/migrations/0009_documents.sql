-- Official documents (公文) made from a record (a supervision item's notice, a meeting's
-- notice, minutes and pack …): which record at which version, the kind, title and number,
-- the file in one format with its digest, who made it and when. The bytes are kept in the
-- row, as uploaded files are. Same table as the SQLite migration of the same number.

create table generated_documents (
    id bigint generated always as identity primary key,
    kind text not null,
    source_kind text not null,
    source_id bigint not null,
    source_version bigint not null,
    title text not null,
    number text,
    format text not null,
    file_name text not null,
    content_type text not null,
    size_bytes bigint not null,
    sha256 text not null,
    content bytea not null,
    created_by text not null,
    created_at timestamptz not null
);
-- The documents of one record, newest last.
create index generated_documents_source on generated_documents (source_kind, source_id, id);
