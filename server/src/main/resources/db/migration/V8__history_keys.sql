-- The change log's history by service and by port is kept in two tables of keys, written behind the log in batches
-- rather than as two indexes of change_event written with every change (issue 23). A service's or a port's keys are
-- scattered over their index, so each change dirtied a page of each in its commit (on SQLite a page of the WAL,
-- written and fsynced): half the pages the change log added to a registration. Written behind, a batch of a thousand
-- events shares its pages. change_log_head.history_indexed is the last revision whose keys are written; a history
-- query reads the keys up to it and the few events after it from the log itself, so it is never stale.
-- ${clustered} is "without rowid" on SQLite (the table is its key's b-tree, one b-tree per key) and nothing on
-- PostgreSQL; otherwise portable SQL: SQLite and PostgreSQL run this same script.
create table service_history (
    service_name varchar(63) not null,
    revision     bigint      not null,
    primary key (service_name, revision)
) ${clustered};
create table port_history (
    port     integer not null,
    revision bigint  not null,
    primary key (port, revision)
) ${clustered};
alter table change_log_head add column history_indexed bigint not null default 0;
insert into service_history (service_name, revision) select service_name, revision from change_event;
insert into port_history (port, revision) select port, revision from change_event;
update change_log_head set history_indexed = revision where id = 1;
drop index change_event_service;
drop index change_event_port;
