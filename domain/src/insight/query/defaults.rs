//! What a query means where it says nothing, and what new parts start from.

/// Where a range starts when it does not say: seven days ago.
pub const DEFAULT_DATE_FROM: &str = "-7d";
/// The event new series, funnel steps and retention entities start with.
pub const DEFAULT_EVENT: &str = "$pageview";
/// Breakdown values shown before the rest become "Other".
pub const DEFAULT_BREAKDOWN_LIMIT: u32 = 10;
/// A funnel's conversion window, in its unit (days unless it says).
pub const DEFAULT_FUNNEL_WINDOW: u32 = 14;
/// The periods a retention covers.
pub const DEFAULT_RETENTION_INTERVALS: u32 = 8;
