//! Who may do what with projects, dashboards and insights. Pure decisions:
//! every server function and route asks these, and the UI only reflects
//! their answers.
//!
//! - A project is open to every member of its organization unless an admin
//!   makes it private; then only owners, admins and the members listed on it
//!   may use it, and to everyone else it does not exist.
//! - A dashboard is editable by everyone who can use its project, unless it
//!   is restricted to "only those invited can edit": then its creator, the
//!   organization's owners and admins, and collaborators added one by one.
//!   Only the creator, owners and admins change the restriction or the
//!   collaborators.
//! - An insight on one or more restricted dashboards can be edited only by
//!   its creator or by someone who may edit at least one of those
//!   dashboards; otherwise by everyone who can use the project.

use crate::organization::Role;
use crate::UserId;
use serde::{Deserialize, Serialize};

/// Someone acting in a project: who they are and their organization role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
}

impl Actor {
    fn is_admin(self) -> bool {
        matches!(self.role, Role::Admin | Role::Owner)
    }
}

/// Whether someone may use a project at all.
pub fn can_use_project(role: Role, private: bool, listed: bool) -> bool {
    !private || listed || matches!(role, Role::Admin | Role::Owner)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Restriction {
    /// Everyone in the project can edit (the default).
    #[default]
    EveryoneCanEdit,
    /// Only the creator, admins and invited collaborators can edit.
    OnlyInvitedCanEdit,
}

impl Restriction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EveryoneCanEdit => "everyone",
            Self::OnlyInvitedCanEdit => "invited",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::EveryoneCanEdit, Self::OnlyInvitedCanEdit]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::EveryoneCanEdit => "Everyone in the project can edit",
            Self::OnlyInvitedCanEdit => "Only those invited can edit",
        }
    }
}

/// What the rules need to know about a dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DashboardAccess {
    pub created_by: Option<UserId>,
    pub restriction: Restriction,
    pub collaborators: Vec<UserId>,
}

/// A refusal, with the reason people are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{0}")]
pub struct Denied(pub String);

/// Whether `actor` may change the dashboard: its name, tiles, layout, or
/// delete it, or make it the project's primary dashboard.
pub fn can_edit_dashboard(actor: Actor, dashboard: &DashboardAccess) -> Result<(), Denied> {
    if dashboard.restriction == Restriction::EveryoneCanEdit
        || can_manage_dashboard(actor, dashboard).is_ok()
        || dashboard.collaborators.contains(&actor.user)
    {
        Ok(())
    } else {
        Err(Denied(
            "This dashboard is restricted: only its creator, admins and invited collaborators can edit it."
                .into(),
        ))
    }
}

/// Whether `actor` may change who can edit: the restriction and the
/// collaborators.
pub fn can_manage_dashboard(actor: Actor, dashboard: &DashboardAccess) -> Result<(), Denied> {
    if actor.is_admin() || dashboard.created_by == Some(actor.user) {
        Ok(())
    } else {
        Err(Denied(
            "Only the dashboard's creator and admins can change who may edit it.".into(),
        ))
    }
}

/// Whether `actor` may change an insight created by `creator` that sits on
/// `dashboards` (all of them; unrestricted ones do not protect it).
pub fn can_edit_insight(
    actor: Actor,
    creator: Option<UserId>,
    dashboards: &[DashboardAccess],
) -> Result<(), Denied> {
    let restricted: Vec<&DashboardAccess> = dashboards
        .iter()
        .filter(|d| d.restriction == Restriction::OnlyInvitedCanEdit)
        .collect();
    if restricted.is_empty()
        || creator == Some(actor.user)
        || restricted
            .iter()
            .any(|d| can_edit_dashboard(actor, d).is_ok())
    {
        Ok(())
    } else {
        Err(Denied(
            "This insight is on a restricted dashboard: only its creator and the dashboard's editors can change it."
                .into(),
        ))
    }
}

/// Whether `role` may turn an organization-wide policy
/// (`organization::Policy`) on or off: owners and admins only.
pub fn can_change_policy(role: Role) -> Result<(), Denied> {
    if role.manages_projects() {
        Ok(())
    } else {
        Err(Denied(
            "Only the organization's owners and admins can change this setting.".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATOR: Actor = Actor {
        user: crate::UserId(1),
        role: Role::Member,
    };
    const ADMIN: Actor = Actor {
        user: crate::UserId(2),
        role: Role::Admin,
    };
    const COLLABORATOR: Actor = Actor {
        user: crate::UserId(3),
        role: Role::Member,
    };
    const MEMBER: Actor = Actor {
        user: crate::UserId(4),
        role: Role::Member,
    };

    fn restricted() -> DashboardAccess {
        DashboardAccess {
            created_by: Some(CREATOR.user),
            restriction: Restriction::OnlyInvitedCanEdit,
            collaborators: vec![COLLABORATOR.user],
        }
    }

    #[test]
    fn open_dashboards_are_editable_by_everyone_in_the_project() {
        let open = DashboardAccess {
            restriction: Restriction::EveryoneCanEdit,
            ..restricted()
        };
        for actor in [CREATOR, ADMIN, COLLABORATOR, MEMBER] {
            assert!(can_edit_dashboard(actor, &open).is_ok());
        }
        assert!(can_manage_dashboard(MEMBER, &open).is_err());
    }

    #[test]
    fn restricted_dashboards_are_editable_by_creator_admins_and_collaborators_only() {
        let d = restricted();
        assert!(can_edit_dashboard(CREATOR, &d).is_ok());
        assert!(can_edit_dashboard(ADMIN, &d).is_ok());
        assert!(can_edit_dashboard(COLLABORATOR, &d).is_ok());
        assert!(can_edit_dashboard(MEMBER, &d)
            .unwrap_err()
            .0
            .contains("restricted"));
        assert!(can_manage_dashboard(COLLABORATOR, &d).is_err());
        assert!(can_manage_dashboard(CREATOR, &d).is_ok());
        assert!(can_manage_dashboard(ADMIN, &d).is_ok());
    }

    #[test]
    fn an_insight_on_a_restricted_dashboard_follows_that_dashboard() {
        let creator_of_insight = Some(MEMBER.user);
        assert!(can_edit_insight(MEMBER, creator_of_insight, &[restricted()]).is_ok());
        assert!(can_edit_insight(COLLABORATOR, Some(crate::UserId(99)), &[restricted()]).is_ok());
        let outsider = Actor {
            user: crate::UserId(5),
            role: Role::Member,
        };
        assert!(can_edit_insight(outsider, Some(crate::UserId(99)), &[restricted()]).is_err());
        // Being also on an open dashboard does not open it up.
        let open = DashboardAccess::default();
        assert!(can_edit_insight(
            outsider,
            Some(crate::UserId(99)),
            &[open.clone(), restricted()]
        )
        .is_err());
        assert!(can_edit_insight(outsider, Some(crate::UserId(99)), &[open]).is_ok());
    }

    #[test]
    fn private_projects_admit_admins_and_listed_members() {
        assert!(can_use_project(Role::Member, false, false));
        assert!(!can_use_project(Role::Member, true, false));
        assert!(can_use_project(Role::Member, true, true));
        assert!(can_use_project(Role::Admin, true, false));
        assert!(can_use_project(Role::Owner, true, false));
    }
}
