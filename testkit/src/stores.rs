use backend::Backend;

/// A backend on fresh, migrated SQLite and DuckDB files of its own.
pub struct TestBackend {
    pub backend: Backend,
    // Dropped last: deletes the files.
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestBackend {
    type Target = Backend;
    fn deref(&self) -> &Backend {
        &self.backend
    }
}

pub async fn fresh() -> TestBackend {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let backend = Backend::open(&url, &dir.path().join("events.duckdb"))
        .await
        .unwrap();
    TestBackend { backend, _dir: dir }
}
