//! LEB128 varints: how the index stores record ids and weights (the engine reads the same).

pub fn write(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7F) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Writes ascending record ids as their distances from the previous one: how every id list
/// of the index is stored (the engine adds them back up).
#[derive(Debug, Default)]
pub struct Ids {
    previous: u32,
}

impl Ids {
    pub fn write(&mut self, out: &mut Vec<u8>, id: u32) {
        write(out, id - self.previous);
        self.previous = id;
    }
}

/// Reads the varint at `*pos` and moves past it; `None` at the end of the bytes.
pub fn read(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u32::from(b & 0x7F).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128_and_read_back() {
        let values = [0, 127, 128, 300, u32::MAX];
        let mut out = Vec::new();
        for v in values {
            write(&mut out, v);
        }
        assert_eq!(
            out,
            [0, 127, 0x80, 1, 0xAC, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        );
        let mut pos = 0;
        let back: Vec<u32> = std::iter::from_fn(|| read(&out, &mut pos)).collect();
        assert_eq!(back, values);
    }
}
