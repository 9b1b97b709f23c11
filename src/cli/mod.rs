//! One module per command; each turns arguments into a pipeline call and a Chinese report.

pub mod build;
pub mod check;
pub mod import;
pub mod inspect;
pub mod new;
pub mod serve;
