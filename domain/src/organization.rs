//! Organizations, the roles of their members, and who may change whose role.

use crate::enum_strings::enum_strings;
use crate::validation::{trimmed_text, Invalid};
use crate::{OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
}

/// A person in an organization, with their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

/// A member's role in an organization, from least to most powerful.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    EnumMessage,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    #[strum(message = "Member")]
    Member,
    #[strum(message = "Admin")]
    Admin,
    #[strum(message = "Owner")]
    Owner,
}

enum_strings!(Role, label);

impl Role {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        raw.trim()
            .parse()
            .map_err(|_| Invalid::new("role", "Choose owner, admin or member."))
    }

    /// Admins and owners invite people, change roles and remove members.
    pub fn manages_members(self) -> bool {
        self >= Role::Admin
    }

    /// Admins and owners create projects and change project settings.
    pub fn manages_projects(self) -> bool {
        self >= Role::Admin
    }
}

/// An organization-wide switch its owners and admins turn on or off.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Policy {
    #[strum(message = "Allow public links and embeds of insights and dashboards")]
    PublicSharing,
    #[strum(message = "Allow subscriptions to mail people outside the organization")]
    ExternalRecipients,
}

enum_strings!(Policy, label);

impl Policy {
    /// What turning it off does, under its switch.
    pub fn help(self) -> &'static str {
        match self {
            Policy::PublicSharing => {
                "When off, every existing link shows “sharing is disabled” and no data, until it is turned on again."
            }
            Policy::ExternalRecipients => {
                "When off, subscriptions mail only members who can see the project; other recipients are skipped at each delivery, and the subscription says so."
            }
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationName(String);

impl OrganizationName {
    pub const FIELD: &'static str = "organization_name";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        trimmed_text(raw, Self::FIELD, "Organization name", 64).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a change to someone's membership is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum MembershipDenied {
    #[error("Only owners and admins can manage members.")]
    NotAManager,
    #[error("Only owners can grant, change or remove the owner role.")]
    OwnersOnly,
    #[error("An organization needs at least one owner. Make someone else an owner first.")]
    LastOwner,
}

/// The facts a membership decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct MembershipChange {
    /// The role of the person making the change.
    pub actor: Role,
    /// The current role of the member being changed.
    pub target: Role,
    /// How many owners the organization has now.
    pub owners: usize,
}

impl MembershipChange {
    /// May the actor give the target the role `new`?
    pub fn check_role_change(self, new: Role) -> Result<(), MembershipDenied> {
        self.check_manager()?;
        if (self.target == Role::Owner || new == Role::Owner) && self.actor != Role::Owner {
            return Err(MembershipDenied::OwnersOnly);
        }
        if self.target == Role::Owner && new != Role::Owner {
            self.check_not_last_owner()?;
        }
        Ok(())
    }

    /// May the actor remove the target from the organization?
    pub fn check_removal(self) -> Result<(), MembershipDenied> {
        self.check_manager()?;
        if self.target == Role::Owner {
            if self.actor != Role::Owner {
                return Err(MembershipDenied::OwnersOnly);
            }
            self.check_not_last_owner()?;
        }
        Ok(())
    }

    fn check_manager(self) -> Result<(), MembershipDenied> {
        if self.actor.manages_members() {
            Ok(())
        } else {
            Err(MembershipDenied::NotAManager)
        }
    }

    fn check_not_last_owner(self) -> Result<(), MembershipDenied> {
        if self.owners <= 1 {
            Err(MembershipDenied::LastOwner)
        } else {
            Ok(())
        }
    }
}

/// May someone with role `actor` invite a teammate with role `invited`?
/// Admins invite members and admins; only owners invite owners.
pub fn check_invite(actor: Role, invited: Role) -> Result<(), MembershipDenied> {
    if !actor.manages_members() {
        return Err(MembershipDenied::NotAManager);
    }
    if invited == Role::Owner && actor != Role::Owner {
        return Err(MembershipDenied::OwnersOnly);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    fn change(actor: Role, target: Role, owners: usize) -> MembershipChange {
        MembershipChange {
            actor,
            target,
            owners,
        }
    }

    #[test]
    fn members_cannot_change_roles_or_remove_anyone() {
        assert_eq!(
            change(Member, Member, 1).check_role_change(Admin),
            Err(MembershipDenied::NotAManager)
        );
        assert_eq!(
            change(Member, Member, 1).check_removal(),
            Err(MembershipDenied::NotAManager)
        );
    }

    #[test]
    fn admins_manage_members_and_admins_but_not_owners() {
        assert_eq!(change(Admin, Member, 1).check_role_change(Admin), Ok(()));
        assert_eq!(change(Admin, Admin, 1).check_role_change(Member), Ok(()));
        assert_eq!(change(Admin, Member, 1).check_removal(), Ok(()));
        assert_eq!(
            change(Admin, Member, 1).check_role_change(Owner),
            Err(MembershipDenied::OwnersOnly)
        );
        assert_eq!(
            change(Admin, Owner, 2).check_role_change(Member),
            Err(MembershipDenied::OwnersOnly)
        );
        assert_eq!(
            change(Admin, Owner, 2).check_removal(),
            Err(MembershipDenied::OwnersOnly)
        );
    }

    #[test]
    fn the_last_owner_can_be_neither_demoted_nor_removed() {
        assert_eq!(
            change(Owner, Owner, 1).check_role_change(Admin),
            Err(MembershipDenied::LastOwner)
        );
        assert_eq!(
            change(Owner, Owner, 1).check_removal(),
            Err(MembershipDenied::LastOwner)
        );
        assert_eq!(change(Owner, Owner, 2).check_role_change(Admin), Ok(()));
        assert_eq!(change(Owner, Owner, 2).check_removal(), Ok(()));
    }

    #[test]
    fn keeping_an_owner_an_owner_is_not_a_demotion() {
        assert_eq!(change(Owner, Owner, 1).check_role_change(Owner), Ok(()));
    }

    #[test]
    fn only_owners_invite_owners() {
        assert_eq!(check_invite(Owner, Owner), Ok(()));
        assert_eq!(check_invite(Admin, Admin), Ok(()));
        assert_eq!(
            check_invite(Admin, Owner),
            Err(MembershipDenied::OwnersOnly)
        );
        assert_eq!(
            check_invite(Member, Member),
            Err(MembershipDenied::NotAManager)
        );
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        assert_eq!(Role::ALL, [Member, Admin, Owner]);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.as_str())
            );
            assert_eq!(role.to_string(), role.label());
        }
        assert_eq!(Role::parse(" admin "), Ok(Admin));
        assert_eq!(Admin.label(), "Admin");
        assert_eq!(Role::parse("superuser").unwrap_err().field, "role");
        assert!(Role::parse("Admin").is_err());
    }
}
