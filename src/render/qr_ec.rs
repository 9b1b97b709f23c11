//! Reed-Solomon error correction of a QR code at level M, the same codewords as the `qrcode`
//! crate's `construct_codewords`, with a multiplication table per version instead of a
//! logarithm, an exponent and a `% 255` for every byte of every generator coefficient: that
//! was a sixth of the cost of a code, one code a page.

/// Data codewords per block at error correction M for versions 1 to 40 (ISO/IEC 18004:2006
/// table 9, as the `qrcode` crate has it): blocks of the first size and their count, then of
/// the second (one longer) and theirs.
const DATA_BLOCKS_M: [(usize, usize, usize, usize); 40] = [
    (16, 1, 0, 0),
    (28, 1, 0, 0),
    (44, 1, 0, 0),
    (32, 2, 0, 0),
    (43, 2, 0, 0),
    (27, 4, 0, 0),
    (31, 4, 0, 0),
    (38, 2, 39, 2),
    (36, 3, 37, 2),
    (43, 4, 44, 1),
    (50, 1, 51, 4),
    (36, 6, 37, 2),
    (37, 8, 38, 1),
    (40, 4, 41, 5),
    (41, 5, 42, 5),
    (45, 7, 46, 3),
    (46, 10, 47, 1),
    (43, 9, 44, 4),
    (44, 3, 45, 11),
    (41, 3, 42, 13),
    (42, 17, 0, 0),
    (46, 17, 0, 0),
    (47, 4, 48, 14),
    (45, 6, 46, 14),
    (47, 8, 48, 13),
    (46, 19, 47, 4),
    (45, 22, 46, 3),
    (45, 3, 46, 23),
    (45, 21, 46, 7),
    (47, 19, 48, 10),
    (46, 2, 47, 29),
    (46, 10, 47, 23),
    (46, 14, 47, 21),
    (46, 14, 47, 23),
    (47, 12, 48, 26),
    (47, 6, 48, 34),
    (46, 29, 47, 14),
    (46, 13, 47, 32),
    (47, 40, 48, 7),
    (47, 18, 48, 31),
];

/// Error correction codewords per block at error correction M, versions 1 to 40.
const EC_PER_BLOCK_M: [usize; 40] = [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
];

/// Product in GF(2^8) with the QR code's polynomial x^8 + x^4 + x^3 + x^2 + 1.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0;
    while b != 0 {
        if b & 1 == 1 {
            product ^= a;
        }
        let carry = a & 0x80 != 0;
        a <<= 1;
        if carry {
            a ^= 0x1d;
        }
        b >>= 1;
    }
    product
}

/// How one version's codewords are made: its blocks and the generator polynomial's multiples.
pub(super) struct Blocks {
    /// `(b1 size, b1 count, b2 size, b2 count)` as in [`DATA_BLOCKS_M`].
    data: (usize, usize, usize, usize),
    /// Error correction codewords per block.
    ec: usize,
    /// Row `c` (`ec` bytes from `c * ec`) holds the generator's coefficients below its leading
    /// one, highest first, each times `c`.
    times: Vec<u8>,
}

impl Blocks {
    /// Version `number` (1 to 40) at error correction M.
    pub(super) fn new(number: usize) -> Option<Self> {
        let data = *DATA_BLOCKS_M.get(number.checked_sub(1)?)?;
        let ec = EC_PER_BLOCK_M[number - 1];
        // (x − α^0)(x − α^1)…(x − α^(ec−1)), highest power first; minus is plus here.
        let mut generator = vec![1u8];
        let mut alpha = 1u8;
        for _ in 0..ec {
            let mut next = generator.clone();
            next.push(0);
            for (k, &g) in generator.iter().enumerate() {
                next[k + 1] ^= gf_mul(g, alpha);
            }
            generator = next;
            alpha = gf_mul(alpha, 2);
        }
        let times = (0..=255u8)
            .flat_map(|c| generator[1..].iter().map(move |&g| gf_mul(g, c)))
            .collect();
        Some(Blocks { data, ec, times })
    }

    /// The data codewords and the error correction codewords of `raw` (the encoded data, as
    /// many bytes as the version holds), each interleaved across blocks as the crate does;
    /// `None` when `raw` is not of that length.
    pub(super) fn codewords(&self, raw: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let (size1, count1, size2, count2) = self.data;
        let end1 = size1 * count1;
        if raw.len() != end1 + size2 * count2 {
            return None;
        }
        let blocks: Vec<&[u8]> = raw[..end1]
            .chunks(size1.max(1))
            .chain(raw[end1..].chunks(size2.max(1)))
            .collect();
        let mut data = Vec::with_capacity(raw.len());
        let longest = size1.max(size2);
        for i in 0..longest {
            data.extend(blocks.iter().filter_map(|b| b.get(i)));
        }
        let n = self.ec;
        let mut remainders = Vec::with_capacity(blocks.len());
        let mut work = Vec::new();
        for block in &blocks {
            // Long division by the generator: each leading codeword's multiple of it is added
            // (xor) to the codewords after it; what is left past the data is the remainder.
            work.clear();
            work.extend_from_slice(block);
            work.resize(block.len() + n, 0);
            for i in 0..block.len() {
                let lead = usize::from(work[i]);
                if lead == 0 {
                    continue;
                }
                let row = &self.times[lead * n..lead * n + n];
                for (w, &t) in work[i + 1..i + 1 + n].iter_mut().zip(row) {
                    *w ^= t;
                }
            }
            remainders.push(work.split_off(block.len()));
        }
        let mut ec = Vec::with_capacity(n * remainders.len());
        for i in 0..n {
            ec.extend(remainders.iter().map(|r| r[i]));
        }
        Some((data, ec))
    }
}

#[cfg(test)]
mod tests {
    use qrcode::ec::construct_codewords;
    use qrcode::types::Version;
    use qrcode::EcLevel;

    /// The crate's codewords for every version, from random data of the version's length.
    #[test]
    fn same_codewords_as_the_qrcode_crate_for_every_version() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut byte = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        };
        for v in 1..=40usize {
            let blocks = super::Blocks::new(v).expect("versions 1 to 40");
            let (s1, c1, s2, c2) = super::DATA_BLOCKS_M[v - 1];
            for round in 0..20 {
                let raw: Vec<u8> = (0..s1 * c1 + s2 * c2)
                    .map(|i| if round == 0 && i % 3 == 0 { 0 } else { byte() })
                    .collect();
                let expected = construct_codewords(&raw, Version::Normal(v as i16), EcLevel::M)
                    .expect("a valid version");
                assert!(blocks.codewords(&raw) == Some(expected), "version {v}");
            }
            assert!(blocks.codewords(&[0; 3]).is_none());
        }
        assert!(super::Blocks::new(0).is_none() && super::Blocks::new(41).is_none());
    }
}
