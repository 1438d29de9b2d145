use backend::Error;
use domain::dashboard::{DashboardDraft, TileContent, TileLayout};
use domain::insight::{InsightDraft, InsightKind};
use domain::organization::Role;
use domain::permissions::Restriction;
use testkit::{add_teammate, fresh, sign_up};

#[tokio::test]
async fn a_private_project_disappears_for_members_who_are_not_listed() {
    let backend = fresh().await;
    let owner = sign_up(&backend, "owner@example.com").await;
    let listed = add_teammate(&backend, &owner, "listed@example.com", Role::Member).await;
    let unlisted = add_teammate(&backend, &owner, "unlisted@example.com", Role::Member).await;
    let admin = add_teammate(&backend, &owner, "admin@example.com", Role::Admin).await;

    backend
        .meta
        .set_project_privacy(&owner.scope, true, &[listed.id])
        .await
        .unwrap();
    assert!(backend.meta.scope(listed.id, owner.project).await.is_ok());
    assert!(backend.meta.scope(admin.id, owner.project).await.is_ok());
    assert!(matches!(
        backend.meta.scope(unlisted.id, owner.project).await,
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
            .set_project_privacy(
                &backend.meta.scope(listed.id, owner.project).await.unwrap(),
                false,
                &[]
            )
            .await,
        Err(Error::Forbidden(_))
    ));

    backend
        .meta
        .set_project_privacy(&owner.scope, false, &[])
        .await
        .unwrap();
    assert!(backend.meta.scope(unlisted.id, owner.project).await.is_ok());
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
            &backend.meta.scope(maker.id, owner.project).await.unwrap(),
            &InsightDraft::parse("", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let board = meta
        .create_dashboard(
            &owner.scope,
            &DashboardDraft::parse("Board", "", "").unwrap(),
        )
        .await
        .unwrap();
    meta.add_insight_tile(&owner.scope, board, &insight.short_id)
        .await
        .unwrap();
    // On an open dashboard anyone in the project may change it.
    assert_eq!(
        meta.insight_edit_denied(
            &meta.scope(other.id, owner.project).await.unwrap(),
            &insight
        )
        .await
        .unwrap(),
        None
    );

    meta.set_dashboard_restriction(&owner.scope, board, Restriction::OnlyInvitedCanEdit)
        .await
        .unwrap();
    assert!(meta
        .insight_edit_denied(
            &meta.scope(other.id, owner.project).await.unwrap(),
            &insight
        )
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        meta.insight_edit_denied(
            &meta.scope(maker.id, owner.project).await.unwrap(),
            &insight
        )
        .await
        .unwrap(),
        None
    );
    let draft = InsightDraft::parse("Hijacked", "", "", InsightKind::Funnels.starter()).unwrap();
    let refused = meta
        .update_insight(
            &backend.meta.scope(other.id, owner.project).await.unwrap(),
            &insight.short_id,
            &draft,
            insight.last_modified_at,
        )
        .await;
    assert!(matches!(refused, Err(Error::Forbidden(_))));

    meta.add_dashboard_collaborator(&owner.scope, board, other.id)
        .await
        .unwrap();
    assert_eq!(
        meta.insight_edit_denied(
            &meta.scope(other.id, owner.project).await.unwrap(),
            &insight
        )
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
            &backend.meta.scope(user, project).await.unwrap(),
            &InsightDraft::parse("Traffic", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let board = meta
        .create_dashboard(
            &backend.meta.scope(user, project).await.unwrap(),
            &DashboardDraft::parse("Board", "", "").unwrap(),
        )
        .await
        .unwrap();
    meta.add_insight_tile(
        &backend.meta.scope(user, project).await.unwrap(),
        board,
        &insight.short_id,
    )
    .await
    .unwrap();
    meta.add_text_tile(
        &backend.meta.scope(user, project).await.unwrap(),
        board,
        "**Goals**",
    )
    .await
    .unwrap();
    let tiles = meta
        .tiles(&backend.meta.scope(user, project).await.unwrap(), board)
        .await
        .unwrap();
    assert_eq!(
        tiles[1].layout,
        TileLayout {
            x: 6,
            y: 0,
            w: 6,
            h: 5
        },
        "a new half-width tile goes beside a lone one"
    );

    meta.save_layout(
        &backend.meta.scope(user, project).await.unwrap(),
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
    let moved = meta
        .tiles(&backend.meta.scope(user, project).await.unwrap(), board)
        .await
        .unwrap();
    assert!(moved.iter().any(|t| t.layout
        == TileLayout {
            x: 6,
            y: 0,
            w: 6,
            h: 4
        }));

    // Overlapping places are stored compacted: the lower tile goes below.
    meta.save_layout(
        &backend.meta.scope(user, project).await.unwrap(),
        board,
        &[
            (
                tiles[0].id,
                TileLayout {
                    x: 0,
                    y: 2,
                    w: 6,
                    h: 5,
                },
            ),
            (
                tiles[1].id,
                TileLayout {
                    x: 3,
                    y: 0,
                    w: 6,
                    h: 4,
                },
            ),
        ],
    )
    .await
    .unwrap();
    let compacted = meta
        .tiles(&backend.meta.scope(user, project).await.unwrap(), board)
        .await
        .unwrap();
    let place_of = |id: domain::TileId| {
        compacted
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.layout)
            .unwrap()
    };
    assert_eq!(
        place_of(tiles[1].id),
        TileLayout {
            x: 3,
            y: 0,
            w: 6,
            h: 4
        }
    );
    assert_eq!(
        place_of(tiles[0].id),
        TileLayout {
            x: 0,
            y: 4,
            w: 6,
            h: 5
        }
    );

    let shared = meta
        .duplicate_dashboard(
            &backend.meta.scope(user, project).await.unwrap(),
            board,
            false,
        )
        .await
        .unwrap();
    let copied = meta
        .duplicate_dashboard(
            &backend.meta.scope(user, project).await.unwrap(),
            board,
            true,
        )
        .await
        .unwrap();
    let insight_of = |tiles: Vec<domain::dashboard::Tile>| {
        tiles.into_iter().find_map(|t| match t.content {
            TileContent::Insight(i) => Some(i.short_id),
            TileContent::Text(_) => None,
        })
    };
    assert_eq!(
        insight_of(
            meta.tiles(&backend.meta.scope(user, project).await.unwrap(), shared)
                .await
                .unwrap()
        ),
        Some(insight.short_id.clone())
    );
    assert_ne!(
        insight_of(
            meta.tiles(&backend.meta.scope(user, project).await.unwrap(), copied)
                .await
                .unwrap()
        ),
        Some(insight.short_id.clone())
    );

    meta.set_primary_dashboard(&backend.meta.scope(user, project).await.unwrap(), board)
        .await
        .unwrap();
    meta.delete_dashboard(&backend.meta.scope(user, project).await.unwrap(), board)
        .await
        .unwrap();
    assert!(matches!(
        meta.dashboard(&backend.meta.scope(user, project).await.unwrap(), board)
            .await,
        Err(Error::NotFound)
    ));
    assert_eq!(
        meta.primary_dashboard(&backend.meta.scope(user, project).await.unwrap())
            .await
            .unwrap(),
        None
    );
    meta.restore_dashboard(&backend.meta.scope(user, project).await.unwrap(), board)
        .await
        .unwrap();
    assert_eq!(
        meta.primary_dashboard(&backend.meta.scope(user, project).await.unwrap())
            .await
            .unwrap(),
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
        meta.create_dashboard(
            &backend.meta.scope(user, project).await.unwrap(),
            &DashboardDraft::parse(name, "", "").unwrap(),
        )
        .await
        .unwrap();
    }
    let zebra = meta
        .dashboards(&backend.meta.scope(user, project).await.unwrap())
        .await
        .unwrap()[1]
        .id;
    let first_name = |list: Vec<domain::dashboard::Dashboard>| list[0].name.clone();
    assert_ne!(
        first_name(
            meta.dashboards(&backend.meta.scope(user, project).await.unwrap())
                .await
                .unwrap()
        ),
        "Zebra"
    );

    meta.set_dashboard_pinned(
        &backend.meta.scope(member.id, project).await.unwrap(),
        zebra,
        true,
    )
    .await
    .unwrap();
    let list = meta
        .dashboards(&backend.meta.scope(member.id, project).await.unwrap())
        .await
        .unwrap();
    assert_eq!(first_name(list.clone()), "Zebra");
    assert!(list[0].pinned);

    meta.set_dashboard_restriction(
        &backend.meta.scope(user, project).await.unwrap(),
        zebra,
        Restriction::OnlyInvitedCanEdit,
    )
    .await
    .unwrap();
    assert!(matches!(
        meta.set_dashboard_pinned(
            &backend.meta.scope(member.id, project).await.unwrap(),
            zebra,
            false
        )
        .await,
        Err(Error::Forbidden(_))
    ));
    assert!(
        meta.dashboards(&backend.meta.scope(user, project).await.unwrap())
            .await
            .unwrap()[0]
            .pinned
    );
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
    assert!(new_names(meta.home_activity(&owner.scope).await.unwrap()).is_empty());

    meta.create_insight(
        &backend
            .meta
            .scope(teammate.id, owner.project)
            .await
            .unwrap(),
        &InsightDraft::parse("Churn watch", "", "", InsightKind::Trends.starter()).unwrap(),
    )
    .await
    .unwrap();
    meta.create_insight(
        &owner.scope,
        &InsightDraft::parse("My own", "", "", InsightKind::Trends.starter()).unwrap(),
    )
    .await
    .unwrap();
    for _ in 0..2 {
        assert_eq!(
            new_names(meta.home_activity(&owner.scope).await.unwrap()),
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
            &backend.meta.scope(user, project).await.unwrap(),
            &DashboardDraft::parse("Wall", "", "").unwrap(),
        )
        .await
        .unwrap();
    for n in 0..domain::dashboard::MAX_TILES {
        meta.add_text_tile(
            &backend.meta.scope(user, project).await.unwrap(),
            board,
            &format!("note {n}"),
        )
        .await
        .unwrap();
    }
    let err = meta
        .add_text_tile(
            &backend.meta.scope(user, project).await.unwrap(),
            board,
            "one too many",
        )
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
