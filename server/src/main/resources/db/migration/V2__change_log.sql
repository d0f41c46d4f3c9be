-- The change log: one row per event, in revision order. Portable SQL: SQLite and PostgreSQL run this same script.
-- An allocation's status is now stored: the expiry pass marks it Expired (and logs that), a heartbeat revives it.
alter table allocation add column expired integer not null default 0;

create table change_event (
    revision       bigint       not null primary key,
    type           varchar(16)  not null,
    at             bigint       not null,
    allocation_id  varchar(36)  not null,
    host           varchar(255) not null,
    port           integer      not null,
    service_name   varchar(63)  not null,
    service_type   varchar(32)  not null,
    process_id     bigint,
    allocated_at   bigint       not null,
    last_heartbeat bigint       not null,
    status         varchar(16)  not null
);
create index change_event_at on change_event (at);
create index change_event_service on change_event (service_name, revision);
create index change_event_port on change_event (port, revision);

-- The log's head: the last revision handed out, and the oldest one still retained. Appending takes this row's lock
-- until commit, so revisions are handed out in commit order and a reader of "revision > N" never skips one.
create table change_log_head (
    id       integer not null primary key,
    revision bigint  not null,
    oldest   bigint  not null
);
insert into change_log_head (id, revision, oldest) values (1, 0, 1);
