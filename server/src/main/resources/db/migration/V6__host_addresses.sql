-- The addresses each host's agent reports that other machines can reach it at (issue 25): the DNS interface answers
-- the host's name with them, on every replica and after a restart. Written only when a host's set changes.
-- Portable SQL: SQLite and PostgreSQL run this same script. addresses: canonical text, comma-separated.
-- reported_at: UTC epoch milliseconds of the report that changed them.
create table host_addresses (
    host        varchar(255)  not null primary key,
    addresses   varchar(2000) not null,
    reported_at bigint        not null
);
