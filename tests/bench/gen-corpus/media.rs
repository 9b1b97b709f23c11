//! Media files of the video and animation interpretations: captions, a poster and a tiny
//! placeholder video (the benchmark measures page generation, not media).

use std::io;
use std::path::Path;

use crate::corpus::Interp;

/// Files (path inside the bundle, bytes) an interpretation's `media:` block names.
pub fn files(i: &Interp) -> Vec<(String, Vec<u8>)> {
    let k = i.kind;
    let vtt = format!(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n{}\n\n2\n00:00:04.200 --> 00:00:08.000\n{}\n",
        i.name, i.summary
    );
    let poster = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1280\" height=\"720\" viewBox=\"0 0 1280 720\" role=\"img\"><title>{}</title><rect width=\"1280\" height=\"720\" fill=\"#0b4f8a\"/></svg>\n",
        i.name
    );
    // An MP4 `ftyp` box only: enough for the file to exist and be recognised.
    let mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2".to_vec();
    vec![
        (format!("media/{k}.vtt"), vtt.into_bytes()),
        (format!("media/{k}-poster.svg"), poster.into_bytes()),
        (format!("media/{k}.mp4"), mp4),
    ]
}

pub fn write(dir: &Path, i: &Interp) -> io::Result<()> {
    for (rel, bytes) in files(i) {
        crate::write_bytes(&dir.join(rel), &bytes)?;
    }
    Ok(())
}
