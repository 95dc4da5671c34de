-- Links by ledger id lead with ledger_id. With (tenant_id, kind,
-- ledger_id) both of the links' indexes began with (tenant_id, kind), and
-- while the table had no statistics (never analyzed: a new database, a
-- server without autovacuum, a table filled faster than autovacuum
-- analyzes it) PostgreSQL's default selectivities made that two-column
-- prefix look as selective as the whole primary key. It then answered
-- LinkByShopID, which every order and every synced product calls, from
-- links_by_ledger, reading all of a tenant's links of the kind and
-- filtering them by shop_id: the first sync of 50 000 products read
-- about 25 000 links per product. Each index now shares no leading
-- column with the other, so each lookup has only its own index to
-- descend, whatever the statistics say.
DROP INDEX links_by_ledger;
CREATE INDEX links_by_ledger ON links (ledger_id, tenant_id, kind);
