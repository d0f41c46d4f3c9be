-- One row per held port. Portable SQL: SQLite and PostgreSQL run this same script.
-- Times are UTC epoch milliseconds.
create table allocation (
    allocation_id  varchar(36)  not null primary key,
    host           varchar(255) not null,
    port           integer      not null,
    service_name   varchar(63)  not null,
    service_type   varchar(32)  not null,
    process_id     bigint,
    allocated_at   bigint       not null,
    last_heartbeat bigint       not null,
    reserved       integer      not null default 0,
    constraint allocation_host_port_unique unique (host, port),
    constraint allocation_host_name_unique unique (host, service_name)
);
