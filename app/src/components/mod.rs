//! Building blocks shared by the pages.

pub mod combobox;
pub mod copy;
pub mod form;
pub mod menu;
pub mod nav;
pub mod overrides;
pub mod pager;
pub mod status;
pub mod theme;
