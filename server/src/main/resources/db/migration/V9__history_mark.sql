-- The history keys' mark (V8: the last revision whose keys are written) moves out of change_log_head into a row of
-- its own. On PostgreSQL a row is locked whole: the indexer holds the mark's row while it writes a batch of keys
-- (a few milliseconds for a thousand events), and with the mark in the head's row every replica's append of events,
-- which updates the head, waited for it inside its hosts' locks (issue 23: a group's append averaged 631 µs against
-- a median of 267). Portable SQL: SQLite (3.35 and later drop a column) and PostgreSQL run this same script.
create table history_mark (
    id      integer not null primary key,
    indexed bigint  not null
);
insert into history_mark (id, indexed) select 1, history_indexed from change_log_head where id = 1;
alter table change_log_head drop column history_indexed;
