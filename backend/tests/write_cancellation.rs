//! A write cancelled at any await point (a client that went away, a timeout)
//! must never leave a pooled connection inside a transaction: that
//! connection would hold SQLite's write lock for good and every later write
//! would fail with "database is locked".

use domain::dashboard::{DashboardDraft, TileLayout};
use domain::insight::{InsightDraft, InsightKind};
use rand::Rng;
use sqlx::{ConnectOptions, Connection};
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;
use testkit::{fresh, sign_up};

/// Polls `future` until it has returned `Pending` `pendings` times, then
/// drops it: a cancellation at exactly that await point. Returns whether it
/// finished first.
async fn cancel_at<F: Future>(pendings: usize, future: F) -> bool {
    let mut future = pin!(future);
    let mut seen = 0;
    std::future::poll_fn(|cx| match future.as_mut().poll(cx) {
        Poll::Ready(_) => Poll::Ready(true),
        Poll::Pending if seen == pendings => Poll::Ready(false),
        Poll::Pending => {
            seen += 1;
            Poll::Pending
        }
    })
    .await
}

/// Can a connection of its own (as another process would) take the write
/// lock within a second?
async fn outside_writer_gets_the_lock(meta: &backend::meta::MetaStore) -> bool {
    let mut outside = (*meta.sqlite_pool().connect_options())
        .clone()
        .busy_timeout(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    let took = sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut outside)
        .await
        .is_ok();
    if took {
        sqlx::query("ROLLBACK").execute(&mut outside).await.unwrap();
    }
    outside.close().await.unwrap();
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_begin_immediate_cancelled_at_any_point_leaves_the_write_lock_free() {
    let backend = fresh().await;
    let pool = backend.meta.sqlite_pool().clone();
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for round in 0..40 {
                    let at = (task + round) % 6;
                    cancel_at(at, async {
                        let tx = pool.begin_with("BEGIN IMMEDIATE").await;
                        // A finished begin holds the lock a moment longer.
                        tokio::task::yield_now().await;
                        drop(tx);
                    })
                    .await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    assert!(
        outside_writer_gets_the_lock(&backend.meta).await,
        "a pooled connection kept the write lock"
    );
    let ada = sign_up(&backend, "ada@example.com").await;
    for _ in 0..16 {
        let written = tokio::time::timeout(
            Duration::from_secs(1),
            backend.meta.remember_last_project(&ada.scope),
        )
        .await;
        assert!(matches!(written, Ok(Ok(_))), "a write failed: {written:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_writes_cancelled_at_random_points_leave_the_store_writable() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let meta = &backend.meta;
    let draft = DashboardDraft {
        name: "Growth".into(),
        description: String::new(),
        tags: vec![],
    };
    let dashboard = meta.create_dashboard(&ada.scope, &draft).await.unwrap();
    let tile = meta
        .add_text_tile(&ada.scope, dashboard, "notes")
        .await
        .unwrap();
    let insight = InsightDraft::parse("Traffic", "", "", InsightKind::Trends.starter()).unwrap();

    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let (meta, scope) = (meta.clone(), ada.scope.clone());
            let insight = insight.clone();
            tokio::spawn(async move {
                for round in 0..30 {
                    let pendings = rand::thread_rng().gen_range(0..10);
                    let layout = [(
                        tile,
                        TileLayout {
                            x: 0,
                            y: round,
                            w: 4,
                            h: 3,
                        },
                    )];
                    match (task + round as usize) % 4 {
                        0 => {
                            cancel_at(pendings, meta.save_layout(&scope, dashboard, &layout)).await
                        }
                        1 => cancel_at(pendings, meta.create_insight(&scope, &insight)).await,
                        2 => {
                            cancel_at(pendings, meta.add_text_tile(&scope, dashboard, "more")).await
                        }
                        _ => {
                            // Cut by the clock instead of by poll count.
                            let micros = rand::thread_rng().gen_range(0..2_000);
                            tokio::time::timeout(
                                Duration::from_micros(micros),
                                meta.remember_last_project(&scope),
                            )
                            .await
                            .is_ok()
                        }
                    };
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    assert!(
        outside_writer_gets_the_lock(&backend.meta).await,
        "a pooled connection kept the write lock"
    );
    for _ in 0..16 {
        let written = tokio::time::timeout(
            Duration::from_secs(1),
            meta.save_layout(&ada.scope, dashboard, &[]),
        )
        .await;
        assert!(matches!(written, Ok(Ok(()))), "a write failed: {written:?}");
    }
}
