//! The configuration model: case types, their forms, stages, option lists, locations and
//! closure reasons. Loaded from text by [`load`], validated as a whole; [`diff`] says how two
//! configurations differ and [`check_evolution`] what a new one must respect of existing cases.

mod diff;
mod error;
mod evolution;
mod file;
mod load;
mod model;

pub use diff::{Change, ChangeKind, diff};
pub use error::{ConfigError, ConfigErrors};
pub use evolution::{Evolution, Usage, check_evolution};
pub(crate) use load::is_snake_case;
pub use load::{SourceFile, load};
pub use model::*;
