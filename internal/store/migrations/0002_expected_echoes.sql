-- Expected echoes: bokfor's own writes to a shop (the "settled" order
-- state) come back as webhooks. The writer records what it is about to
-- cause; the webhook edge drops a matching event until it expires.
CREATE TABLE expected_echoes (
    tenant_id      text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    shop_order_id  text NOT NULL,
    state_id       text NOT NULL,
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, shop_order_id, state_id)
);
CREATE INDEX expected_echoes_expiry ON expected_echoes (expires_at);

-- The relay looks for older undelivered events of one tenant.
CREATE INDEX inbox_undelivered_by_tenant ON inbox (tenant_id, id) WHERE delivered_at IS NULL;
