use backend::Error;
use domain::insight::{
    InsightDraft, InsightKind, InsightListQuery, InsightQuery, InsightTab, PropertyScope,
};
use testkit::{fresh, sign_up};

fn breakdown_query() -> InsightQuery {
    InsightQuery::from_json(
        r#"{"kind":"TrendsQuery","series":[{"kind":"EventsNode","event":"$pageview","math":"dau"}],
            "breakdownFilter":{"breakdown_type":"event","breakdown":"$browser"}}"#,
    )
    .unwrap()
}

#[tokio::test]
async fn a_saved_insight_keeps_its_query_and_gets_an_automatic_name() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let draft = InsightDraft::parse("", "", "growth", breakdown_query()).unwrap();
    let saved = backend
        .meta
        .create_insight(&ada.scope, &draft)
        .await
        .unwrap();
    assert_eq!(saved.short_id.len(), 8);
    assert_eq!(saved.display_name(), "Pageview unique users by Browser");
    assert_eq!(saved.created_by.as_deref(), Some("ada"));
    let read = backend
        .meta
        .insight(&ada.scope, &saved.short_id)
        .await
        .unwrap();
    assert_eq!(read.query, breakdown_query());
    assert_eq!(read.tags, ["growth"]);
}

#[tokio::test]
async fn saving_over_a_newer_edit_is_refused_and_keeps_the_newer_one() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let first = InsightDraft::parse("Traffic", "", "", InsightKind::Trends.starter()).unwrap();
    let saved = backend
        .meta
        .create_insight(&ada.scope, &first)
        .await
        .unwrap();

    let newer = InsightDraft::parse("Traffic by browser", "", "", breakdown_query()).unwrap();
    let updated = backend
        .meta
        .update_insight(&ada.scope, &saved.short_id, &newer, saved.last_modified_at)
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("Traffic by browser"));

    // A second tab still holds the first version.
    let stale = InsightDraft::parse("Old tab", "", "", InsightKind::Funnels.starter()).unwrap();
    let refused = backend
        .meta
        .update_insight(&ada.scope, &saved.short_id, &stale, saved.last_modified_at)
        .await;
    assert!(
        matches!(refused, Err(Error::Conflict(ref m)) if m.contains("ada")),
        "{refused:?}"
    );
    let kept = backend
        .meta
        .insight(&ada.scope, &saved.short_id)
        .await
        .unwrap();
    assert_eq!(kept.name.as_deref(), Some("Traffic by browser"));
}

#[tokio::test]
async fn favorites_views_and_tabs_are_per_person() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = sign_up(&backend, "bob@example.com").await;
    let draft = InsightDraft::parse("", "", "", breakdown_query()).unwrap();
    let insight = backend
        .meta
        .create_insight(&ada.scope, &draft)
        .await
        .unwrap();
    backend
        .meta
        .set_insight_favorite(&ada.scope, &insight.short_id, true)
        .await
        .unwrap();
    backend
        .meta
        .record_insight_view(&ada.scope, insight.id)
        .await
        .unwrap();

    let tab = |tab| InsightListQuery {
        tab,
        ..Default::default()
    };
    let favorites = backend
        .meta
        .insights(&ada.scope, &tab(InsightTab::Favorites))
        .await
        .unwrap();
    assert_eq!(favorites.len(), 1);
    let recent = backend
        .meta
        .insights(&ada.scope, &tab(InsightTab::RecentlyViewed))
        .await
        .unwrap();
    assert!(recent[0].last_viewed_at.is_some());

    // Another organization's member cannot see or star it: they get no
    // scope in the project, and their own scope does not reach it.
    assert!(matches!(
        backend.meta.scope(bob.user.id, ada.project).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        backend.meta.insight(&bob.scope, &insight.short_id).await,
        Err(Error::NotFound)
    ));
    assert!(backend
        .meta
        .set_insight_favorite(&bob.scope, &insight.short_id, true)
        .await
        .is_err());
}

#[tokio::test]
async fn definitions_know_the_insights_that_use_them() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let draft = InsightDraft::parse("", "", "", breakdown_query()).unwrap();
    let insight = backend
        .meta
        .create_insight(&ada.scope, &draft)
        .await
        .unwrap();
    let using = |property, name: &'static str| {
        let (meta, scope) = (backend.meta.clone(), ada.scope.clone());
        async move { meta.insights_using(&scope, property, name).await.unwrap() }
    };
    assert_eq!(using(None, "$pageview").await[0].short_id, insight.short_id);
    assert_eq!(using(Some(PropertyScope::Event), "$browser").await.len(), 1);
    assert!(using(None, "purchase").await.is_empty());

    backend
        .meta
        .delete_insight(&ada.scope, &insight.short_id)
        .await
        .unwrap();
    assert!(using(None, "$pageview").await.is_empty());
}

#[tokio::test]
async fn the_demo_project_starts_with_saved_insights_that_run() {
    let backend = fresh().await;
    let (user, project) = backend::demo::seed_if_empty(&backend)
        .await
        .unwrap()
        .unwrap();
    let insights = backend
        .meta
        .insights(
            &backend.meta.scope(user.id, project).await.unwrap(),
            &InsightListQuery::default(),
        )
        .await
        .unwrap();
    let names: Vec<&str> = insights.iter().map(|i| i.display_name()).collect();
    for expected in [
        "Pageview unique users by Browser",
        "Retention of users who did signed up for the first time and came back to Pageview",
        "Checkout funnel",
        // The starter dashboard's.
        "Page views",
        "Sign-up funnel",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let home = backend
        .meta
        .primary_dashboard(&backend.meta.scope(user.id, project).await.unwrap())
        .await
        .unwrap()
        .expect("a home dashboard");
    assert_eq!(
        backend
            .meta
            .tiles(&backend.meta.scope(user.id, project).await.unwrap(), home)
            .await
            .unwrap()
            .len(),
        4
    );
    for insight in &insights {
        let outcome = backend
            .insight_outcome(
                &backend.meta.scope(user.id, project).await.unwrap(),
                &insight.query,
                false,
            )
            .await
            .unwrap();
        assert!(
            !outcome.result.is_empty(),
            "{} has data",
            insight.display_name()
        );
    }
}
