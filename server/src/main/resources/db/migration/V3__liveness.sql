-- When some registry process last said it was alive, and when expiry last resumed after a time when none was:
-- the registry's own downtime must not count as its services' silence.
create table registry_liveness (
    id                integer not null primary key,
    alive_at          bigint  not null,
    expiry_resumed_at bigint  not null
);
insert into registry_liveness (id, alive_at, expiry_resumed_at) values (1, 0, 0);
