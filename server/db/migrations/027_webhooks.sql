-- 027 webhooks (SPEC §6.5): the webhooks.manage permission, held by Developer; a company's endpoints
-- with their sealed signing secrets; and the delivery outbox, one row per endpoint per event, written
-- in the transaction of the change that caused the event (rule 12's pattern).

INSERT INTO permissions (key) VALUES ('webhooks.manage');

-- The predefined Developer role of every existing company gains it; the member_standing triggers
-- (migration 009) give it to every Developer in this same statement.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'webhooks.manage' FROM roles r WHERE r.key = 'developer'
ON CONFLICT DO NOTHING;

CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (length(url) <= 2000 AND url ~ '^https?://' AND url !~ '[\s]'),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  -- The event types sent to this endpoint; the service checks them against its catalogue.
  events text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 50 AND array_position(events, NULL) IS NULL),
  enabled boolean NOT NULL DEFAULT true,
  -- Why it is disabled: 'manual', or 'failing' when deliveries failed for 3 days (the Admins are mailed).
  disabled_reason text CHECK (disabled_reason IN ('manual', 'failing')),
  -- The signing secret is needed in clear to sign, so it is sealed (AES-256-GCM under MFA_SECRET_KEY,
  -- bound to the endpoint id), never hashed and never returned after its creation or rotation.
  secret_sealed text NOT NULL,
  -- After a rotation the old secret also signs (a second v1) until it expires, 24 hours later.
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (company_id, id),
  CHECK (enabled = (disabled_reason IS NULL)),
  CHECK ((previous_secret_sealed IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE INDEX webhook_endpoints_company_idx ON webhook_endpoints (company_id, created_at);

-- The outbox and the delivery log in one: a row per endpoint per event (a redelivery adds a row for
-- the same event). Rows of one endpoint are delivered in `seq` order: only the oldest pending row of
-- an endpoint may be claimed, so a failing event holds back the later ones (in order per endpoint).
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  company_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  -- The event's id is the payload's `id`, the same in every endpoint's row and in a redelivery.
  event_id uuid NOT NULL,
  event_type text NOT NULL CHECK (event_type ~ '^[a-z_]+\.[a-z_]+$'),
  -- The exact bytes sent and signed.
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  -- A worker that claimed the row holds it until then; another may take it over afterwards.
  locked_until timestamptz,
  -- The last attempt: the answer's status (NULL: no answer), how long it took, its first bytes.
  last_attempt_at timestamptz,
  last_status_code integer,
  last_duration_ms integer CHECK (last_duration_ms >= 0),
  last_response_excerpt text CHECK (length(last_response_excerpt) <= 1024),
  last_error text CHECK (length(last_error) <= 500),
  delivered_at timestamptz,
  -- Set on a row made by a manual redelivery: the delivery it repeats.
  redelivery_of uuid REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
  FOREIGN KEY (company_id, endpoint_id) REFERENCES webhook_endpoints (company_id, id) ON DELETE CASCADE,
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
-- The worker's claim: each endpoint's oldest pending row, due.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (endpoint_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The delivery log of an endpoint, newest first.
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, seq DESC);
