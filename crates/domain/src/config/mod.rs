//! The configuration model: case types, their forms, stages, option lists, locations and
//! closure reasons. Loaded from text by [`load`], validated as a whole.

mod error;
mod file;
mod load;
mod model;

pub use error::{ConfigError, ConfigErrors};
pub use load::{SourceFile, load};
pub use model::*;
