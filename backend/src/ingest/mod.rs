//! The ingestion pipeline: accepted events go through a bounded queue to one
//! writer thread, which resolves persons and appends whole batches to the
//! events store with DuckDB's appender.
//!
//! A request is answered only after its events are committed. When the queue
//! holds too many requests or too many bytes, [`Ingestor::submit`] refuses at
//! once ([`IngestError::Busy`]) so the capture API can ask the SDK to retry,
//! instead of memory growing unbounded.

mod discovery;
mod persons;
mod queue;
pub mod raw;
mod writer;

pub use discovery::Discovered;
pub use queue::{QueueLimits, QUEUE_BYTES, QUEUE_CAPACITY};
pub use raw::{normalize, EventError, NewEvent, RawEvent};

use crate::events::EventsStore;
use crate::Result;
use domain::ProjectId;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Discovery reports that may wait for the metadata store; when it falls
/// behind, the writer folds new findings into the report it could not send.
pub const DISCOVERY_CAPACITY: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("ingestion is busy; retry shortly")]
    Busy,
    #[error("ingestion has stopped")]
    Stopped,
    #[error("events could not be stored: {0}")]
    Store(String),
}

struct Job {
    project: ProjectId,
    events: Vec<NewEvent>,
    done: oneshot::Sender<Result<(), IngestError>>,
    reserved: queue::Reservation,
}

/// The way into the pipeline, cheap to clone.
#[derive(Clone)]
pub struct Ingestor {
    queue: mpsc::Sender<Job>,
    budget: queue::Budget,
    /// Fires when the writer thread has stopped and closed its connection.
    stopped: Arc<Mutex<Option<oneshot::Receiver<()>>>>,
}

impl Ingestor {
    /// Starts the writer thread for `store`. Event names and properties seen
    /// for the first time (or for the first time in a minute) are reported on
    /// `discovered`; the writer never waits for room there.
    pub fn start(
        store: &EventsStore,
        discovered: mpsc::Sender<Discovered>,
        limits: QueueLimits,
    ) -> Result<Self> {
        let (queue, jobs) = mpsc::channel(limits.requests);
        let writer = writer::Writer::new(store.connect()?, discovered, store.versions.clone())?;
        let (exited, stopped) = oneshot::channel();
        std::thread::Builder::new()
            .name("huddle-ingest".into())
            .spawn(move || {
                writer.run(jobs);
                let _ = exited.send(());
            })
            .map_err(|source| crate::Error::Io {
                context: "cannot start the ingestion thread".into(),
                source,
            })?;
        Ok(Self {
            queue,
            budget: queue::Budget::new(limits.bytes),
            stopped: Arc::new(Mutex::new(Some(stopped))),
        })
    }

    /// Stops taking events and waits until everything queued is stored and
    /// the writer has closed its connection (other clones must be gone).
    pub async fn shut_down(self) {
        let stopped = self.stopped.lock().ok().and_then(|mut s| s.take());
        drop(self);
        if let Some(stopped) = stopped {
            let _ = stopped.await;
        }
    }

    /// Stores `events` for `project`, returning once they are committed.
    pub async fn submit(
        &self,
        project: ProjectId,
        events: Vec<NewEvent>,
    ) -> Result<(), IngestError> {
        if events.is_empty() {
            return Ok(());
        }
        let reserved = self.budget.reserve(&events).ok_or(IngestError::Busy)?;
        let (done, committed) = oneshot::channel();
        self.queue
            .try_send(Job {
                project,
                events,
                done,
                reserved,
            })
            .map_err(|err| match err {
                mpsc::error::TrySendError::Full(_) => IngestError::Busy,
                mpsc::error::TrySendError::Closed(_) => IngestError::Stopped,
            })?;
        committed.await.map_err(|_| IngestError::Stopped)?
    }
}
