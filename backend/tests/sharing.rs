use backend::{Backend, Error, SecretKey};
use domain::dashboard::DashboardDraft;
use domain::insight::{InsightDraft, InsightKind};
use domain::organization::Policy;
use domain::organization::Role;
use domain::permissions::Restriction;
use domain::sharing::{ShareRefusal, ShareTarget, SharingOptions};
use testkit::{add_teammate, fresh, sign_up, Account};

async fn dashboard(backend: &Backend, owner: &Account) -> ShareTarget {
    let draft = DashboardDraft::parse("Launch", "", "").unwrap();
    ShareTarget::Dashboard(
        backend
            .meta
            .create_dashboard(&owner.scope, &draft)
            .await
            .unwrap(),
    )
}

async fn turn_on(backend: &Backend, owner: &Account, target: ShareTarget) -> String {
    backend
        .meta
        .set_sharing(&owner.scope, target, true, SharingOptions::default())
        .await
        .unwrap()
        .token
}

fn refused(result: Result<impl std::fmt::Debug, Error>) -> ShareRefusal {
    match result {
        Err(Error::Unshared(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_link_opens_its_dashboard_until_it_is_rotated_or_turned_off() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let target = dashboard(&backend, &owner).await;

    let panel = backend.meta.sharing(&owner.scope, target).await.unwrap();
    assert!(!panel.enabled, "a share starts turned off");
    assert_eq!(
        refused(backend.open_share(&panel.token).await),
        ShareRefusal::NoLongerValid
    );

    let token = turn_on(&backend, &owner, target).await;
    assert_eq!(token, panel.token, "turning it on keeps the link shown");
    let opened = backend.open_share(&token).await.unwrap();
    assert_eq!(opened.target, target);
    assert_eq!(opened.scope.project_id(), owner.project);
    let shown = backend.meta.sharing(&owner.scope, target).await.unwrap();
    assert_eq!(shown.enabled_by.as_deref(), Some("owner"));
    assert!(shown.enabled_at.is_some());

    let rotated = backend
        .meta
        .rotate_share(&owner.scope, target)
        .await
        .unwrap();
    assert_ne!(rotated.token, token);
    assert_eq!(
        refused(backend.open_share(&token).await),
        ShareRefusal::NoLongerValid
    );
    assert!(backend.open_share(&rotated.token).await.is_ok());

    backend
        .meta
        .set_sharing(&owner.scope, target, false, SharingOptions::default())
        .await
        .unwrap();
    assert_eq!(
        refused(backend.open_share(&rotated.token).await),
        ShareRefusal::NoLongerValid
    );
    assert_eq!(
        refused(backend.open_share("made-up").await),
        ShareRefusal::NoLongerValid
    );
}

#[tokio::test]
async fn the_store_keeps_no_token_and_links_follow_the_server_key() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let events = dir.path().join("events.duckdb");
    let key = SecretKey::from_bytes([3; 32]);
    let backend = Backend::open(&url, &events)
        .await
        .unwrap()
        .with_secret_key(key.clone());
    let owner = sign_up(&backend, "owner@example.com").await;
    let target = dashboard(&backend, &owner).await;
    let token = turn_on(&backend, &owner, target).await;

    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT token_seed, token_hash, options FROM shares")
            .fetch_all(backend.meta.sqlite_pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    for column in [&rows[0].0, &rows[0].1, &rows[0].2] {
        assert!(!column.contains(&token), "the token is stored: {column}");
    }
    backend.close().await;

    // The same key after a restart: the same link works.
    let again = Backend::open(&url, &events)
        .await
        .unwrap()
        .with_secret_key(key);
    assert!(again.open_share(&token).await.is_ok());
    again.close().await;
    // Another key: links derived from the old one open nothing.
    let other = Backend::open(&url, &events)
        .await
        .unwrap()
        .with_secret_key(SecretKey::from_bytes([4; 32]));
    assert_eq!(
        refused(other.open_share(&token).await),
        ShareRefusal::NoLongerValid
    );
}

#[tokio::test]
async fn an_organization_that_turns_sharing_off_stops_every_link() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let member = add_teammate(&backend, &owner, "member@example.com", Role::Member).await;
    let target = dashboard(&backend, &owner).await;
    let token = turn_on(&backend, &owner, target).await;

    assert!(matches!(
        backend
            .meta
            .set_policy(member.id, owner.organization, Policy::PublicSharing, false)
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(backend.open_share(&token).await.is_ok());

    backend
        .meta
        .set_policy(
            owner.user.id,
            owner.organization,
            Policy::PublicSharing,
            false,
        )
        .await
        .unwrap();
    assert!(!backend
        .meta
        .policy(member.id, owner.organization, Policy::PublicSharing)
        .await
        .unwrap());
    assert_eq!(
        refused(backend.open_share(&token).await),
        ShareRefusal::SharingDisabled
    );
    // Nor can a new link be turned on meanwhile.
    let other = dashboard(&backend, &owner).await;
    assert!(matches!(
        backend
            .meta
            .set_sharing(&owner.scope, other, true, SharingOptions::default())
            .await,
        Err(Error::Forbidden(_))
    ));

    backend
        .meta
        .set_policy(
            owner.user.id,
            owner.organization,
            Policy::PublicSharing,
            true,
        )
        .await
        .unwrap();
    assert!(backend.open_share(&token).await.is_ok());
}

#[tokio::test]
async fn only_those_who_may_edit_it_share_it() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let member = add_teammate(&backend, &owner, "member@example.com", Role::Member).await;
    let member_scope = backend.meta.scope(member.id, owner.project).await.unwrap();
    let target = dashboard(&backend, &owner).await;
    let ShareTarget::Dashboard(id) = target else {
        unreachable!()
    };
    backend
        .meta
        .set_dashboard_restriction(&owner.scope, id, Restriction::OnlyInvitedCanEdit)
        .await
        .unwrap();
    for result in [
        backend.meta.sharing(&member_scope, target).await,
        backend
            .meta
            .set_sharing(&member_scope, target, true, SharingOptions::default())
            .await,
        backend.meta.rotate_share(&member_scope, target).await,
    ] {
        assert!(matches!(result, Err(Error::Forbidden(_))), "{result:?}");
    }
    // Someone in another organization does not even learn it exists.
    let stranger = sign_up(&backend, "stranger@example.com").await;
    assert!(matches!(
        backend.meta.sharing(&stranger.scope, target).await,
        Err(Error::NotFound)
    ));
}

#[tokio::test]
async fn deleting_what_was_shared_stops_its_link() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let insight = backend
        .meta
        .create_insight(
            &owner.scope,
            &InsightDraft::parse("Sign-ups", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let token = turn_on(&backend, &owner, ShareTarget::Insight(insight.id)).await;
    assert!(backend.open_share(&token).await.is_ok());
    backend
        .meta
        .delete_insight(&owner.scope, &insight.short_id)
        .await
        .unwrap();
    assert_eq!(
        refused(backend.open_share(&token).await),
        ShareRefusal::NoLongerValid
    );

    let board = dashboard(&backend, &owner).await;
    let token = turn_on(&backend, &owner, board).await;
    let ShareTarget::Dashboard(id) = board else {
        unreachable!()
    };
    backend
        .meta
        .delete_dashboard(&owner.scope, id)
        .await
        .unwrap();
    assert_eq!(
        refused(backend.open_share(&token).await),
        ShareRefusal::NoLongerValid
    );
}

#[tokio::test]
async fn a_link_answers_a_limited_number_of_requests_a_minute() {
    let stores = fresh().await;
    let backend = stores.backend.clone().with_share_requests_per_minute(3);
    let owner = sign_up(&backend, "owner@example.com").await;
    let busy = turn_on(&backend, &owner, dashboard(&backend, &owner).await).await;
    let quiet = turn_on(&backend, &owner, dashboard(&backend, &owner).await).await;
    for _ in 0..3 {
        backend.open_share(&busy).await.unwrap();
    }
    assert_eq!(
        refused(backend.open_share(&busy).await),
        ShareRefusal::TooManyRequests
    );
    assert!(
        backend.open_share(&quiet).await.is_ok(),
        "other links are not slowed"
    );
}

#[tokio::test]
async fn origins_that_cannot_be_a_header_are_refused() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let target = dashboard(&backend, &owner).await;
    let options = SharingOptions {
        allowed_origins: vec![
            "https://ok.example".into(),
            "https://x; script-src *".into(),
        ],
        ..Default::default()
    };
    assert!(matches!(
        backend
            .meta
            .set_sharing(&owner.scope, target, true, options)
            .await,
        Err(Error::Invalid(_))
    ));
}
