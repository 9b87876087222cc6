-- SigV4 access keys. The secret is stored encrypted (AES-GCM under <data-dir>/master.key), never in clear.

CREATE TABLE access_keys (
    id            TEXT PRIMARY KEY,
    tenant        TEXT NOT NULL,
    secret        TEXT NOT NULL,                        -- base64 of nonce || AES-GCM ciphertext and tag
    enabled       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT ''
);
