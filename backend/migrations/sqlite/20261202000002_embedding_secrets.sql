-- A project's embedding secret, for signed embeds: derived from this seed and
-- the server's secret key (see backend/src/tokens.rs); NULL until an admin
-- creates one.
ALTER TABLE projects ADD COLUMN embed_secret_seed TEXT;
