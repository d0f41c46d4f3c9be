-- The protocol a service receives on at its port: 'tcp' (every allocation before this migration, and the default)
-- or 'udp'. It decides what the host's agent counts as listening and which SRV name offers the service. In the
-- change log too, so that every replica's index has it. Portable SQL: SQLite and PostgreSQL run this same script.
alter table allocation add column protocol varchar(8) not null default 'tcp';
alter table change_event add column protocol varchar(8) not null default 'tcp';
