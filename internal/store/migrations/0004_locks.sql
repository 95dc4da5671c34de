-- Locks are leases (Store.Lock): a row names its holder and when it
-- expires unless renewed. Session advisory locks ended with the session
-- on a database restart while their holders were still between "not
-- found" and "created" in the ledger, so a second holder could create the
-- same customer or product again; a committed lease outlives the restart.
CREATE TABLE locks (
    name       text PRIMARY KEY,
    holder     text NOT NULL,
    expires_at timestamptz NOT NULL
);
