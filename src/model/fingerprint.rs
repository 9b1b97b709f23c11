//! What a policy was modelled from, as one number ([`crate::model::Policy::input_digest`]):
//! the build cache compares these numbers between builds instead of the policies themselves,
//! which at a thousand policies took seconds to digest and the inputs take milliseconds.

use std::fmt::Write as _;
use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::references::Lookup;
use crate::load::{Asset, SourceDoc};

/// Feeds `Debug` output into a hash without building the string: every model type derives
/// `Debug` over all its fields, so two values that print the same are the same, and a digest
/// never calls a changed value unchanged. For small values; large ones are digested by their
/// inputs.
struct DebugHash(Xxh3);

impl std::fmt::Write for DebugHash {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

pub fn debug_digest(value: &dyn std::fmt::Debug) -> u64 {
    let mut h = DebugHash(Xxh3::new());
    let _ = write!(h, "{value:?}");
    h.0.digest()
}

/// A digest through `Hash`, for model values that derive it: several times faster than
/// [`debug_digest`], which escapes every character of every string.
pub fn hash_digest(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher as _;
    let mut h = Xxh3::new();
    value.hash(&mut h);
    h.finish()
}

/// `path` as it lies within the site at `root`: what the build cache digests of a path, so
/// that the same site read through another spelling of its root (`site`, `./site`, an
/// absolute path, from another working directory) digests the same. The model keeps paths as
/// spelled, for messages; a path outside the root is kept whole.
pub fn within<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}

/// One string, its length first so that the end of one and the start of the next cannot
/// trade bytes.
fn text(h: &mut Xxh3, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// The digest of one bundle's inputs (its paths [`within`] the site at `root`): `site` (what the site contributes to every bundle's
/// model: its path prefix and raw-HTML setting, already digested), the bundle's documents as read (path, front matter,
/// body), its assets, and what each clause reference its documents made resolved to.
pub fn input_digest(
    root: &Path,
    site: u64,
    docs: &[std::sync::Arc<SourceDoc>],
    assets: &[Asset],
    lookups: &[Lookup],
) -> u64 {
    let mut h = Xxh3::new();
    h.update(&site.to_le_bytes());
    for d in docs {
        text(&mut h, &within(root, &d.path).to_string_lossy());
        text(&mut h, d.bundle.as_deref().unwrap_or(""));
        text(&mut h, &d.rel);
        text(&mut h, &d.yaml);
        h.update(&(d.yaml_line as u64).to_le_bytes());
        text(&mut h, &d.body);
        h.update(&(d.body_line as u64).to_le_bytes());
    }
    for a in assets {
        text(&mut h, &within(root, &a.source).to_string_lossy());
        text(&mut h, &a.rel);
    }
    // Through `Hash`: Debug formatting escaped every character of every clause heading.
    h.update(&hash_digest(&lookups).to_le_bytes());
    h.digest()
}
