-- Liveness by listener: what keeps an allocation alive, 'heartbeat' (the default, as before) or 'listener' (its
-- listening socket as the host's agent sees it). In the change log too, so that every replica's index has it.
-- Portable SQL: SQLite and PostgreSQL run this same script.
alter table allocation add column liveness varchar(16) not null default 'heartbeat';
alter table change_event add column liveness varchar(16) not null default 'heartbeat';
