//! The permission matrix: every dashboard and insight operation, by every
//! kind of actor, through the same server functions the UI calls.

mod support;

use backend::accounts::SignUp;
use backend::meta::NewInvite;
use backend::Backend;
use domain::account::{Email, NewPassword, PersonName};
use domain::dashboard::{DashboardDraft, DashboardId, TileId};
use domain::insight::{InsightDraft, InsightKind};
use domain::organization::{OrganizationName, Role};
use domain::permissions::Restriction;
use domain::project::{ProjectName, TimeZone};
use domain::{OrganizationId, ProjectId, UserId};
use reqwest::{Client, StatusCode};
use serde_json::json;

const PASSWORD: &str = "a long enough password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Creator,
    Admin,
    Collaborator,
    Member,
    MemberWithoutAccess,
    OtherOrganization,
    Anonymous,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    ViewDashboard,
    EditDashboard,
    DeleteDashboard,
    ChangeRestriction,
    AddCollaborator,
    SetPrimary,
    PinDashboard,
    RefreshTile,
    ViewInsight,
    EditInsight,
}

const OK: u16 = 200;
const FORBIDDEN: u16 = 403;
const HIDDEN: u16 = 404;
const LOG_IN: u16 = 401;

/// What each actor gets for each operation, in `Op` order.
fn expected(who: Who) -> [u16; 10] {
    match who {
        Who::Creator | Who::Admin => [OK; 10],
        Who::Collaborator => [OK, OK, OK, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK, OK],
        Who::Member => [
            OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN,
        ],
        Who::MemberWithoutAccess | Who::OtherOrganization => [HIDDEN; 10],
        Who::Anonymous => [LOG_IN; 10],
    }
}

struct World {
    backend: Backend,
    project: ProjectId,
    creator: UserId,
    collaborator: UserId,
    member: UserId,
}

async fn account(backend: &Backend, email: &str) -> (UserId, ProjectId) {
    let (user, project) = backend
        .sign_up(SignUp {
            name: PersonName::parse(email.split('@').next().unwrap()).unwrap(),
            email: Email::parse(email).unwrap(),
            password: NewPassword::parse(PASSWORD).unwrap(),
            organization: OrganizationName::parse(&format!("{email} org")).unwrap(),
            project: ProjectName::parse("Project").unwrap(),
            time_zone: TimeZone::utc(),
        })
        .await
        .unwrap();
    (user.id, project)
}

async fn join(
    backend: &Backend,
    owner: UserId,
    organization: OrganizationId,
    email: &str,
    role: Role,
) -> UserId {
    let invite = backend
        .meta
        .create_invite(
            owner,
            organization,
            NewInvite {
                email: Email::parse(email).unwrap(),
                role,
            },
        )
        .await
        .unwrap();
    let (user, _) = backend
        .accept_invite_with_new_account(
            &invite.token,
            PersonName::parse(email).unwrap(),
            NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap();
    user.id
}

impl World {
    async fn new(backend: Backend) -> Self {
        let (owner, project) = account(&backend, "owner@example.com").await;
        let organization = backend
            .meta
            .project_access(owner, project)
            .await
            .unwrap()
            .organization
            .id;
        join(
            &backend,
            owner,
            organization,
            "admin@example.com",
            Role::Admin,
        )
        .await;
        let creator = join(
            &backend,
            owner,
            organization,
            "creator@example.com",
            Role::Member,
        )
        .await;
        let collaborator = join(
            &backend,
            owner,
            organization,
            "collaborator@example.com",
            Role::Member,
        )
        .await;
        let member = join(
            &backend,
            owner,
            organization,
            "member@example.com",
            Role::Member,
        )
        .await;
        join(
            &backend,
            owner,
            organization,
            "outsider@example.com",
            Role::Member,
        )
        .await;
        account(&backend, "other@example.com").await;
        // Private: everyone but the outsider is listed (admins need no listing).
        backend
            .meta
            .set_project_privacy(owner, project, true, &[creator, collaborator, member])
            .await
            .unwrap();
        World {
            backend,
            project,
            creator,
            collaborator,
            member,
        }
    }

    /// A fresh restricted dashboard by the creator, with the collaborator
    /// invited and an insight of the creator's on it.
    async fn dashboard(&self) -> (DashboardId, TileId, String) {
        let meta = &self.backend.meta;
        let draft = DashboardDraft::parse("Board", "", "").unwrap();
        let id = meta
            .create_dashboard(self.creator, self.project, &draft)
            .await
            .unwrap();
        meta.set_dashboard_restriction(
            self.creator,
            self.project,
            id,
            Restriction::OnlyInvitedCanEdit,
        )
        .await
        .unwrap();
        meta.add_dashboard_collaborator(self.creator, self.project, id, self.collaborator)
            .await
            .unwrap();
        let insight = meta
            .create_insight(
                self.creator,
                self.project,
                &InsightDraft::parse("", "", "", InsightKind::Trends.starter()).unwrap(),
            )
            .await
            .unwrap();
        let tile = meta
            .add_insight_tile(self.creator, self.project, id, &insight.short_id)
            .await
            .unwrap();
        (id, tile, insight.short_id)
    }
}

async fn browser(running: &support::Running, who: Who) -> Client {
    let address = &running.address;
    let client = running.browser();
    let email = match who {
        Who::Creator => "creator@example.com",
        Who::Admin => "admin@example.com",
        Who::Collaborator => "collaborator@example.com",
        Who::Member => "member@example.com",
        Who::MemberWithoutAccess => "outsider@example.com",
        Who::OtherOrganization => "other@example.com",
        Who::Anonymous => return client,
    };
    let response = client
        .post(format!("{address}/api/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{who:?} logs in"
    );
    client
}

async fn perform(client: &Client, address: &str, world: &World, op: Op) -> u16 {
    let (dashboard, tile, short_id) = world.dashboard().await;
    let project = world.project;
    let json_call = |endpoint: &str, body: serde_json::Value| {
        client
            .post(format!("{address}/api/{endpoint}"))
            .header("Accept", "application/json")
            .json(&body)
            .send()
    };
    let change = |change: serde_json::Value| {
        json_call(
            "change_dashboard",
            json!({"project_id": project, "dashboard_id": dashboard, "change": change}),
        )
    };
    let response = match op {
        Op::ViewDashboard => {
            json_call("dashboard", json!({"project_id": project, "dashboard_id": dashboard, "filters": {}})).await
        }
        Op::EditDashboard => change(json!({"Rename": {"name": "Renamed", "description": "", "tags": ""}})).await,
        Op::DeleteDashboard => change(json!("Delete")).await,
        Op::ChangeRestriction => change(json!({"Restrict": {"restriction": "EveryoneCanEdit"}})).await,
        Op::AddCollaborator => change(json!({"AddCollaborator": {"user_id": world.member}})).await,
        Op::SetPrimary => change(json!("MakePrimary")).await,
        Op::PinDashboard => change(json!({"Pin": {"pinned": true}})).await,
        Op::RefreshTile => {
            json_call(
                "tile_result",
                json!({"project_id": project, "dashboard_id": dashboard, "tile_id": tile, "filters": {}, "refresh": true}),
            )
            .await
        }
        Op::ViewInsight => {
            client
                .post(format!("{address}/api/insight_page"))
                .header("Accept", "application/json")
                .form(&[("project_id", project.to_string()), ("short_id", short_id.clone())])
                .send()
                .await
        }
        Op::EditInsight => {
            let seen = world.backend.meta.insight(world.creator, project, &short_id).await.unwrap().last_modified_at;
            client
                .post(format!("{address}/api/save_insight"))
                .header("Accept", "application/json")
                .form(&[
                    ("project_id", project.to_string()),
                    ("short_id", short_id.clone()),
                    ("name", "Changed".into()),
                    ("description", String::new()),
                    ("tags", String::new()),
                    ("query", InsightKind::Funnels.starter().to_json()),
                    ("seen_modified_at", seen.to_rfc3339()),
                ])
                .send()
                .await
        }
    };
    response.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_actor_gets_exactly_the_access_the_rules_give() {
    let running = support::start().await;
    let world = World::new(running.backend.clone()).await;
    let ops = [
        Op::ViewDashboard,
        Op::EditDashboard,
        Op::DeleteDashboard,
        Op::ChangeRestriction,
        Op::AddCollaborator,
        Op::SetPrimary,
        Op::PinDashboard,
        Op::RefreshTile,
        Op::ViewInsight,
        Op::EditInsight,
    ];
    let mut mismatches = Vec::new();
    for who in [
        Who::Creator,
        Who::Admin,
        Who::Collaborator,
        Who::Member,
        Who::MemberWithoutAccess,
        Who::OtherOrganization,
        Who::Anonymous,
    ] {
        let client = browser(&running, who).await;
        for (op, want) in ops.iter().zip(expected(who)) {
            let got = perform(&client, &running.address, &world, *op).await;
            if got != want {
                mismatches.push(format!("{who:?} {op:?}: expected {want}, got {got}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test]
async fn refused_changes_leave_the_dashboard_as_it_was() {
    let running = support::start().await;
    let world = World::new(running.backend.clone()).await;
    let (dashboard, _, _) = world.dashboard().await;
    let client = browser(&running, Who::Member).await;
    let response = client
        .post(format!("{}/api/change_dashboard", running.address))
        .header("Accept", "application/json")
        .json(&json!({"project_id": world.project, "dashboard_id": dashboard, "change": {"Rename": {"name": "Pwned", "description": "", "tags": ""}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response.text().await.unwrap().contains("restricted"),
        "the reason is given"
    );
    let (unchanged, _) = world
        .backend
        .meta
        .dashboard(world.creator, world.project, dashboard)
        .await
        .unwrap();
    assert_eq!(unchanged.name, "Board");
}
