//! Closed lists of codes (stages, library classes, member roles, plan statuses …), each
//! defined by one macro.

/// Defines a closed list of codes: the enum (serialised as its snake_case code), `ALL`,
/// `code()`, `parse()`, `label_key()` (catalogue key `<prefix>.<code>`), reading a stored code
/// back (`TryFrom<String>`) and `Display` as the code.
///
/// Entries may carry doc comments. Entries written `Variant = "code" / "中文"` also carry the label Chinese tables use
/// (`zh()`), and `parse` then accepts either.
macro_rules! code_list {
    ($(#[$m:meta])* $name:ident in $prefix:literal { $($(#[$vm:meta])* $variant:ident = $code:literal / $zh:literal,)+ }) => {
        code_list!(@common $(#[$m])* $name $prefix { $($(#[$vm])* $variant = $code,)+ });

        impl $name {
            /// The label Chinese project tables use.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            /// Reads a code or a Chinese label.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                $name::ALL.iter().copied().find(|v| v.code() == t || v.zh() == t)
            }
        }
    };
    ($(#[$m:meta])* $name:ident in $prefix:literal { $($(#[$vm:meta])* $variant:ident = $code:literal,)+ }) => {
        code_list!(@common $(#[$m])* $name $prefix { $($(#[$vm])* $variant = $code,)+ });

        impl $name {
            /// Reads a code.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                $name::ALL.iter().copied().find(|v| v.code() == t)
            }
        }
    };
    (@common $(#[$m:meta])* $name:ident $prefix:literal { $($(#[$vm:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code used in the API and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The catalogue key of its name.
            pub fn label_key(self) -> String {
                format!("{}.{}", $prefix, self.code())
            }
        }

        /// Reading a stored code back (the store keeps codes as text).
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $name::parse(&s).ok_or_else(|| format!("unknown {} code: {s}", $prefix))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

pub(crate) use code_list;
