//! Stopping a DuckDB query that runs too long, or whose asker went away.
//!
//! Queries run on blocking threads, which an async caller cannot cancel: when
//! axum drops a request's future (the client disconnected), the thread would
//! go on scanning. So the future owns a guard holding the connection's
//! interrupt handle, and dropping it interrupts the query.

use duckdb::{Connection, InterruptHandle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The work passed its time limit and was stopped.
#[derive(Debug)]
pub(crate) struct TimedOut;

/// How often an interrupt is repeated until the work ends: DuckDB clears it
/// when the next statement starts, and an insight runs several in a row.
const REPEAT: Duration = Duration::from_millis(10);

/// Runs `work` on `connection` on a blocking thread and stops it with
/// DuckDB's interrupt once `limit` has passed, or as soon as the returned
/// future is dropped. `held` (query slots) is released only when the work
/// has really ended, so stopped queries still count until they do.
pub(crate) async fn run_interruptible<T, H>(
    connection: Connection,
    limit: Duration,
    held: H,
    work: impl FnOnce(&Connection) -> T + Send + 'static,
) -> crate::Result<Result<T, TimedOut>>
where
    T: Send + 'static,
    H: Send + 'static,
{
    let mut guard = StopOnDrop {
        handle: connection.interrupt_handle(),
        finished: Arc::new(AtomicBool::new(false)),
        armed: true,
    };
    let finished = guard.finished.clone();
    let mut task = tokio::task::spawn_blocking(move || {
        let result = work(&connection);
        finished.store(true, Ordering::SeqCst);
        drop(connection);
        drop(held);
        result
    });
    let joined = match tokio::time::timeout(limit, &mut task).await {
        Ok(joined) => Ok(joined),
        Err(_) => loop {
            guard.handle.interrupt();
            if let Ok(joined) = tokio::time::timeout(REPEAT, &mut task).await {
                break Err(joined);
            }
        },
    };
    guard.armed = false;
    match joined {
        Ok(joined) => Ok(Ok(joined?)),
        Err(joined) => {
            joined?;
            Ok(Err(TimedOut))
        }
    }
}

/// Interrupts the query until it ends, unless disarmed first.
struct StopOnDrop {
    handle: Arc<InterruptHandle>,
    finished: Arc<AtomicBool>,
    armed: bool,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        self.handle.interrupt();
        let (handle, finished) = (self.handle.clone(), self.finished.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                while !finished.load(Ordering::SeqCst) {
                    handle.interrupt();
                    tokio::time::sleep(REPEAT).await;
                }
            });
        }
    }
}
