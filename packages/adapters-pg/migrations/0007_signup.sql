-- Tenant signup with hardware authenticators (WebAuthn).

-- One email, one tenant: signup refuses an email that another tenant already uses, whatever its
-- case (the application lower-cases emails; the index makes sure of it on every path).
CREATE UNIQUE INDEX tenants_email_key ON tenants (lower(email));

-- The authenticators a tenant enrolled at signup as the roots of its identity. Binary WebAuthn
-- values (credential id, COSE public key) are kept as unpadded base64url text, the form the
-- WebAuthn JSON uses. A credential id is unique across every tenant: one physical key cannot be
-- the root of two tenants.
CREATE TABLE tenant_root_authenticators (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  credential_id text NOT NULL CHECK (credential_id ~ '^[A-Za-z0-9_-]+$'),
  public_key text NOT NULL CHECK (public_key ~ '^[A-Za-z0-9_-]+$'),
  attestation_format text NOT NULL CHECK (length(attestation_format) BETWEEN 1 AND 32),
  sign_count bigint NOT NULL CHECK (sign_count >= 0),
  friendly_name text NOT NULL CHECK (length(friendly_name) BETWEEN 1 AND 120),
  inserted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT tenant_root_authenticators_credential_id_key UNIQUE (credential_id)
);
SELECT loopctl_protect_tenant_table('tenant_root_authenticators');
GRANT SELECT, INSERT ON tenant_root_authenticators TO loopctl_app;

-- Registration challenges handed out by POST /signup/options. Global (no tenant yet, so no RLS):
-- a row holds only a random challenge and its expiry. Completing a signup deletes its row in the
-- signup's transaction, so a challenge is used once even when several server processes share
-- this database, and a signup that fails leaves it usable.
CREATE TABLE signup_challenges (
  id uuid PRIMARY KEY,
  challenge text NOT NULL CHECK (challenge ~ '^[A-Za-z0-9_-]+$'),
  expires_at timestamptz NOT NULL
);
CREATE INDEX signup_challenges_expiry_idx ON signup_challenges (expires_at);
GRANT SELECT, INSERT, DELETE ON signup_challenges TO loopctl_app;
