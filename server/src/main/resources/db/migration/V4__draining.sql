-- Draining (POST /ports/drain): an allocation with a drain time is Draining until then, and released after it.
-- Portable SQL: SQLite and PostgreSQL run this same script. Times are UTC epoch milliseconds; null: not draining.
alter table allocation add column drain_until bigint;
alter table allocation add column drain_reason varchar(200);
create index allocation_drain_until on allocation (drain_until);

-- Host maintenance: every allocation of the host drains until then, and no new one is made there.
create table host_maintenance (
    host   varchar(255) not null primary key,
    until  bigint       not null,
    reason varchar(200)
);
