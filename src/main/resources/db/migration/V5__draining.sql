-- Draining (POST /ports/drain): an allocation with a drain time is Draining until then, and released after it.
-- Portable SQL: SQLite and PostgreSQL run this same script. Times are UTC epoch milliseconds; null: not draining.
alter table allocation add column drain_until bigint;
alter table allocation add column drain_reason varchar(200);
create index allocation_drain_until on allocation (drain_until);
