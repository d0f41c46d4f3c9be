-- Only draining allocations are in the drain-time index: the others have no drain time, and keeping their nulls in
-- a b-tree cost every allocation and release one more page in the commit (issue 23: a page of the WAL, written and
-- fsynced, for nothing the release pass reads). The release pass asks for "drain_until <= ?", which both databases
-- know implies "is not null", so it still uses the index. Portable SQL: SQLite and PostgreSQL run this same script.
drop index allocation_drain_until;
create index allocation_drain_until on allocation (drain_until) where drain_until is not null;
