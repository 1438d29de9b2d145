//! Proof that a user may use a project.

use domain::organization::{Organization, Role};
use domain::permissions::Actor;
use domain::project::{Project, ProjectAccess, TimeZone};
use domain::{ProjectId, UserId};

/// A user's access to one project, with what requests need of it (their
/// role, the project's time zone). Only the access check
/// ([`crate::MetaStore::scope`]) makes one, and every method that reads or
/// writes a project's data, in either store, takes one: code that skipped the
/// check does not compile. A request checks once and passes the scope on.
#[derive(Debug, Clone)]
pub struct ProjectScope {
    user: UserId,
    access: ProjectAccess,
}

impl ProjectScope {
    pub(crate) fn new(user: UserId, access: ProjectAccess) -> Self {
        Self { user, access }
    }

    /// The scope a shared link's viewer reads with ([`crate::MetaStore::open_share`]
    /// makes it after checking the link): nobody in particular. No account has
    /// user id 0, so per-person state (favorites, views) reads as none; the
    /// shared pages only read, and only the shared insight or dashboard.
    pub(crate) fn for_share(access: ProjectAccess) -> Self {
        Self {
            user: UserId(0),
            access,
        }
    }

    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn project_id(&self) -> ProjectId {
        self.access.project.id
    }

    pub fn role(&self) -> Role {
        self.access.role
    }

    pub fn time_zone(&self) -> TimeZone {
        self.access.project.time_zone
    }

    pub fn project(&self) -> &Project {
        &self.access.project
    }

    pub fn organization(&self) -> &Organization {
        &self.access.organization
    }

    /// What pages show of the access: the project, its organization, the role.
    pub fn access(&self) -> &ProjectAccess {
        &self.access
    }

    /// The user as the permission rules see them.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user,
            role: self.access.role,
        }
    }
}
