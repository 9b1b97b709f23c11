//! jiedu: a static-site generator for Chinese government policy-interpretation portals.
//!
//! The build is one pipeline ([`pipeline::Pipeline`], run by `build`, `check` and `serve`),
//! each stage a module with one entry point: [`load::load_site`] → [`model::build_model`] →
//! [`render::render_site`], which streams every file into a [`write::Staging`] directory that
//! replaces the output once the build succeeded.

pub mod build;
pub mod clause;
pub mod compare;
pub mod config;
pub mod diagnostics;
pub mod import;
pub mod inspect;
pub mod load;
pub mod markdown;
pub mod model;
pub mod pipeline;
pub mod published;
pub mod render;
pub mod search;
pub mod serve;
pub mod timing;
pub mod write;
