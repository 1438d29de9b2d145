-- "New since your last visit" counts visits (loads less than 30 minutes
-- apart), not page loads: where the current visit's list starts.
ALTER TABLE project_visits ADD COLUMN new_since_at TEXT;
