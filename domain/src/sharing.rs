//! Sharing an insight or a dashboard outside the app: what a share is, the
//! options its editors choose, and the rules that decide who may change it.
//!
//! A share is reached by a secret token in its URL (`/shared/:token`, for
//! people; `/embedded/:token`, for other sites' iframes). Editors of the
//! insight or dashboard turn it on and off and rotate its token; an
//! organization's owners and admins may turn public sharing off for all its
//! projects, and then every link answers "sharing is disabled".

use crate::{DashboardId, InsightId, Invalid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a share shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShareTarget {
    Insight(InsightId),
    Dashboard(DashboardId),
}

/// The theme a shared page is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ShareTheme {
    /// The viewer's own preference (their system's light or dark).
    #[default]
    System,
    Light,
    Dark,
}

impl ShareTheme {
    pub const ALL: [ShareTheme; 3] = [Self::System, Self::Light, Self::Dark];

    /// The value of the page's `data-theme`, if the share fixes one.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Self::System => None,
            Self::Light => Some("light"),
            Self::Dark => Some("dark"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "Follow the viewer",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// How a shared page looks and what its viewers may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharingOptions {
    pub show_title: bool,
    pub show_legend: bool,
    /// The small "Made with Huddle" mark at the bottom.
    pub show_mark: bool,
    pub theme: ShareTheme,
    /// Dashboards only: viewers may pick another date range.
    pub viewers_change_dates: bool,
    /// The origins (`https://wiki.example.com`) whose pages may frame the
    /// embed; empty means any.
    pub allowed_origins: Vec<String>,
}

impl Default for SharingOptions {
    fn default() -> Self {
        Self {
            show_title: true,
            show_legend: true,
            show_mark: true,
            theme: ShareTheme::System,
            viewers_change_dates: false,
            allowed_origins: Vec::new(),
        }
    }
}

/// The size preview images are drawn at (Open Graph's 1.91 : 1).
pub const PREVIEW_WIDTH: u32 = 1200;
pub const PREVIEW_HEIGHT: u32 = 630;

/// At most this many origins may frame one share.
pub const MAX_ALLOWED_ORIGINS: usize = 20;

impl SharingOptions {
    /// Checks the origins, normalized (trimmed, lower case, no trailing
    /// slash, blanks and repeats dropped).
    pub fn validated(mut self) -> Result<Self, Invalid> {
        let mut origins: Vec<String> = Vec::new();
        for raw in &self.allowed_origins {
            let origin = raw.trim().trim_end_matches('/').to_ascii_lowercase();
            if origin.is_empty() || origins.contains(&origin) {
                continue;
            }
            check_origin(&origin)?;
            origins.push(origin);
        }
        if origins.len() > MAX_ALLOWED_ORIGINS {
            return Err(Invalid::new(
                "allowed_origins",
                format!("List at most {MAX_ALLOWED_ORIGINS} sites that may embed this."),
            ));
        }
        self.allowed_origins = origins;
        Ok(self)
    }

    /// The `frame-ancestors` sources of the embed's content policy: the
    /// listed origins, or any site when none are listed.
    pub fn frame_ancestors(&self) -> String {
        if self.allowed_origins.is_empty() {
            "*".to_owned()
        } else {
            self.allowed_origins.join(" ")
        }
    }
}

/// An origin is `http(s)://host[:port]`, nothing more: it goes into a
/// response header, so anything else (spaces, `;`, paths) is refused.
fn check_origin(origin: &str) -> Result<(), Invalid> {
    let refused = || {
        Invalid::new(
            "allowed_origins",
            format!("\"{origin}\" is not a site address: write it like https://wiki.example.com"),
        )
    };
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(refused)?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(refused())
    }
}

/// A share as its editors see it in the Share panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sharing {
    pub target: ShareTarget,
    pub enabled: bool,
    /// The secret token of the current link; changes on rotation.
    pub token: String,
    pub options: SharingOptions,
    /// Who turned the link on last, and when.
    pub enabled_by: Option<String>,
    pub enabled_at: Option<DateTime<Utc>>,
    /// Whether the organization allows public links at all.
    pub organization_allows: bool,
}

/// Why a shared link shows nothing: each reason is its own page text, and
/// none says anything about what the link was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ShareRefusal {
    /// Unknown token, rotated away, turned off, or its insight or dashboard
    /// deleted: a stranger cannot tell which.
    #[error("This link is no longer valid. Ask whoever shared it for a new one.")]
    NoLongerValid,
    #[error("Sharing is disabled for this organization.")]
    SharingDisabled,
    #[error("Too many requests for this link. Try again in a minute.")]
    TooManyRequests,
}

/// The iframe snippet an editor copies into another site.
pub fn iframe_snippet(embed_url: &str, title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        "<iframe src=\"{embed_url}\" title=\"{title}\" width=\"100%\" height=\"480\" \
         style=\"border:0\" loading=\"lazy\"></iframe>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_origins(origins: &[&str]) -> Result<SharingOptions, Invalid> {
        SharingOptions {
            allowed_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
            ..Default::default()
        }
        .validated()
    }

    #[test]
    fn origins_are_normalized_and_anything_else_is_refused() {
        let options = with_origins(&[
            " https://Wiki.Example.com/ ",
            "",
            "http://localhost:8080",
            "https://wiki.example.com",
        ])
        .unwrap();
        assert_eq!(
            options.allowed_origins,
            ["https://wiki.example.com", "http://localhost:8080"]
        );
        assert_eq!(
            options.frame_ancestors(),
            "https://wiki.example.com http://localhost:8080"
        );
        for bad in [
            "wiki.example.com",
            "https://a.com/path",
            "https://a.com; script-src *",
            "https://a.com:99999",
            "https://",
            "javascript:alert(1)",
            "https://a..com",
        ] {
            assert!(with_origins(&[bad]).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn without_origins_any_site_may_embed() {
        assert_eq!(SharingOptions::default().frame_ancestors(), "*");
    }

    #[test]
    fn the_iframe_snippet_escapes_the_title() {
        let snippet = iframe_snippet("https://h.example/embedded/abc", "A \"quoted\" <b>");
        assert!(snippet.starts_with("<iframe src=\"https://h.example/embedded/abc\""));
        assert!(snippet.contains("title=\"A &quot;quoted&quot; &lt;b>\""));
    }

    #[test]
    fn options_saved_before_a_field_existed_take_its_default() {
        let options: SharingOptions = serde_json::from_str(r#"{"show_legend":false}"#).unwrap();
        assert!(!options.show_legend);
        assert!(options.show_title);
        assert_eq!(options.theme, ShareTheme::System);
    }
}
