//! The string tables of enums that links, forms and pickers name. Each enum
//! derives them with strum from attributes on its variants; this offers them
//! under the names callers use.

/// For an enum deriving strum's `VariantArray` and `IntoStaticStr`, adds
/// `ALL` (every variant, in declaration order) and `as_str` (the variant's
/// strum name). Extras: `label` adds `label()`, the variant's
/// `#[strum(message)]` (needs `EnumMessage`); `parse` adds `parse()`, the
/// inverse of `as_str` (needs `EnumString`).
macro_rules! enum_strings {
    (@label $ty:ident) => {
        impl $ty {
            /// What pickers show.
            pub fn label(self) -> &'static str {
                strum::EnumMessage::get_message(&self).expect("every variant has a message")
            }
        }
    };
    (@parse $ty:ident) => {
        impl $ty {
            pub fn parse(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    };
    ($ty:ident $(, $extra:ident)*) => {
        impl $ty {
            /// Every variant, in declaration order. An array rather than
            /// strum's slice, so that iterating it yields values.
            pub const ALL: [$ty; <$ty as strum::VariantArray>::VARIANTS.len()] =
                match <$ty as strum::VariantArray>::VARIANTS.first_chunk() {
                    Some(all) => *all,
                    None => unreachable!(),
                };

            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
        $($crate::enum_strings::enum_strings!(@$extra $ty);)*
    };
}

pub(crate) use enum_strings;
