use backend::meta::NewInvite;
use backend::Error;
use domain::account::{Email, NewPassword, PersonName};
use domain::organization::Role;
use testkit::{add_teammate, fresh, sign_up, PASSWORD};

#[tokio::test]
async fn an_invited_teammate_joins_with_the_invited_role_and_lands_in_the_first_project() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let invite = backend
        .meta
        .create_invite(
            ada.user.id,
            ada.organization,
            NewInvite {
                email: Email::parse("bob@example.com").unwrap(),
                role: Role::Admin,
            },
        )
        .await
        .unwrap();
    assert!(invite.token.len() >= 22, "at least 128 bits of randomness");

    let details = backend.meta.invite_details(&invite.token).await.unwrap();
    assert_eq!(details.organization_name, "ada@example.com's org");
    assert_eq!(details.invited_by.as_deref(), Some("ada"));

    let (bob, landing) = backend
        .accept_invite_with_new_account(
            &invite.token,
            PersonName::parse("Bob").unwrap(),
            NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap();

    assert_eq!(landing, ada.project);
    assert_eq!(bob.email, "bob@example.com");
    assert_eq!(
        backend
            .meta
            .role_in(bob.id, ada.organization)
            .await
            .unwrap(),
        Some(Role::Admin)
    );
    assert!(backend
        .meta
        .pending_invites(ada.user.id, ada.organization)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_invite_works_only_once() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let invite = backend
        .meta
        .create_invite(
            ada.user.id,
            ada.organization,
            NewInvite {
                email: Email::parse("bob@example.com").unwrap(),
                role: Role::Member,
            },
        )
        .await
        .unwrap();
    backend
        .accept_invite_with_new_account(
            &invite.token,
            PersonName::parse("Bob").unwrap(),
            NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap();

    let second = backend
        .accept_invite_with_new_account(
            &invite.token,
            PersonName::parse("Mallory").unwrap(),
            NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap_err();

    assert!(
        matches!(&second, Error::Conflict(message) if message.contains("already been used")),
        "{second:?}"
    );
}

#[tokio::test]
async fn an_invite_expires_after_three_days() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let invite = backend
        .meta
        .create_invite(
            ada.user.id,
            ada.organization,
            NewInvite {
                email: Email::parse("bob@example.com").unwrap(),
                role: Role::Member,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        invite.invite.expires_at - invite.invite.created_at,
        chrono::Duration::days(3)
    );
    // Let three days pass.
    sqlx::query("UPDATE invites SET expires_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::seconds(1))
        .bind(invite.invite.id)
        .execute(backend.meta.sqlite_pool())
        .await
        .unwrap();

    let result = backend
        .accept_invite_with_new_account(
            &invite.token,
            PersonName::parse("Bob").unwrap(),
            NewPassword::parse(PASSWORD).unwrap(),
        )
        .await;

    assert!(
        matches!(&result, Err(Error::Conflict(message)) if message.contains("expired")),
        "{result:?}"
    );
    assert!(backend
        .meta
        .pending_invites(ada.user.id, ada.organization)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_revoked_invite_cannot_be_accepted() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let invite = backend
        .meta
        .create_invite(
            ada.user.id,
            ada.organization,
            NewInvite {
                email: Email::parse("bob@example.com").unwrap(),
                role: Role::Member,
            },
        )
        .await
        .unwrap();

    backend
        .meta
        .revoke_invite(ada.user.id, ada.organization, invite.invite.id)
        .await
        .unwrap();

    let details = backend.meta.invite_details(&invite.token).await.unwrap();
    assert_eq!(details.status, domain::invite::InviteStatus::Revoked);
}

#[tokio::test]
async fn an_existing_user_accepts_only_an_invite_addressed_to_them() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = sign_up(&backend, "bob@example.com").await;
    let eve = sign_up(&backend, "eve@example.com").await;
    let invite = backend
        .meta
        .create_invite(
            ada.user.id,
            ada.organization,
            NewInvite {
                email: Email::parse("bob@example.com").unwrap(),
                role: Role::Member,
            },
        )
        .await
        .unwrap();

    let by_eve = backend
        .meta
        .accept_invite_as(&invite.token, &eve.user)
        .await;
    let by_bob = backend
        .meta
        .accept_invite_as(&invite.token, &bob.user)
        .await;

    assert!(matches!(by_eve, Err(Error::Forbidden(_))));
    assert_eq!(by_bob.unwrap(), ada.project);
    let projects = backend.meta.projects_for_user(bob.user.id).await.unwrap();
    assert_eq!(
        projects.len(),
        2,
        "bob keeps his own project and gains ada's"
    );
}

#[tokio::test]
async fn members_cannot_invite_and_admins_cannot_invite_owners() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let member = add_teammate(&backend, &ada, "mem@example.com", Role::Member).await;
    let admin = add_teammate(&backend, &ada, "adm@example.com", Role::Admin).await;
    let invite = |actor, role| {
        backend.meta.create_invite(
            actor,
            ada.organization,
            NewInvite {
                email: Email::parse("new@example.com").unwrap(),
                role,
            },
        )
    };

    assert!(matches!(
        invite(member.id, Role::Member).await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        invite(admin.id, Role::Owner).await,
        Err(Error::Forbidden(_))
    ));
    assert!(invite(admin.id, Role::Member).await.is_ok());
}

#[tokio::test]
async fn owners_and_admins_change_roles_within_the_rules() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = add_teammate(&backend, &ada, "bob@example.com", Role::Member).await;
    let cat = add_teammate(&backend, &ada, "cat@example.com", Role::Member).await;
    let org = ada.organization;

    backend
        .meta
        .change_role(ada.user.id, org, bob.id, Role::Admin)
        .await
        .unwrap();
    assert_eq!(
        backend.meta.role_in(bob.id, org).await.unwrap(),
        Some(Role::Admin)
    );

    // An admin manages members, but cannot create owners.
    backend
        .meta
        .change_role(bob.id, org, cat.id, Role::Admin)
        .await
        .unwrap();
    assert!(matches!(
        backend
            .meta
            .change_role(bob.id, org, cat.id, Role::Owner)
            .await,
        Err(Error::Forbidden(_))
    ));
    // A member cannot change anyone.
    backend
        .meta
        .change_role(ada.user.id, org, cat.id, Role::Member)
        .await
        .unwrap();
    assert!(matches!(
        backend
            .meta
            .change_role(cat.id, org, bob.id, Role::Member)
            .await,
        Err(Error::Forbidden(_))
    ));
    assert_eq!(
        backend.meta.role_in(bob.id, org).await.unwrap(),
        Some(Role::Admin)
    );
}

#[tokio::test]
async fn the_last_owner_can_be_neither_demoted_nor_removed() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = add_teammate(&backend, &ada, "bob@example.com", Role::Member).await;
    let org = ada.organization;

    let demote = backend
        .meta
        .change_role(ada.user.id, org, ada.user.id, Role::Admin)
        .await;
    let remove = backend
        .meta
        .remove_member(ada.user.id, org, ada.user.id)
        .await;
    assert!(
        matches!(&demote, Err(Error::Forbidden(m)) if m.contains("at least one owner")),
        "{demote:?}"
    );
    assert!(matches!(remove, Err(Error::Forbidden(_))));

    // With a second owner, the first may step down.
    backend
        .meta
        .change_role(ada.user.id, org, bob.id, Role::Owner)
        .await
        .unwrap();
    backend
        .meta
        .change_role(ada.user.id, org, ada.user.id, Role::Admin)
        .await
        .unwrap();
    assert_eq!(
        backend.meta.role_in(ada.user.id, org).await.unwrap(),
        Some(Role::Admin)
    );
}

#[tokio::test]
async fn a_removed_member_loses_access_to_the_organizations_projects() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = add_teammate(&backend, &ada, "bob@example.com", Role::Member).await;
    assert!(backend.meta.scope(bob.id, ada.project).await.is_ok());

    backend
        .meta
        .remove_member(ada.user.id, ada.organization, bob.id)
        .await
        .unwrap();

    assert!(matches!(
        backend.meta.scope(bob.id, ada.project).await,
        Err(Error::NotFound)
    ));
    assert_eq!(backend.meta.default_project(bob.id).await.unwrap(), None);
}

#[tokio::test]
async fn projects_of_another_organization_are_invisible() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let eve = sign_up(&backend, "eve@example.com").await;

    assert!(matches!(
        backend.meta.scope(eve.user.id, ada.project).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        backend.meta.members(eve.user.id, ada.organization).await,
        Err(Error::NotFound)
    ));
    let name = domain::project::ProjectName::parse("Sneaky").unwrap();
    let created = backend
        .meta
        .create_project(
            eve.user.id,
            ada.organization,
            &name,
            &domain::project::TimeZone::utc(),
        )
        .await;
    assert!(matches!(created, Err(Error::NotFound)));
}

#[tokio::test]
async fn the_store_keeps_no_invite_token_only_its_digest() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let invite = backend
        .meta
        .create_invite(
            ada.user.id,
            ada.organization,
            NewInvite {
                email: Email::parse("bob@example.com").unwrap(),
                role: Role::Member,
            },
        )
        .await
        .unwrap();

    // A copy of the database files holds nothing that opens the link.
    let pool = backend.meta.sqlite_pool();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
        .unwrap();
    let (_, _, file): (i64, String, String) = sqlx::query_as("PRAGMA database_list")
        .fetch_one(pool)
        .await
        .unwrap();
    for path in [file.clone(), format!("{file}-wal")] {
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(
            !bytes
                .windows(invite.token.len())
                .any(|window| window == invite.token.as_bytes()),
            "{path} holds the token"
        );
    }
    let pending = backend
        .meta
        .pending_invites(ada.user.id, ada.organization)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert!(!format!("{pending:?}").contains(&invite.token));
    // The link itself still works.
    let details = backend.meta.invite_details(&invite.token).await.unwrap();
    assert_eq!(details.email, "bob@example.com");
}
