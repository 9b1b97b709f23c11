//! Where rendered files go. `jiedu build` streams them into its staging directory as they are
//! rendered, so the site's HTML never has to fit in memory at once; `check` drops them and
//! tests collect them. One render path serves all three.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use super::OutFile;
use crate::diagnostics::Diagnostics;

/// Receives the files of the site, from many render threads at once, each path once.
pub trait Sink: Sync {
    fn put(&self, path: &str, file: OutFile) -> Result<(), Diagnostics>;

    /// Puts the file at `path` that is, byte for byte, `previous` (the same path in the output
    /// being replaced). A staging directory links it instead of copying. `seen`: the metadata
    /// of `previous` the caller read just before (to check its length), so that it is not read
    /// again: a cached build of 1,000 policies keeps over 100,000 files.
    fn keep(
        &self,
        path: &str,
        previous: &std::path::Path,
        seen: Option<&std::fs::Metadata>,
    ) -> Result<(), Diagnostics> {
        let _ = seen;
        self.put(path, OutFile::Copy(previous.to_path_buf()))
    }
}

/// Keeps every file in memory, sorted by path.
#[derive(Debug, Default)]
pub struct Collect(Mutex<BTreeMap<String, OutFile>>);

impl Collect {
    pub fn into_files(self) -> BTreeMap<String, OutFile> {
        // A poisoned lock only means a render thread panicked; the map itself is intact.
        self.0.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for Collect {
    fn put(&self, path: &str, file: OutFile) -> Result<(), Diagnostics> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), file);
        Ok(())
    }
}

/// Drops every file: for `check`, which only wants the errors.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: OutFile) -> Result<(), Diagnostics> {
        Ok(())
    }
}
