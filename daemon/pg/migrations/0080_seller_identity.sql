-- A seller's identity and the generation of its refresh token (jobs/sellers, docs/sellers.md).
-- partner_id: Amazon's selling partner id, given at connect; unique, so connecting a known seller
-- again replaces its token instead of adding a second seller (NULL: connected without one).
-- token_generation: bumped whenever the token is replaced or deleted (connect again,
-- reauthorize, disconnect); a running sync stops between pages when it changes.
ALTER TABLE sellers ADD COLUMN partner_id text UNIQUE;
ALTER TABLE sellers ADD COLUMN token_generation bigint NOT NULL DEFAULT 1;
