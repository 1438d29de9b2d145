//! The permission matrix, complete by construction: every server function the
//! app registers has a row here (the test fails on one without), and each row
//! runs over HTTP, as the UI calls it, for every kind of actor.

use backend::accounts::SignUp;
use backend::meta::{CreatedInvite, NewInvite};
use backend::Backend;
use domain::account::{Email, NewPassword, PersonName};
use domain::dashboard::{DashboardDraft, DashboardId, TileId};
use domain::insight::{InsightDraft, InsightKind};
use domain::organization::{OrganizationName, Role};
use domain::permissions::Restriction;
use domain::project::{ProjectName, TimeZone};
use domain::{OrganizationId, ProjectId, UserId};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const PASSWORD: &str = "a long enough password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    OtherOrganization,
    MemberWithoutAccess,
    Member,
    Collaborator,
    Creator,
    Admin,
    Owner,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::OtherOrganization,
    Who::MemberWithoutAccess,
    Who::Member,
    Who::Collaborator,
    Who::Creator,
    Who::Admin,
    Who::Owner,
];

impl Who {
    fn email(self) -> Option<&'static str> {
        Some(match self {
            Who::Anonymous => return None,
            Who::OtherOrganization => "other@example.com",
            Who::MemberWithoutAccess => "outsider@example.com",
            Who::Member => "member@example.com",
            Who::Collaborator => "collaborator@example.com",
            Who::Creator => "creator@example.com",
            Who::Admin => "admin@example.com",
            Who::Owner => "owner@example.com",
        })
    }

    /// Members of the project's organization who may use the (private) project.
    fn in_project(self) -> bool {
        matches!(
            self,
            Who::Member | Who::Collaborator | Who::Creator | Who::Admin | Who::Owner
        )
    }

    fn manages_organization(self) -> bool {
        matches!(self, Who::Admin | Who::Owner)
    }
}

const OK: u16 = 200;
const FORBIDDEN: u16 = 403;
const HIDDEN: u16 = 404;
const LOG_IN: u16 = 401;

/// Who may do an operation, and what everyone else gets.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, logged in or not.
    Public,
    /// Anyone logged in.
    SignedIn,
    /// Anyone who may use the project; it does not exist for anyone else.
    UsesProject,
    /// Owners and admins of the project's organization; other project users
    /// are refused, everyone else does not see the project.
    ManagesProject,
    /// Owners and admins of the organization; its other members are refused,
    /// and it does not exist for anyone else.
    ManagesOrganization,
    /// Editing the creator's restricted dashboard: its creator, its
    /// collaborator, owners and admins.
    EditsRestrictedDashboard,
    /// Changing who may edit it: the creator, owners and admins.
    ManagesRestrictedDashboard,
    /// Any member of the organization, whatever their access to the project;
    /// it does not exist for anyone else.
    InOrganization,
    /// Accepting an invite addressed to someone else: only a logged-in
    /// person can try, and is refused because the address does not match.
    AcceptsOthersInvite,
}

impl Rule {
    fn expected(self, who: Who) -> u16 {
        let in_org = who != Who::OtherOrganization;
        match self {
            Rule::Public => OK,
            _ if who == Who::Anonymous => LOG_IN,
            Rule::SignedIn => OK,
            Rule::UsesProject if who.in_project() => OK,
            Rule::UsesProject => HIDDEN,
            Rule::ManagesProject if who.manages_organization() => OK,
            Rule::ManagesProject if who.in_project() => FORBIDDEN,
            Rule::ManagesProject => HIDDEN,
            Rule::ManagesOrganization if who.manages_organization() => OK,
            Rule::ManagesOrganization if in_org => FORBIDDEN,
            Rule::ManagesOrganization => HIDDEN,
            Rule::InOrganization if in_org => OK,
            Rule::InOrganization => HIDDEN,
            Rule::EditsRestrictedDashboard | Rule::ManagesRestrictedDashboard
                if !who.in_project() =>
            {
                HIDDEN
            }
            Rule::EditsRestrictedDashboard if who == Who::Member => FORBIDDEN,
            Rule::EditsRestrictedDashboard => OK,
            Rule::ManagesRestrictedDashboard if matches!(who, Who::Member | Who::Collaborator) => {
                FORBIDDEN
            }
            Rule::ManagesRestrictedDashboard => OK,
            Rule::AcceptsOthersInvite => FORBIDDEN,
        }
    }
}

/// Every operation of the matrix: a server function endpoint, what is sent to
/// it, and the rule it follows. Endpoints with several operations (the
/// dashboard changes) have a row per operation.
#[derive(Debug, Clone, Copy)]
enum Op {
    Navigation,
    NewProjectOptions,
    CreateProject,
    ProjectContext,
    UpdateProject,
    ProjectPrivacy,
    SetProjectPrivacy,
    Home,
    Login,
    Signup,
    Logout,
    LatestEvents,
    AnnotateDefinition,
    EventDefinitions,
    EventDefinition,
    PropertyDefinitions,
    Persons,
    Person,
    Dashboards,
    CreateDashboard,
    ViewDashboard,
    RefreshTile,
    RenameDashboard,
    LayOutDashboard,
    AddInsightTile,
    AddTextTile,
    RemoveTile,
    DeleteDashboard,
    ChangeRestriction,
    AddCollaborator,
    RemoveCollaborator,
    MakePrimary,
    PinDashboard,
    DuplicateDashboard,
    ViewInvite,
    AcceptInviteWithNewAccount,
    AcceptInvite,
    ProjectMembers,
    OrganizationSettings,
    ChangeRole,
    RemoveMember,
    CreateInvite,
    RevokeInvite,
    InsightTaxonomy,
    PropertyValues,
    RunInsight,
    ViewInsight,
    OpenInsightEditor,
    EditInsight,
    SaveNewInsight,
    FavoriteInsight,
    Insights,
    ShareDashboardPanel,
    ShareDashboard,
    RotateInsightShare,
    OrganizationPolicy,
    SetOrganizationPolicy,
    ViewShared,
    RefreshSharedTile,
    ViewSignedEmbed,
    RefreshSignedTile,
    EmbedSecretStatus,
    RotateEmbedSecret,
    ForgotPassword,
    ResetAccount,
    ResetPassword,
    Outbox,
    OutboxMail,
    LoadSubscriptions,
    Subscribe,
    UpdateSubscription,
    DeleteSubscription,
    TestSubscription,
    Unsubscribe,
}

const OPS: [Op; 74] = [
    Op::Navigation,
    Op::NewProjectOptions,
    Op::CreateProject,
    Op::ProjectContext,
    Op::UpdateProject,
    Op::ProjectPrivacy,
    Op::SetProjectPrivacy,
    Op::Home,
    Op::Login,
    Op::Signup,
    Op::Logout,
    Op::LatestEvents,
    Op::AnnotateDefinition,
    Op::EventDefinitions,
    Op::EventDefinition,
    Op::PropertyDefinitions,
    Op::Persons,
    Op::Person,
    Op::Dashboards,
    Op::CreateDashboard,
    Op::ViewDashboard,
    Op::RefreshTile,
    Op::RenameDashboard,
    Op::LayOutDashboard,
    Op::AddInsightTile,
    Op::AddTextTile,
    Op::RemoveTile,
    Op::DeleteDashboard,
    Op::ChangeRestriction,
    Op::AddCollaborator,
    Op::RemoveCollaborator,
    Op::MakePrimary,
    Op::PinDashboard,
    Op::DuplicateDashboard,
    Op::ViewInvite,
    Op::AcceptInviteWithNewAccount,
    Op::AcceptInvite,
    Op::ProjectMembers,
    Op::OrganizationSettings,
    Op::ChangeRole,
    Op::RemoveMember,
    Op::CreateInvite,
    Op::RevokeInvite,
    Op::InsightTaxonomy,
    Op::PropertyValues,
    Op::RunInsight,
    Op::ViewInsight,
    Op::OpenInsightEditor,
    Op::EditInsight,
    Op::SaveNewInsight,
    Op::FavoriteInsight,
    Op::Insights,
    Op::ShareDashboardPanel,
    Op::ShareDashboard,
    Op::RotateInsightShare,
    Op::OrganizationPolicy,
    Op::SetOrganizationPolicy,
    Op::ViewShared,
    Op::RefreshSharedTile,
    Op::ViewSignedEmbed,
    Op::RefreshSignedTile,
    Op::EmbedSecretStatus,
    Op::RotateEmbedSecret,
    Op::ForgotPassword,
    Op::ResetAccount,
    Op::ResetPassword,
    Op::Outbox,
    Op::OutboxMail,
    Op::LoadSubscriptions,
    Op::Subscribe,
    Op::UpdateSubscription,
    Op::DeleteSubscription,
    Op::TestSubscription,
    Op::Unsubscribe,
];

impl Op {
    fn endpoint(self) -> &'static str {
        match self {
            Op::Navigation => "navigation",
            Op::NewProjectOptions => "new_project_options",
            Op::CreateProject => "create_project",
            Op::ProjectContext => "project_context",
            Op::UpdateProject => "update_project",
            Op::ProjectPrivacy => "project_privacy",
            Op::SetProjectPrivacy => "set_project_privacy",
            Op::Home => "home",
            Op::Login => "login",
            Op::Signup => "signup",
            Op::Logout => "logout",
            Op::LatestEvents => "latest_events",
            Op::AnnotateDefinition => "annotate_definition",
            Op::EventDefinitions => "event_definitions",
            Op::EventDefinition => "event_definition",
            Op::PropertyDefinitions => "property_definitions",
            Op::Persons => "persons",
            Op::Person => "person",
            Op::Dashboards => "dashboards",
            Op::CreateDashboard => "create_dashboard",
            Op::ViewDashboard => "dashboard",
            Op::RefreshTile => "tile_result",
            Op::RenameDashboard
            | Op::LayOutDashboard
            | Op::AddInsightTile
            | Op::AddTextTile
            | Op::RemoveTile
            | Op::DeleteDashboard
            | Op::ChangeRestriction
            | Op::AddCollaborator
            | Op::RemoveCollaborator
            | Op::MakePrimary
            | Op::PinDashboard => "change_dashboard",
            Op::DuplicateDashboard => "duplicate_dashboard",
            Op::ViewInvite => "invite",
            Op::AcceptInviteWithNewAccount => "accept_invite_new",
            Op::AcceptInvite => "accept_invite",
            Op::ProjectMembers => "project_members",
            Op::OrganizationSettings => "organization_settings",
            Op::ChangeRole => "change_role",
            Op::RemoveMember => "remove_member",
            Op::CreateInvite => "create_invite",
            Op::RevokeInvite => "revoke_invite",
            Op::InsightTaxonomy => "insight_taxonomy",
            Op::PropertyValues => "property_values",
            Op::RunInsight => "run_insight",
            Op::ViewInsight => "insight_page",
            Op::OpenInsightEditor => "saved_insight",
            Op::EditInsight | Op::SaveNewInsight => "save_insight",
            Op::FavoriteInsight => "favorite_insight",
            Op::Insights => "insights",
            Op::ShareDashboardPanel => "sharing",
            Op::ShareDashboard => "set_sharing",
            Op::RotateInsightShare => "rotate_share",
            Op::OrganizationPolicy => "organization_policy",
            Op::SetOrganizationPolicy => "set_organization_policy",
            Op::ViewShared => "shared",
            Op::RefreshSharedTile => "shared_tile",
            Op::ViewSignedEmbed => "signed_embed",
            Op::RefreshSignedTile => "signed_tile",
            Op::EmbedSecretStatus => "embed_secret",
            Op::RotateEmbedSecret => "rotate_embed_secret",
            Op::ForgotPassword => "forgot_password",
            Op::ResetAccount => "reset_account",
            Op::ResetPassword => "reset_password",
            Op::Outbox => "outbox",
            Op::OutboxMail => "outbox_mail",
            Op::LoadSubscriptions => "subscriptions",
            Op::Subscribe => "subscribe",
            Op::UpdateSubscription => "update_subscription",
            Op::DeleteSubscription => "delete_subscription",
            Op::TestSubscription => "test_subscription",
            Op::Unsubscribe => "unsubscribe",
        }
    }

    fn rule(self) -> Rule {
        match self {
            Op::Login
            | Op::Signup
            | Op::Logout
            | Op::ViewInvite
            | Op::AcceptInviteWithNewAccount
            | Op::ViewShared
            | Op::RefreshSharedTile
            | Op::ViewSignedEmbed
            | Op::RefreshSignedTile
            | Op::ForgotPassword
            | Op::ResetAccount
            | Op::ResetPassword
            | Op::Unsubscribe => Rule::Public,
            Op::OrganizationPolicy => Rule::InOrganization,
            Op::Navigation | Op::NewProjectOptions | Op::OrganizationSettings => Rule::SignedIn,
            Op::AcceptInvite => Rule::AcceptsOthersInvite,
            Op::ProjectPrivacy => Rule::UsesProject,
            Op::CreateProject
            | Op::ChangeRole
            | Op::RemoveMember
            | Op::CreateInvite
            | Op::RevokeInvite
            | Op::SetOrganizationPolicy
            | Op::Outbox
            | Op::OutboxMail => Rule::ManagesOrganization,
            Op::UpdateProject
            | Op::SetProjectPrivacy
            | Op::EmbedSecretStatus
            | Op::RotateEmbedSecret => Rule::ManagesProject,
            Op::RenameDashboard
            | Op::LayOutDashboard
            | Op::AddInsightTile
            | Op::AddTextTile
            | Op::RemoveTile
            | Op::DeleteDashboard
            | Op::MakePrimary
            | Op::PinDashboard
            | Op::EditInsight
            | Op::ShareDashboardPanel
            | Op::ShareDashboard
            | Op::RotateInsightShare => Rule::EditsRestrictedDashboard,
            Op::ChangeRestriction | Op::AddCollaborator | Op::RemoveCollaborator => {
                Rule::ManagesRestrictedDashboard
            }
            Op::ProjectContext
            | Op::Home
            | Op::LatestEvents
            | Op::AnnotateDefinition
            | Op::EventDefinitions
            | Op::EventDefinition
            | Op::PropertyDefinitions
            | Op::Persons
            | Op::Person
            | Op::Dashboards
            | Op::CreateDashboard
            | Op::ViewDashboard
            | Op::RefreshTile
            | Op::DuplicateDashboard
            | Op::ProjectMembers
            | Op::InsightTaxonomy
            | Op::PropertyValues
            | Op::RunInsight
            | Op::ViewInsight
            | Op::OpenInsightEditor
            | Op::SaveNewInsight
            | Op::FavoriteInsight
            | Op::Insights
            | Op::LoadSubscriptions
            | Op::Subscribe
            | Op::UpdateSubscription
            | Op::DeleteSubscription
            | Op::TestSubscription => Rule::UsesProject,
        }
    }
}

/// The organization everything happens in: an owner, an admin, the
/// dashboard's creator and collaborator, a plain member, a member left out
/// of the private project, and someone from another organization.
struct World {
    backend: Backend,
    address: String,
    organization: OrganizationId,
    project: ProjectId,
    owner: UserId,
    creator: UserId,
    collaborator: UserId,
    member: UserId,
    person: String,
    definition: domain::DefinitionId,
    fresh: AtomicUsize,
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

impl World {
    async fn new(running: &testkit::Running) -> Self {
        let backend = running.backend.clone();
        let (owner, project) = account(&backend, "owner@example.com").await;
        let access = backend.meta.scope(owner, project).await.unwrap();
        let organization = access.organization().id;
        let mut world = World {
            backend: backend.clone(),
            address: running.address.clone(),
            organization,
            project,
            owner,
            creator: owner,
            collaborator: owner,
            member: owner,
            person: String::new(),
            definition: domain::DefinitionId::default(),
            fresh: AtomicUsize::new(0),
        };
        world.join("admin@example.com", Role::Admin).await;
        world.creator = world.join("creator@example.com", Role::Member).await;
        world.collaborator = world.join("collaborator@example.com", Role::Member).await;
        world.member = world.join("member@example.com", Role::Member).await;
        world.join("outsider@example.com", Role::Member).await;
        account(&backend, "other@example.com").await;
        // Private: everyone but the outsider is listed (admins need no listing).
        backend
            .meta
            .set_project_privacy(
                &backend.meta.scope(owner, project).await.unwrap(),
                true,
                &[world.creator, world.collaborator, world.member],
            )
            .await
            .unwrap();
        (world.person, world.definition) =
            world.capture_one_event(&access.project().api_token).await;
        world
    }

    async fn join(&self, email: &str, role: Role) -> UserId {
        let invite = self.invite(email, role).await;
        let (user, _) = self
            .backend
            .accept_invite_with_new_account(
                &invite.token,
                PersonName::parse(email).unwrap(),
                NewPassword::parse(PASSWORD).unwrap(),
            )
            .await
            .unwrap();
        user.id
    }

    async fn invite(&self, email: &str, role: Role) -> CreatedInvite {
        self.backend
            .meta
            .create_invite(
                self.owner,
                self.organization,
                NewInvite {
                    email: Email::parse(email).unwrap(),
                    role,
                },
            )
            .await
            .unwrap()
    }

    /// The token of a reset link mailed to a new account of its own (read
    /// from the queued mail, as its recipient would).
    async fn reset_token(&self, n: usize) -> String {
        let email = format!("resetter{n}@example.com");
        account(&self.backend, &email).await;
        // A client of its own, so the matrix's own requests stay unthrottled.
        let client = std::net::IpAddr::from([10, 0, (n / 250) as u8, (n % 250) as u8]);
        self.backend
            .request_password_reset(&email, client)
            .await
            .unwrap();
        let mail: Vec<u8> = sqlx::query_scalar(
            "SELECT message FROM mails WHERE recipient = $1 AND purpose = 'password_reset'",
        )
        .bind(&email)
        .fetch_one(self.backend.meta.sqlite_pool())
        .await
        .unwrap();
        testkit::mail::link_token(&mail, "/reset-password/")
    }

    /// The id of the organization's mail for a new invite.
    async fn invite_mail(&self, n: usize) -> i64 {
        self.backend
            .create_invite(
                self.owner,
                self.organization,
                NewInvite {
                    email: Email::parse(&format!("mailed{n}@example.com")).unwrap(),
                    role: Role::Member,
                },
            )
            .await
            .unwrap();
        sqlx::query_scalar("SELECT MAX(id) FROM mails WHERE organization_id = $1")
            .bind(self.organization)
            .fetch_one(self.backend.meta.sqlite_pool())
            .await
            .unwrap()
    }

    /// A number no other call has had, for names and addresses.
    fn fresh(&self) -> usize {
        self.fresh.fetch_add(1, Ordering::Relaxed)
    }

    /// Sends one event through the capture API and waits for its person and
    /// its event definition.
    async fn capture_one_event(&self, token: &str) -> (String, domain::DefinitionId) {
        let response = Client::new()
            .post(format!("{}/batch", self.address))
            .json(&json!({"api_key": token, "batch": [
                {"event": "$pageview", "distinct_id": "visitor", "properties": {"$browser": "Firefox", "$set": {"email": "v@example.com"}}}
            ]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        for _ in 0..100 {
            let persons = self
                .backend
                .events
                .persons(
                    &self
                        .backend
                        .meta
                        .scope(self.owner, self.project)
                        .await
                        .unwrap(),
                    None,
                    None,
                    10,
                )
                .await
                .unwrap()
                .items;
            let definitions = self
                .backend
                .meta
                .event_definitions(
                    &self
                        .backend
                        .meta
                        .scope(self.owner, self.project)
                        .await
                        .unwrap(),
                )
                .await
                .unwrap();
            if let (Some(person), Some(definition)) = (persons.first(), definitions.first()) {
                return (person.id.to_string(), definition.id);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the captured event never showed up");
    }

    /// A fresh restricted dashboard by the creator, with the collaborator
    /// invited and an insight of the creator's on it.
    async fn dashboard(&self) -> (DashboardId, TileId, String) {
        let meta = &self.backend.meta;
        let draft = DashboardDraft::parse("Board", "", "").unwrap();
        let id = meta
            .create_dashboard(
                &self
                    .backend
                    .meta
                    .scope(self.creator, self.project)
                    .await
                    .unwrap(),
                &draft,
            )
            .await
            .unwrap();
        meta.set_dashboard_restriction(
            &self
                .backend
                .meta
                .scope(self.creator, self.project)
                .await
                .unwrap(),
            id,
            Restriction::OnlyInvitedCanEdit,
        )
        .await
        .unwrap();
        meta.add_dashboard_collaborator(
            &self
                .backend
                .meta
                .scope(self.creator, self.project)
                .await
                .unwrap(),
            id,
            self.collaborator,
        )
        .await
        .unwrap();
        let insight = meta
            .create_insight(
                &self
                    .backend
                    .meta
                    .scope(self.creator, self.project)
                    .await
                    .unwrap(),
                &InsightDraft::parse("", "", "", InsightKind::Trends.starter()).unwrap(),
            )
            .await
            .unwrap();
        let tile = meta
            .add_insight_tile(
                &self
                    .backend
                    .meta
                    .scope(self.creator, self.project)
                    .await
                    .unwrap(),
                id,
                &insight.short_id,
            )
            .await
            .unwrap();
        (id, tile, insight.short_id)
    }

    async fn insight_id(&self, short_id: &str) -> domain::InsightId {
        let scope = self.backend.meta.scope(self.creator, self.project).await;
        self.backend
            .meta
            .insight(&scope.unwrap(), short_id)
            .await
            .unwrap()
            .id
    }

    /// The token of the dashboard's public link, turned on by its creator.
    async fn share(&self, dashboard: DashboardId) -> String {
        let scope = self.backend.meta.scope(self.creator, self.project).await;
        self.backend
            .meta
            .set_sharing(
                &scope.unwrap(),
                domain::sharing::ShareTarget::Dashboard(dashboard),
                true,
                Default::default(),
            )
            .await
            .unwrap()
            .token
    }

    /// A weekly subscription of the creator's to the dashboard, and the
    /// unsubscribe link of its recipient.
    async fn subscription(&self, dashboard: DashboardId) -> (i64, String) {
        let scope = self
            .backend
            .meta
            .scope(self.creator, self.project)
            .await
            .unwrap();
        let draft = domain::subscription::SubscriptionDraft {
            title: String::new(),
            destination: domain::subscription::Destination::Email {
                recipients: vec!["creator@example.com".to_owned()],
            },
            schedule: domain::schedule::Schedule::weekly_on_mondays(
                chrono::Utc::now().date_naive(),
            ),
        };
        let subscription = self
            .backend
            .meta
            .create_subscription(
                &scope,
                domain::sharing::ShareTarget::Dashboard(dashboard),
                draft,
            )
            .await
            .unwrap();
        let link = self
            .backend
            .meta
            .unsubscribe_path(subscription.id, "creator@example.com");
        (subscription.id, link)
    }

    /// A signed embed of the dashboard, signed with a new embedding secret.
    async fn signed_token(&self, dashboard: DashboardId) -> String {
        let scope = self.backend.meta.scope(self.owner, self.project).await;
        let secret = self
            .backend
            .meta
            .rotate_embed_secret(&scope.unwrap())
            .await
            .unwrap();
        let claims = json!({"project": self.project, "resource": {"dashboard": dashboard},
            "exp": chrono::Utc::now().timestamp() + 600});
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    async fn browser(&self, running: &testkit::Running, who: Who) -> Client {
        let client = running.browser();
        let Some(email) = who.email() else {
            return client;
        };
        let response = client
            .post(format!("{}/api/login", self.address))
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

    /// Performs `op` as the client's actor, on things made fresh for it, and
    /// returns the status.
    async fn perform(&self, client: &Client, op: Op) -> u16 {
        let project = self.project;
        let organization = self.organization;
        let n = self.fresh();
        let url = format!("{}/api/{}", self.address, op.endpoint());
        let json = |body: Value| {
            client
                .post(&url)
                .header("Accept", "application/json")
                .json(&body)
                .send()
        };
        let form = |fields: Vec<(&str, String)>| {
            client
                .post(&url)
                .header("Accept", "application/json")
                .form(&fields)
                .send()
        };
        let (dashboard, tile, short_id) = self.dashboard().await;
        let weekly = json!({
            "title": "Weekly",
            "destination": {"kind": "email", "recipients": ["creator@example.com"]},
            "schedule": {"repeat": {"every": "week", "weekdays": ["Mon"]}, "interval": 1,
                "start": "2026-12-07", "time": "09:00:00"},
        });
        let change = |change: Value| {
            json(json!({"project_id": project, "dashboard_id": dashboard, "change": change}))
        };
        let response = match op {
            Op::Navigation | Op::NewProjectOptions | Op::Logout => form(vec![]).await,
            Op::CreateProject => {
                form(vec![
                    ("organization_id", organization.to_string()),
                    ("project_name", format!("Project {n}")),
                    ("time_zone", "UTC".into()),
                ])
                .await
            }
            Op::ProjectContext
            | Op::ProjectPrivacy
            | Op::Home
            | Op::EventDefinitions
            | Op::PropertyDefinitions
            | Op::Persons
            | Op::Dashboards
            | Op::ProjectMembers
            | Op::InsightTaxonomy => form(vec![("project_id", project.to_string())]).await,
            Op::EventDefinition => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("definition_id", self.definition.to_string()),
                ])
                .await
            }
            Op::UpdateProject => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("project_name", "Project".into()),
                    ("time_zone", "UTC".into()),
                ])
                .await
            }
            Op::SetProjectPrivacy => {
                json(json!({"project_id": project, "private": true,
                    "members": [self.creator, self.collaborator, self.member]}))
                .await
            }
            Op::Login => {
                form(vec![
                    ("email", "member@example.com".into()),
                    ("password", PASSWORD.into()),
                ])
                .await
            }
            Op::Signup => {
                form(vec![
                    ("name", "New person".into()),
                    ("email", format!("signup{n}@example.com")),
                    ("password", PASSWORD.into()),
                    ("organization_name", format!("Organization {n}")),
                    ("project_name", "Project".into()),
                    ("time_zone", "UTC".into()),
                ])
                .await
            }
            Op::LatestEvents => {
                json(
                    json!({"project_id": project, "filter": {"event": "$pageview",
                    "properties": [{"key": "$browser", "value": "Chrome", "operator": "exact"}],
                    "date_from": "-7d"}}),
                )
                .await
            }
            Op::PropertyValues => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("scope", "event".into()),
                    ("key", "$browser".into()),
                ])
                .await
            }
            Op::AnnotateDefinition => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("kind", "event".into()),
                    ("id", self.definition.to_string()),
                    ("description", format!("Described {n}")),
                    ("tags", String::new()),
                ])
                .await
            }
            Op::Person => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("person_id", self.person.clone()),
                ])
                .await
            }
            Op::CreateDashboard => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("name", format!("Board {n}")),
                    ("description", String::new()),
                    ("tags", String::new()),
                ])
                .await
            }
            Op::ViewDashboard => {
                json(json!({"project_id": project, "dashboard_id": dashboard, "filters": {}})).await
            }
            Op::RefreshTile => {
                json(
                    json!({"project_id": project, "dashboard_id": dashboard, "tile_id": tile,
                    "filters": {}, "refresh": true}),
                )
                .await
            }
            Op::RenameDashboard => {
                change(json!({"Rename": {"name": "Renamed", "description": "", "tags": ""}})).await
            }
            Op::LayOutDashboard => {
                change(json!({"Layout": [[tile, {"x": 0, "y": 0, "w": 6, "h": 4}]]})).await
            }
            Op::AddInsightTile => change(json!({"AddInsight": {"short_id": short_id}})).await,
            Op::AddTextTile => change(json!({"AddText": {"text": "Notes"}})).await,
            Op::RemoveTile => change(json!({"RemoveTile": {"tile": tile}})).await,
            Op::DeleteDashboard => change(json!("Delete")).await,
            Op::ChangeRestriction => {
                change(json!({"Restrict": {"restriction": "EveryoneCanEdit"}})).await
            }
            Op::AddCollaborator => {
                change(json!({"AddCollaborator": {"user_id": self.member}})).await
            }
            Op::RemoveCollaborator => {
                change(json!({"RemoveCollaborator": {"user_id": self.collaborator}})).await
            }
            Op::MakePrimary => change(json!("MakePrimary")).await,
            Op::PinDashboard => change(json!({"Pin": {"pinned": true}})).await,
            Op::DuplicateDashboard => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("dashboard_id", dashboard.to_string()),
                    ("copy_insights", "true".into()),
                ])
                .await
            }
            Op::ViewInvite => {
                let invite = self
                    .invite(&format!("viewer{n}@example.com"), Role::Member)
                    .await;
                form(vec![("token", invite.token)]).await
            }
            Op::AcceptInviteWithNewAccount => {
                let invite = self
                    .invite(&format!("newcomer{n}@example.com"), Role::Member)
                    .await;
                form(vec![
                    ("token", invite.token),
                    ("name", "Newcomer".into()),
                    ("password", PASSWORD.into()),
                ])
                .await
            }
            Op::AcceptInvite => {
                let invite = self
                    .invite(&format!("someone{n}@example.com"), Role::Member)
                    .await;
                form(vec![("token", invite.token)]).await
            }
            Op::OrganizationSettings => form(vec![]).await,
            Op::ChangeRole | Op::RemoveMember => {
                let user = self
                    .join(&format!("joiner{n}@example.com"), Role::Member)
                    .await;
                let mut fields = vec![
                    ("organization", organization.to_string()),
                    ("user_id", user.to_string()),
                ];
                if matches!(op, Op::ChangeRole) {
                    fields.push(("role", "admin".into()));
                }
                form(fields).await
            }
            Op::CreateInvite => {
                form(vec![
                    ("organization", organization.to_string()),
                    ("email", format!("invited{n}@example.com")),
                    ("role", "member".into()),
                ])
                .await
            }
            Op::RevokeInvite => {
                let invite = self
                    .invite(&format!("revoked{n}@example.com"), Role::Member)
                    .await;
                form(vec![
                    ("organization", organization.to_string()),
                    ("invite", invite.invite.id.to_string()),
                ])
                .await
            }
            Op::RunInsight => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("query", InsightKind::Trends.starter().to_json()),
                    ("refresh", "true".into()),
                ])
                .await
            }
            Op::ViewInsight | Op::OpenInsightEditor => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("short_id", short_id.clone()),
                ])
                .await
            }
            Op::EditInsight => {
                let seen = self
                    .backend
                    .meta
                    .insight(
                        &self
                            .backend
                            .meta
                            .scope(self.creator, project)
                            .await
                            .unwrap(),
                        &short_id,
                    )
                    .await
                    .unwrap()
                    .last_modified_at;
                form(vec![
                    ("project_id", project.to_string()),
                    ("short_id", short_id.clone()),
                    ("name", "Changed".into()),
                    ("description", String::new()),
                    ("tags", String::new()),
                    ("query", InsightKind::Funnels.starter().to_json()),
                    ("seen_modified_at", seen.to_rfc3339()),
                ])
                .await
            }
            Op::SaveNewInsight => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("name", format!("Insight {n}")),
                    ("description", String::new()),
                    ("tags", String::new()),
                    ("query", InsightKind::Trends.starter().to_json()),
                ])
                .await
            }
            Op::FavoriteInsight => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("short_id", short_id.clone()),
                    ("favorite", "true".into()),
                ])
                .await
            }
            Op::ShareDashboardPanel => {
                json(json!({"project_id": project, "target": {"Dashboard": dashboard}})).await
            }
            Op::ShareDashboard => {
                json(
                    json!({"project_id": project, "target": {"Dashboard": dashboard},
                    "enabled": true, "options": {"show_legend": false}}),
                )
                .await
            }
            Op::RotateInsightShare => {
                let insight = self.insight_id(&short_id).await;
                json(json!({"project_id": project, "target": {"Insight": insight}})).await
            }
            Op::OrganizationPolicy => {
                json(json!({"organization": organization, "policy": "public_sharing"})).await
            }
            Op::SetOrganizationPolicy => json(
                json!({"organization": organization, "policy": "external_recipients", "on": true}),
            )
            .await,
            Op::ViewShared => form(vec![("token", self.share(dashboard).await)]).await,
            Op::ViewSignedEmbed => form(vec![("token", self.signed_token(dashboard).await)]).await,
            Op::RefreshSignedTile => {
                form(vec![
                    ("token", self.signed_token(dashboard).await),
                    ("tile", tile.to_string()),
                ])
                .await
            }
            Op::EmbedSecretStatus | Op::RotateEmbedSecret => {
                form(vec![("project_id", project.to_string())]).await
            }
            Op::ForgotPassword => form(vec![("email", format!("forgetful{n}@example.com"))]).await,
            Op::ResetAccount => form(vec![("token", self.reset_token(n).await)]).await,
            Op::ResetPassword => {
                form(vec![
                    ("token", self.reset_token(n).await),
                    ("password", "a brand new password".into()),
                ])
                .await
            }
            Op::Outbox => form(vec![("organization", organization.to_string())]).await,
            Op::OutboxMail => {
                form(vec![
                    ("organization", organization.to_string()),
                    ("id", self.invite_mail(n).await.to_string()),
                ])
                .await
            }
            Op::LoadSubscriptions => {
                json(json!({"project_id": project, "target": {"Dashboard": dashboard}})).await
            }
            Op::Subscribe => json(
                json!({"project_id": project, "target": {"Dashboard": dashboard}, "draft": weekly}),
            )
            .await,
            Op::UpdateSubscription => {
                let (id, _) = self.subscription(dashboard).await;
                json(json!({"project_id": project, "id": id, "draft": weekly})).await
            }
            Op::DeleteSubscription | Op::TestSubscription => {
                let (id, _) = self.subscription(dashboard).await;
                form(vec![
                    ("project_id", project.to_string()),
                    ("id", id.to_string()),
                ])
                .await
            }
            Op::Unsubscribe => {
                let (id, link) = self.subscription(dashboard).await;
                let query: std::collections::HashMap<String, String> =
                    form_urlencoded::parse(link.split_once('?').unwrap().1.as_bytes())
                        .into_owned()
                        .collect();
                form(vec![
                    ("subscription", id.to_string()),
                    ("email", query["email"].clone()),
                    ("token", query["token"].clone()),
                ])
                .await
            }
            Op::RefreshSharedTile => {
                form(vec![
                    ("token", self.share(dashboard).await),
                    ("tile", tile.to_string()),
                ])
                .await
            }
            Op::Insights => {
                form(vec![
                    ("project_id", project.to_string()),
                    ("list[tab]", "All".into()),
                    ("list[search]", String::new()),
                    ("list[order]", "LastModified".into()),
                ])
                .await
            }
        };
        let response = response.unwrap();
        let status = response.status().as_u16();
        if status >= 500 || status == 400 {
            let body = response.text().await.unwrap_or_default();
            panic!("{op:?} answered {status}: {body}");
        }
        status
    }
}

/// The endpoints of every server function linked into the server.
fn registered_endpoints() -> BTreeSet<String> {
    server::server_function_paths()
        .into_iter()
        .map(|path| path.trim_start_matches("/api/").to_owned())
        .collect()
}

#[test]
fn every_registered_server_function_has_a_row_in_the_matrix() {
    let covered: BTreeSet<String> = OPS.iter().map(|op| op.endpoint().to_owned()).collect();
    let missing: Vec<_> = registered_endpoints()
        .difference(&covered)
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the permission matrix: {missing:?}"
    );
    let stale: Vec<_> = covered
        .difference(&registered_endpoints())
        .cloned()
        .collect();
    assert!(
        stale.is_empty(),
        "rows for server functions that no longer exist: {stale:?}"
    );
}

#[tokio::test]
async fn every_actor_gets_exactly_the_access_the_rules_give() {
    let running = testkit::start().await;
    let world = World::new(&running).await;
    let mut mismatches = Vec::new();
    for who in EVERYONE {
        for op in OPS {
            // Logging out and logging in as someone else change the client's
            // session, so each operation gets a client of its own.
            let client = world.browser(&running, who).await;
            let got = world.perform(&client, op).await;
            let want = op.rule().expected(who);
            if got != want {
                mismatches.push(format!("{who:?} {op:?}: expected {want}, got {got}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test]
async fn refused_changes_leave_the_dashboard_as_it_was() {
    let running = testkit::start().await;
    let world = World::new(&running).await;
    let (dashboard, _, _) = world.dashboard().await;
    let client = world.browser(&running, Who::Member).await;
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
        .dashboard(
            &world
                .backend
                .meta
                .scope(world.creator, world.project)
                .await
                .unwrap(),
            dashboard,
        )
        .await
        .unwrap();
    assert_eq!(unchanged.name, "Board");
}

/// What a GET of a page or route answers: a status, and for redirects where
/// they lead.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Status(u16),
    RedirectTo(&'static str),
}

/// Where an actor is sent, or what they get, on a page or route. The path is
/// the route's pattern, so every new page or route needs a decision here.
fn page_rule(pattern: &str, who: Who) -> Answer {
    let signed_in = who != Who::Anonymous;
    match pattern {
        // A reset link that does not work (the test's token is none) gets
        // a page saying so, offering a new one, like an invite's.
        "/login"
        | "/signup"
        | "/invite/{token}"
        | "/healthz"
        | "/forgot-password"
        | "/reset-password/{token}" => Answer::Status(OK),
        // Opening an unsubscribe link only shows its button (the matrix
        // checks the button's server function).
        "/unsubscribe" => Answer::Status(OK),
        // Delivered images answer whoever holds their secret address; the
        // test's is none.
        "/delivered/{file}" => Answer::Status(HIDDEN),
        // Asked without a link of this Huddle: nothing to describe.
        "/oembed" => Answer::Status(400),
        // Anyone holding a share's link (the test's is valid).
        "/shared/{token}" | "/embedded/{token}" | "/embedded/jwt/{token}" => Answer::Status(OK),
        // The page that says "you don't have access" answers as a missing one.
        "/no-access" => Answer::Status(HIDDEN),
        // Someone whose only project is closed to them is offered a new one.
        "/" if who == Who::MemberWithoutAccess => Answer::RedirectTo("/projects/new"),
        "/" if signed_in => Answer::RedirectTo("/project/"),
        "/projects/new" | "/organization/settings" if signed_in => Answer::Status(OK),
        // Like the settings page, it names its organization in the query
        // and its data needs an owner or admin (the matrix checks that).
        "/organization/outbox" if signed_in => Answer::Status(OK),
        "/i/{short_id}"
        | "/insights/{short_id}"
        | "/d/{dashboard_id}"
        | "/dashboard/{dashboard_id}"
            if signed_in =>
        {
            if who.in_project() {
                Answer::RedirectTo("/project/")
            } else {
                Answer::RedirectTo("/no-access")
            }
        }
        "/api/projects/{project_id}/events/live"
        | "/api/projects/{project_id}/insights/{short_id}/export.csv"
        | "/api/projects/{project_id}/insights/{short_id}/export.png"
        | "/api/projects/{project_id}/insights/{short_id}/export.svg"
            if !signed_in =>
        {
            Answer::Status(LOG_IN)
        }
        "/api/projects/{project_id}/events/live"
        | "/api/projects/{project_id}/insights/{short_id}/export.csv"
        | "/api/projects/{project_id}/insights/{short_id}/export.png"
        | "/api/projects/{project_id}/insights/{short_id}/export.svg"
            if who.in_project() =>
        {
            Answer::Status(OK)
        }
        "/api/projects/{project_id}/events/live"
        | "/api/projects/{project_id}/insights/{short_id}/export.csv"
        | "/api/projects/{project_id}/insights/{short_id}/export.png"
        | "/api/projects/{project_id}/insights/{short_id}/export.svg" => Answer::Status(HIDDEN),
        project if project.starts_with("/project/{project_id}") && signed_in => {
            if who.in_project() {
                Answer::Status(OK)
            } else {
                Answer::Status(HIDDEN)
            }
        }
        "/"
        | "/projects/new"
        | "/organization/settings"
        | "/organization/outbox"
        | "/i/{short_id}"
        | "/insights/{short_id}"
        | "/d/{dashboard_id}"
        | "/dashboard/{dashboard_id}" => Answer::RedirectTo("/login"),
        project if project.starts_with("/project/{project_id}") => Answer::RedirectTo("/login"),
        other => panic!("no rule for the route {other}: add one to the permission matrix"),
    }
}

#[tokio::test]
async fn every_page_and_route_answers_each_actor_as_the_rules_give() {
    let running = testkit::start().await;
    let world = World::new(&running).await;
    let (dashboard, _, short_id) = world.dashboard().await;
    let token = world.invite("page@example.com", Role::Member).await.token;
    let share_token = world.share(dashboard).await;
    let signed_token = world.signed_token(dashboard).await;
    let pages = leptos_axum::generate_route_list(app::App)
        .into_iter()
        .map(|listing| listing.path().to_owned());
    let mut patterns: Vec<String> = pages
        .chain(server::route_paths().into_iter().map(str::to_owned))
        .collect();
    patterns.sort();
    patterns.dedup();
    let mut mismatches = Vec::new();
    for who in EVERYONE {
        let client = world.browser(&running, who).await;
        for pattern in &patterns {
            let want = page_rule(pattern, who);
            let path = pattern
                .replace("{project_id}", &world.project.to_string())
                .replace("{dashboard_id}", &dashboard.to_string())
                .replace("{short_id}", &short_id)
                .replace("{person_id}", &world.person)
                .replace("{file}", "never-delivered.png")
                .replace(
                    "{token}",
                    if pattern.starts_with("/embedded/jwt/") {
                        &signed_token
                    } else if pattern.starts_with("/shared/") || pattern.starts_with("/embedded/") {
                        &share_token
                    } else {
                        &token
                    },
                );
            let response = client
                .get(format!("{}{path}", world.address))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let got = if response.status().is_redirection() {
                let location = response.headers()["location"].to_str().unwrap();
                match want {
                    Answer::RedirectTo(prefix) if location.starts_with(prefix) => {
                        Answer::RedirectTo(prefix)
                    }
                    _ => Answer::Status(status),
                }
            } else {
                Answer::Status(status)
            };
            if got != want {
                mismatches.push(format!(
                    "{who:?} GET {path}: expected {want:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
