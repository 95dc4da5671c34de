-- Tenants: one shop + one ledger + settings. Secrets are AES-GCM sealed
-- (internal/secrets) with the tenant id as additional data.
CREATE TABLE tenants (
    id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    name        text NOT NULL DEFAULT '',
    disabled    boolean NOT NULL DEFAULT false,
    settings    jsonb NOT NULL,
    secrets     bytea NOT NULL,
    key_id      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Links: shop id <-> ledger id per kind (customer, product, order, invoice,
-- credit_note, payment ...), with the snapshot of the last sync for
-- three-way merges.
CREATE TABLE links (
    tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind        text NOT NULL,
    shop_id     text NOT NULL,
    ledger_id   text NOT NULL,
    snapshot    jsonb,
    synced_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind, shop_id)
);
CREATE INDEX links_by_ledger ON links (tenant_id, kind, ledger_id);

-- Orders: the uniqueness record that outlives Temporal's retention.
CREATE TABLE orders (
    tenant_id       text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    shop_order_id   text NOT NULL,
    workflow_id     text NOT NULL,
    state           text NOT NULL DEFAULT 'new',
    ledger_doc_id   text,
    ledger_doc_no   text,
    reason          text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, shop_order_id)
);

-- Webhook inbox: every raw event, stored before it is acknowledged.
CREATE TABLE inbox (
    id            bigserial PRIMARY KEY,
    tenant_id     text NOT NULL,
    source        text NOT NULL,
    delivery_key  text NOT NULL,
    topic         text NOT NULL DEFAULT '',
    resource_id   text NOT NULL DEFAULT '',
    headers       jsonb NOT NULL DEFAULT '{}',
    body          bytea NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text,
    UNIQUE (tenant_id, source, delivery_key)
);
CREATE INDEX inbox_undelivered ON inbox (id) WHERE delivered_at IS NULL;

-- Watermarks: where each incremental sync or poller left off.
CREATE TABLE watermarks (
    tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name        text NOT NULL,
    value       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- Audit: every write to a ledger, with our reference and the outcome.
CREATE TABLE audit (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    tenant_id    text NOT NULL,
    workflow_id  text NOT NULL DEFAULT '',
    ledger       text NOT NULL,
    operation    text NOT NULL,
    reference    text NOT NULL DEFAULT '',
    ledger_id    text NOT NULL DEFAULT '',
    request_id   text NOT NULL DEFAULT '',
    outcome      text NOT NULL,
    detail       jsonb
);
CREATE INDEX audit_by_tenant ON audit (tenant_id, at);
CREATE INDEX audit_by_reference ON audit (tenant_id, reference);
