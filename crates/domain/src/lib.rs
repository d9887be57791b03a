//! Pure types and rules of Dongneng. No I/O, no async: everything here can be unit-tested
//! directly, and every other crate builds on it.

pub mod area;
pub mod chart;
pub mod clock;
pub mod code_list;
pub mod codes;
pub mod dispatch;
pub mod document;
pub mod meeting;
pub mod money;
pub mod paging;
pub mod policies;
pub mod policy;
pub mod problem;
pub mod profile;
pub mod project;
pub mod reference;
pub mod role;
pub mod supervision;
pub mod task;
pub mod todo;
pub mod upload;
pub mod user;
pub mod validate;
pub mod warning;

pub use money::Money;
pub use role::{Grant, Role, ScopeKind};
pub use validate::{FieldError, FieldErrors};
