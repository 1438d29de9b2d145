mod support;

use backend::Error;
use domain::dashboard::{DashboardDraft, TileContent, TileLayout};
use domain::insight::{InsightDraft, InsightKind};
use domain::organization::Role;
use domain::permissions::Restriction;
use support::{add_teammate, fresh, sign_up};

#[tokio::test]
async fn a_private_project_disappears_for_members_who_are_not_listed() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let listed = add_teammate(&backend, &owner, "listed@example.com", Role::Member).await;
    let unlisted = add_teammate(&backend, &owner, "unlisted@example.com", Role::Member).await;
    let admin = add_teammate(&backend, &owner, "admin@example.com", Role::Admin).await;

    backend
        .meta
        .set_project_privacy(owner.user.id, owner.project, true, &[listed.id])
        .await
        .unwrap();
    assert!(backend
        .meta
        .project_access(listed.id, owner.project)
        .await
        .is_ok());
    assert!(backend
        .meta
        .project_access(admin.id, owner.project)
        .await
        .is_ok());
    assert!(matches!(
        backend
            .meta
            .project_access(unlisted.id, owner.project)
            .await,
        Err(Error::NotFound)
    ));
    assert!(backend
        .meta
        .projects_for_user(unlisted.id)
        .await
        .unwrap()
        .is_empty());
    // Members cannot change who may use it.
    assert!(matches!(
        backend
            .meta
            .set_project_privacy(listed.id, owner.project, false, &[])
            .await,
        Err(Error::Forbidden(_))
    ));

    backend
        .meta
        .set_project_privacy(owner.user.id, owner.project, false, &[])
        .await
        .unwrap();
    assert!(backend
        .meta
        .project_access(unlisted.id, owner.project)
        .await
        .is_ok());
}

#[tokio::test]
async fn an_insight_on_a_restricted_dashboard_is_edited_only_by_its_creator_and_the_dashboards_editors(
) {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let maker = add_teammate(&backend, &owner, "maker@example.com", Role::Member).await;
    let other = add_teammate(&backend, &owner, "other@example.com", Role::Member).await;
    let meta = &backend.meta;
    let insight = meta
        .create_insight(
            maker.id,
            owner.project,
            &InsightDraft::parse("", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let board = meta
        .create_dashboard(
            owner.user.id,
            owner.project,
            &DashboardDraft::parse("Board", "", "").unwrap(),
        )
        .await
        .unwrap();
    meta.add_insight_tile(owner.user.id, owner.project, board, &insight.short_id)
        .await
        .unwrap();
    // On an open dashboard anyone in the project may change it.
    assert_eq!(
        meta.insight_edit_denied(other.id, owner.project, &insight.short_id)
            .await
            .unwrap(),
        None
    );

    meta.set_dashboard_restriction(
        owner.user.id,
        owner.project,
        board,
        Restriction::OnlyInvitedCanEdit,
    )
    .await
    .unwrap();
    assert!(meta
        .insight_edit_denied(other.id, owner.project, &insight.short_id)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        meta.insight_edit_denied(maker.id, owner.project, &insight.short_id)
            .await
            .unwrap(),
        None
    );
    let draft = InsightDraft::parse("Hijacked", "", "", InsightKind::Funnels.starter()).unwrap();
    let refused = meta
        .update_insight(
            other.id,
            owner.project,
            &insight.short_id,
            &draft,
            insight.last_modified_at,
        )
        .await;
    assert!(matches!(refused, Err(Error::Forbidden(_))));

    meta.add_dashboard_collaborator(owner.user.id, owner.project, board, other.id)
        .await
        .unwrap();
    assert_eq!(
        meta.insight_edit_denied(other.id, owner.project, &insight.short_id)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn duplicating_copies_tiles_and_optionally_the_insights_and_deleting_can_be_undone() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let (user, project) = (owner.user.id, owner.project);
    let meta = &backend.meta;
    let insight = meta
        .create_insight(
            user,
            project,
            &InsightDraft::parse("Traffic", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let board = meta
        .create_dashboard(
            user,
            project,
            &DashboardDraft::parse("Board", "", "").unwrap(),
        )
        .await
        .unwrap();
    meta.add_insight_tile(user, project, board, &insight.short_id)
        .await
        .unwrap();
    meta.add_text_tile(user, project, board, "**Goals**")
        .await
        .unwrap();
    let tiles = meta.tiles(user, project, board).await.unwrap();
    assert_eq!(
        tiles[1].layout.y,
        tiles[0].layout.y + tiles[0].layout.h,
        "new tiles go below"
    );

    meta.save_layout(
        user,
        project,
        board,
        &[(
            tiles[1].id,
            TileLayout {
                x: 6,
                y: 0,
                w: 6,
                h: 4,
            },
        )],
    )
    .await
    .unwrap();
    let moved = meta.tiles(user, project, board).await.unwrap();
    assert!(moved.iter().any(|t| t.layout
        == TileLayout {
            x: 6,
            y: 0,
            w: 6,
            h: 4
        }));

    let shared = meta
        .duplicate_dashboard(user, project, board, false)
        .await
        .unwrap();
    let copied = meta
        .duplicate_dashboard(user, project, board, true)
        .await
        .unwrap();
    let insight_of = |tiles: Vec<domain::dashboard::Tile>| {
        tiles.into_iter().find_map(|t| match t.content {
            TileContent::Insight(i) => Some(i.short_id),
            TileContent::Text(_) => None,
        })
    };
    assert_eq!(
        insight_of(meta.tiles(user, project, shared).await.unwrap()),
        Some(insight.short_id.clone())
    );
    assert_ne!(
        insight_of(meta.tiles(user, project, copied).await.unwrap()),
        Some(insight.short_id.clone())
    );

    meta.set_primary_dashboard(user, project, board)
        .await
        .unwrap();
    meta.delete_dashboard(user, project, board).await.unwrap();
    assert!(matches!(
        meta.dashboard(user, project, board).await,
        Err(Error::NotFound)
    ));
    assert_eq!(meta.primary_dashboard(user, project).await.unwrap(), None);
    meta.restore_dashboard(user, project, board).await.unwrap();
    assert_eq!(
        meta.primary_dashboard(user, project).await.unwrap(),
        Some(board),
        "undo restores the home too"
    );
}

#[tokio::test]
async fn pinned_dashboards_list_first_and_only_editors_pin() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let member = add_teammate(&backend, &owner, "member@example.com", Role::Member).await;
    let (user, project) = (owner.user.id, owner.project);
    let meta = &backend.meta;
    for name in ["Alpha", "Zebra"] {
        meta.create_dashboard(user, project, &DashboardDraft::parse(name, "", "").unwrap())
            .await
            .unwrap();
    }
    let zebra = meta.dashboards(user, project).await.unwrap()[1].id;
    let first_name = |list: Vec<domain::dashboard::Dashboard>| list[0].name.clone();
    assert_ne!(
        first_name(meta.dashboards(user, project).await.unwrap()),
        "Zebra"
    );

    meta.set_dashboard_pinned(member.id, project, zebra, true)
        .await
        .unwrap();
    let list = meta.dashboards(member.id, project).await.unwrap();
    assert_eq!(first_name(list.clone()), "Zebra");
    assert!(list[0].pinned);

    meta.set_dashboard_restriction(user, project, zebra, Restriction::OnlyInvitedCanEdit)
        .await
        .unwrap();
    assert!(matches!(
        meta.set_dashboard_pinned(member.id, project, zebra, false)
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(meta.dashboards(user, project).await.unwrap()[0].pinned);
}

#[tokio::test]
async fn the_home_lists_teammates_changes_for_the_whole_visit() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let teammate = add_teammate(&backend, &owner, "mate@example.com", Role::Member).await;
    let meta = &backend.meta;
    let new_names = |activity: domain::home::HomeActivity| {
        activity
            .new_since
            .into_iter()
            .map(|item| item.name)
            .collect::<Vec<_>>()
    };
    assert!(new_names(
        meta.home_activity(owner.user.id, owner.project)
            .await
            .unwrap()
    )
    .is_empty());

    meta.create_insight(
        teammate.id,
        owner.project,
        &InsightDraft::parse("Churn watch", "", "", InsightKind::Trends.starter()).unwrap(),
    )
    .await
    .unwrap();
    meta.create_insight(
        owner.user.id,
        owner.project,
        &InsightDraft::parse("My own", "", "", InsightKind::Trends.starter()).unwrap(),
    )
    .await
    .unwrap();
    for _ in 0..2 {
        assert_eq!(
            new_names(
                meta.home_activity(owner.user.id, owner.project)
                    .await
                    .unwrap()
            ),
            vec!["Churn watch"],
            "a reload within the visit keeps the list; one's own changes are not news"
        );
    }
}

#[tokio::test]
async fn a_full_dashboard_refuses_another_tile_naming_the_limit() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let (meta, user, project) = (&backend.meta, ada.user.id, ada.project);
    let board = meta
        .create_dashboard(
            user,
            project,
            &DashboardDraft::parse("Wall", "", "").unwrap(),
        )
        .await
        .unwrap();
    for n in 0..domain::dashboard::MAX_TILES {
        meta.add_text_tile(user, project, board, &format!("note {n}"))
            .await
            .unwrap();
    }
    let err = meta
        .add_text_tile(user, project, board, "one too many")
        .await
        .unwrap_err();
    let Error::Invalid(invalid) = err else {
        panic!("not refused as invalid: {err:?}")
    };
    assert_eq!(invalid.field, "tiles");
    assert!(
        invalid.message.contains("at most 100 tiles"),
        "{}",
        invalid.message
    );
}
