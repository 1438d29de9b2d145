-- The chart images of Slack and webhook deliveries: their receivers fetch
-- them from a secret address (stored hashed) until it expires.
CREATE TABLE delivery_images (
    token_hash   TEXT PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES subscription_deliveries (id) ON DELETE CASCADE,
    png          BLOB NOT NULL,
    expires_ms   INTEGER NOT NULL
);
CREATE INDEX delivery_images_expiry ON delivery_images (expires_ms);
CREATE INDEX delivery_images_by_delivery ON delivery_images (delivery_id);
