-- Liveness by listener: what keeps an allocation alive, 'heartbeat' (the default, as before) or 'listener' (its
-- listening socket as the host's agent sees it). And the one check its host's agent runs (kind tcp or http, the
-- http path, interval and timeout in milliseconds, and its last status; all null: no check). In the change log too,
-- so that every replica's index has them. Portable SQL: SQLite and PostgreSQL run this same script.
alter table allocation add column liveness varchar(16) not null default 'heartbeat';
alter table allocation add column check_kind varchar(8);
alter table allocation add column check_path varchar(255);
alter table allocation add column check_interval_ms bigint;
alter table allocation add column check_timeout_ms bigint;
alter table allocation add column check_status varchar(16);
alter table change_event add column liveness varchar(16) not null default 'heartbeat';
alter table change_event add column check_kind varchar(8);
alter table change_event add column check_path varchar(255);
alter table change_event add column check_interval_ms bigint;
alter table change_event add column check_timeout_ms bigint;
alter table change_event add column check_status varchar(16);
