//! QR codes of page URLs, generated at build time as inline SVG (no external QR service).
//!
//! Every page has one, so this is on the hot path of a build. The `qrcode` crate encodes the data
//! and places it on its canvas; choosing the mask (eight canvas clones, eight penalty evaluations
//! through boxed closures) and its SVG writer (one `write!` per module) dominated the whole render
//! stage. Here the mask is chosen with the same penalty rules evaluated on rows of bits, a whole
//! row or a whole band of columns per machine word, and the SVG is written directly — the output
//! is byte-identical to `QrCode::render::<svg::Color>()` (see the tests).

use std::ops::{BitAnd, BitOr, BitXor, Not};
use std::sync::OnceLock;

use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, Module};
use qrcode::ec::construct_codewords;
use qrcode::types::{Color, Version};
use qrcode::EcLevel;

#[path = "qr_ec.rs"]
mod ec;

/// Side of the rendered code in pixels, at least.
const MIN_SIZE: u32 = 132;
/// Quiet zone around a (non-micro) QR code, in modules.
const QUIET_ZONE: u32 = 4;

/// Words per row for the widest code (version 40 is 177 modules wide).
const MAX_WORDS: usize = 3;
/// Every mask function repeats after 12 rows (lcm of the periods 2, 3, 4 and 6 in y).
const MASK_PERIOD: usize = 12;
/// The crate's eight masks, in its order (`MaskPattern` 0b000 to 0b111), row by row: bit x of
/// entry `[p][y % 12]` is set where mask `p` inverts module (x, y). Tabled once so a masked row is
/// one XOR per word instead of a function call per module.
static MASK_ROWS: [[[u64; MAX_WORDS]; MASK_PERIOD]; 8] = mask_rows();

/// The crate's mask functions (`qrcode::canvas::mask_functions`), indexed like `MaskPattern`.
const fn inverts(mask: usize, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

const fn mask_rows() -> [[[u64; MAX_WORDS]; MASK_PERIOD]; 8] {
    let mut table = [[[0; MAX_WORDS]; MASK_PERIOD]; 8];
    let mut mask = 0;
    while mask < 8 {
        let mut y = 0;
        while y < MASK_PERIOD {
            let mut x = 0;
            while x < 64 * MAX_WORDS {
                if inverts(mask, x, y) {
                    table[mask][y][x / 64] |= 1 << (x % 64);
                }
                x += 1;
            }
            y += 1;
        }
        mask += 1;
    }
    table
}

/// The crate's format information for error correction M and each mask (`FORMAT_INFOS_QR[0..8]`),
/// drawn most significant bit first at [`FORMAT_MAIN`] and at [`format_side`].
const FORMAT_INFOS_M: [u16; 8] = [
    0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0,
];

/// Where the first copy of the format information goes, as (x, y), beside the top-left finder.
const FORMAT_MAIN: [(usize, usize); 15] = [
    (0, 8),
    (1, 8),
    (2, 8),
    (3, 8),
    (4, 8),
    (5, 8),
    (7, 8),
    (8, 8),
    (8, 7),
    (8, 5),
    (8, 4),
    (8, 3),
    (8, 2),
    (8, 1),
    (8, 0),
];

/// Where bit `k` (0 = most significant) of the second copy goes: up the column beside the
/// bottom-left finder, then along the row below the top-right one.
fn format_side(k: usize, width: usize) -> (usize, usize) {
    if k < 7 {
        (8, width - 1 - k)
    } else {
        (width + k - 15, 8)
    }
}

/// One row (or, across rows, one band of columns) of a code as bits: bit x is module x. Bits at
/// and beyond the width stay clear, so shifts bring in light modules past both edges.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Bits<const N: usize>([u64; N]);

impl<const N: usize> Bits<N> {
    const ZERO: Self = Self([0; N]);

    /// The first `n` bits set.
    fn low(n: usize) -> Self {
        let mut words = [0; N];
        for (i, word) in words.iter_mut().enumerate() {
            let below = n.saturating_sub(64 * i);
            *word = if below >= 64 { !0 } else { (1 << below) - 1 };
        }
        Self(words)
    }

    fn from_table(words: &[u64; MAX_WORDS]) -> Self {
        let mut out = [0; N];
        out.copy_from_slice(&words[..N]);
        Self(out)
    }

    #[cfg(test)]
    fn get(&self, x: usize) -> bool {
        self.0[x / 64] >> (x % 64) & 1 == 1
    }

    fn set(&mut self, x: usize, dark: bool) {
        let bit = 1 << (x % 64);
        if dark {
            self.0[x / 64] |= bit;
        } else {
            self.0[x / 64] &= !bit;
        }
    }

    /// Bit x of the result is bit x + k of `self` (module x + k moves to x), 0 < k < 64.
    fn ahead(self, k: u32) -> Self {
        let mut out = self.0.map(|w| w >> k);
        for (o, &next) in out.iter_mut().zip(&self.0[1..]) {
            *o |= next << (64 - k);
        }
        Self(out)
    }

    /// Bit x of the result is bit x − k of `self`, 0 < k < 64.
    fn behind(self, k: u32) -> Self {
        let mut out = self.0.map(|w| w << k);
        for (o, &prev) in out.iter_mut().skip(1).zip(&self.0) {
            *o |= prev >> (64 - k);
        }
        Self(out)
    }

    #[inline(always)]
    fn count(self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
}

impl<const N: usize> BitAnd for Bits<N> {
    type Output = Self;
    fn bitand(mut self, rhs: Self) -> Self {
        self.0.iter_mut().zip(rhs.0).for_each(|(a, b)| *a &= b);
        self
    }
}

impl<const N: usize> BitOr for Bits<N> {
    type Output = Self;
    fn bitor(mut self, rhs: Self) -> Self {
        self.0.iter_mut().zip(rhs.0).for_each(|(a, b)| *a |= b);
        self
    }
}

impl<const N: usize> BitXor for Bits<N> {
    type Output = Self;
    fn bitxor(mut self, rhs: Self) -> Self {
        self.0.iter_mut().zip(rhs.0).for_each(|(a, b)| *a ^= b);
        self
    }
}

impl<const N: usize> Not for Bits<N> {
    type Output = Self;
    fn not(mut self) -> Self {
        self.0.iter_mut().for_each(|a| *a = !*a);
        self
    }
}

/// An inline `<svg>` of `url`, or an empty string if the URL is too long for a QR code.
pub fn svg_for(url: &str) -> String {
    // No memo: `jiedu serve` renders again only the pages an edit touched.
    generate(url)
}

/// The code drawn straight from its rows of bits (the runs of a row found a word at a time),
/// with no module-by-module copy in between.
fn generate(url: &str) -> String {
    let Some((data, ec, layout)) = codewords(url) else {
        return String::new();
    };
    let width = layout.width;
    match width {
        0..=64 => svg_rows(&best_rows::<1>(layout.unmasked(&data, &ec)), width),
        65..=128 => svg_rows(&best_rows::<2>(layout.unmasked(&data, &ec)), width),
        129..=192 => svg_rows(&best_rows::<3>(layout.unmasked(&data, &ec)), width),
        _ => String::new(),
    }
}

/// The data and error correction codewords of `url` at error correction M (the `qrcode`
/// crate's encoding), and the layout of its version.
fn codewords(url: &str) -> Option<(Vec<u8>, Vec<u8>, &'static Layout)> {
    let bits = encode_auto(url.as_bytes(), EcLevel::M).ok()?;
    let version = bits.version();
    let Version::Normal(number) = version else {
        return None;
    };
    let layout = layout(number)?;
    let raw = bits.into_bytes();
    let (data, ec) = match layout.blocks.as_ref().and_then(|b| b.codewords(&raw)) {
        Some(codewords) => codewords,
        None => construct_codewords(&raw, version, EcLevel::M).ok()?,
    };
    Some((data, ec, layout))
}

/// What every code of one version has in common, worked out once per version: the functional
/// patterns the `qrcode` crate draws, which modules a mask may invert, and the order in which
/// the crate places the data and error correction bits. Every page has its own URL, so each
/// code is new; drawing the patterns on a fresh canvas and walking it to place the bits was
/// as much work as choosing the mask.
struct Layout {
    width: usize,
    /// Dark modules of the functional patterns, row by row (bit x of a row is module x).
    functional: Vec<[u64; MAX_WORDS]>,
    /// The modules left empty by the functional patterns: data, error correction and
    /// remainder bits, which the mask inverts.
    maskable: Vec<[u64; MAX_WORDS]>,
    /// The empty modules as (x, y) in the order the crate's `Canvas::draw_data` fills them.
    order: Vec<(u8, u8)>,
    /// How the version's error correction is made (the crate's own `construct_codewords`
    /// makes it should this not hold the version).
    blocks: Option<ec::Blocks>,
}

/// The layouts of versions 1 to 40, each made when a code of its version is first drawn.
static LAYOUTS: [OnceLock<Layout>; 40] = [const { OnceLock::new() }; 40];

fn layout(version: i16) -> Option<&'static Layout> {
    let slot = LAYOUTS.get(usize::try_from(version).ok()?.checked_sub(1)?)?;
    Some(slot.get_or_init(|| Layout::new(version)))
}

impl Layout {
    fn new(number: i16) -> Self {
        let version = Version::Normal(number);
        let w = version.width();
        let width = w as usize;
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        let mut functional = vec![[0u64; MAX_WORDS]; width];
        let mut maskable = vec![[0u64; MAX_WORDS]; width];
        for y in 0..w {
            for x in 0..w {
                let (row, bit) = (y as usize, 1 << (x as usize % 64));
                match canvas.get(x, y) {
                    Module::Masked(Color::Dark) => functional[row][x as usize / 64] |= bit,
                    Module::Masked(Color::Light) => {}
                    Module::Unmasked(_) | Module::Empty => maskable[row][x as usize / 64] |= bit,
                }
            }
        }
        // The crate's `DataModuleIter` for a normal code: pairs of columns from the right,
        // upwards and downwards in turn, stepping over the vertical timing pattern (column 6);
        // `draw_codewords` skips the modules that are not empty.
        let mut order = Vec::with_capacity(width * width);
        let (mut x, mut y) = (w - 1, w - 1);
        loop {
            let column = if x <= 6 { x + 1 } else { x };
            if column <= 0 {
                break;
            }
            if canvas.get(x, y) == Module::Empty {
                order.push((x as u8, y as u8));
            }
            match (w - column) % 4 {
                2 if y > 0 => (x, y) = (x + 1, y - 1),
                0 if y < w - 1 => (x, y) = (x + 1, y + 1),
                0 | 2 if x == 7 => x -= 2,
                _ => x -= 1,
            }
        }
        Layout {
            width,
            functional,
            maskable,
            order,
            blocks: usize::try_from(number).ok().and_then(ec::Blocks::new),
        }
    }

    /// The code's modules before masking: the functional patterns with the bits of `data` then
    /// `ec` (most significant first) dark where set, as `Canvas::draw_data` places them; bits
    /// beyond the last empty module are dropped, as there. And the modules a mask inverts.
    fn unmasked<const N: usize>(&self, data: &[u8], ec: &[u8]) -> (Vec<Bits<N>>, Vec<Bits<N>>) {
        let mut dark: Vec<Bits<N>> = self.functional.iter().map(Bits::from_table).collect();
        let maskable = self.maskable.iter().map(Bits::from_table).collect();
        let bits = data
            .iter()
            .chain(ec)
            .flat_map(|&byte| (0..8).rev().map(move |j| byte >> j & 1 == 1));
        for (&(x, y), set) in self.order.iter().zip(bits) {
            if set {
                dark[y as usize].set(x as usize, true);
            }
        }
        (dark, maskable)
    }
}

/// The data and error correction placed on a canvas with the functional patterns, not yet
/// masked, by the `qrcode` crate itself (what the tests compare [`Layout`] with).
#[cfg(test)]
fn unmasked_canvas(url: &str) -> Option<(Canvas, Version)> {
    let bits = encode_auto(url.as_bytes(), EcLevel::M).ok()?;
    let version = bits.version();
    if !matches!(version, Version::Normal(_)) {
        return None;
    }
    let (data, ec) = construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    Some((canvas, version))
}

/// The dark modules (row by row) and the width of the code for `url`, at error correction M,
/// with the mask the `qrcode` crate would choose (what the tests compare with the crate).
#[cfg(test)]
fn modules(url: &str) -> Option<(Vec<bool>, usize)> {
    let (data, ec, layout) = codewords(url)?;
    let width = layout.width;
    // One, two or three words a row; a width beyond three words cannot come out of the crate.
    let dark = match width {
        0..=64 => best_masked::<1>(layout.unmasked(&data, &ec), width),
        65..=128 => best_masked::<2>(layout.unmasked(&data, &ec), width),
        129..=192 => best_masked::<3>(layout.unmasked(&data, &ec), width),
        _ => return None,
    };
    Some((dark, width))
}

/// The canvas as rows of bits: the dark modules before masking, and the modules a mask may invert
/// (data, error correction and remainder bits; `Module::Masked` marks the functional patterns).
#[cfg(test)]
fn unmasked_rows<const N: usize>(canvas: &Canvas, width: usize) -> (Vec<Bits<N>>, Vec<Bits<N>>) {
    let mut dark = vec![Bits::<N>::ZERO; width];
    let mut data = vec![Bits::<N>::ZERO; width];
    for (y, (dark_row, data_row)) in dark.iter_mut().zip(data.iter_mut()).enumerate() {
        for x in 0..width {
            // Both fit in i16: `width` is the canvas's own i16 width.
            match canvas.get(x as i16, y as i16) {
                Module::Masked(c) => dark_row.set(x, c == Color::Dark),
                Module::Unmasked(c) => {
                    dark_row.set(x, c == Color::Dark);
                    data_row.set(x, true);
                }
                Module::Empty => data_row.set(x, true),
            }
        }
    }
    (dark, data)
}

/// What `Canvas::apply_mask` draws for the mask numbered `mask` (`MaskPattern as usize`): the maskable modules inverted where the mask
/// says so, then both copies of the format information for that mask.
#[inline(always)]
fn apply_mask<const N: usize>(
    base: &[Bits<N>],
    data: &[Bits<N>],
    mask: usize,
    out: &mut [Bits<N>],
) {
    let table = &MASK_ROWS[mask];
    for (y, ((row, &b), &d)) in out.iter_mut().zip(base).zip(data).enumerate() {
        *row = b ^ (Bits::from_table(&table[y % MASK_PERIOD]) & d);
    }
    let width = out.len();
    let info = FORMAT_INFOS_M[mask];
    for (k, &(x, y)) in FORMAT_MAIN.iter().enumerate() {
        let dark = info >> (14 - k) & 1 == 1;
        out[y].set(x, dark);
        let (x, y) = format_side(k, width);
        out[y].set(x, dark);
    }
}

/// The masked code with the lowest penalty, one bool a module (row by row).
#[cfg(test)]
fn best_masked<const N: usize>(unmasked: (Vec<Bits<N>>, Vec<Bits<N>>), width: usize) -> Vec<bool> {
    best_rows::<N>(unmasked)
        .iter()
        .flat_map(|row| (0..width).map(move |x| row.get(x)))
        .collect()
}

/// The masked code with the lowest penalty, the first in the crate's order on a tie, as rows.
fn best_rows<const N: usize>(unmasked: (Vec<Bits<N>>, Vec<Bits<N>>)) -> Vec<Bits<N>> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has the instruction the function is compiled to use.
        return unsafe { best_rows_popcnt(unmasked) };
    }
    best_rows_inline(unmasked)
}

/// [`best_rows_inline`] compiled with the processor's population count. The penalty counts
/// modules about 1,500 times a code; the baseline x86-64 target has no such instruction, so
/// each count was a dozen shifts, masks and a multiply (about a tenth of every page's QR code).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn best_rows_popcnt<const N: usize>(unmasked: (Vec<Bits<N>>, Vec<Bits<N>>)) -> Vec<Bits<N>> {
    best_rows_inline(unmasked)
}

/// [`best_rows`], inlined into its callers (with the counting it calls) so that each is
/// compiled for its caller's processor features.
#[inline(always)]
fn best_rows_inline<const N: usize>((base, data): (Vec<Bits<N>>, Vec<Bits<N>>)) -> Vec<Bits<N>> {
    let width = base.len();
    let mut rows = base.clone();
    let mut best = base.clone();
    let mut best_score = None;
    let mut same_below = Vec::with_capacity(width);
    for mask in 0..8 {
        apply_mask(&base, &data, mask, &mut rows);
        let score = penalty(&rows, &mut same_below);
        if best_score.is_none_or(|b| score < b) {
            best_score = Some(score);
            std::mem::swap(&mut best, &mut rows);
        }
    }
    best
}

/// Runs of five or more equal modules score length − 2 each: every window of five equal modules
/// (`windows`) scores 1, and the first window of each run (`starts`) 2 more.
#[inline(always)]
fn run_score<const N: usize>(windows: Bits<N>, starts: Bits<N>) -> u32 {
    windows.count() + 2 * starts.count()
}

/// `#.###.#` starting at each set bit of `found`, not bordered by dark modules within four on both
/// sides (`dark_before`/`dark_after`: any dark module there): 40 points each.
#[inline(always)]
fn finder_score<const N: usize>(found: Bits<N>, dark_before: Bits<N>, dark_after: Bits<N>) -> u32 {
    40 * (found & !(dark_before & dark_after)).count()
}

/// The `qrcode` crate's penalty score for a normal QR code: the same rules, and the same u16
/// total, which wraps. Rows are scored with shifts inside a row, columns with the same operations
/// across rows, every column of the band at once. `same_below` is scratch space.
#[inline(always)]
fn penalty<const N: usize>(rows: &[Bits<N>], same_below: &mut Vec<Bits<N>>) -> u16 {
    let width = rows.len();
    let all = Bits::<N>::low(width);
    let pairs = Bits::<N>::low(width - 1);
    let mut adjacent = 0u32;
    let mut block = 0u32;
    let mut finder = 0u32;
    let mut dark = 0u32;
    let mut same_right_above = Bits::ZERO;
    same_below.clear();
    for (y, &r) in rows.iter().enumerate() {
        dark += r.count();
        let same_right = !(r ^ r.ahead(1)) & pairs;
        let windows = same_right & same_right.ahead(1) & same_right.ahead(2) & same_right.ahead(3);
        adjacent += run_score(windows, windows & !same_right.behind(1));
        let found =
            r & !r.ahead(1) & r.ahead(2) & r.ahead(3) & r.ahead(4) & !r.ahead(5) & r.ahead(6);
        if found != Bits::ZERO {
            let before = r.behind(1) | r.behind(2) | r.behind(3) | r.behind(4);
            let after = r.ahead(7) | r.ahead(8) | r.ahead(9) | r.ahead(10);
            finder += finder_score(found, before, after);
        }
        if y > 0 {
            let same = !(rows[y - 1] ^ r) & all;
            block += 3 * (same_right_above & same_right & same).count();
            same_below.push(same);
        }
        same_right_above = same_right;
    }
    for y in 0..width.saturating_sub(4) {
        let s = &same_below[y..y + 4];
        let windows = s[0] & s[1] & s[2] & s[3];
        let starts = if y == 0 {
            windows
        } else {
            windows & !same_below[y - 1]
        };
        adjacent += run_score(windows, starts);
    }
    let any = |band: &[Bits<N>]| band.iter().fold(Bits::ZERO, |acc, &r| acc | r);
    for y in 0..width.saturating_sub(6) {
        let w = &rows[y..y + 7];
        let found = w[0] & !w[1] & w[2] & w[3] & w[4] & !w[5] & w[6];
        if found != Bits::ZERO {
            let before = any(&rows[y.saturating_sub(4)..y]);
            let after = any(&rows[y + 7..(y + 11).min(width)]);
            finder += finder_score(found, before, after);
        }
    }
    let ratio = dark as usize * 200 / (width * width);
    let balance = ratio.abs_diff(100) as u16;
    // Truncating each sum to u16 gives the crate's wrapping u16 arithmetic; it subtracts the 9 real
    // finder rows/columns per direction (360 points each).
    (adjacent as u16)
        .wrapping_add(block as u16)
        .wrapping_add((finder as u16).wrapping_sub(720))
        .wrapping_add(balance)
}

fn push_num(out: &mut Vec<u8>, n: u32) {
    // The sizes in the head, and the coordinates and runs of the tests' writer: pushed byte by
    // byte, not copied from a buffer (a copy of unknown length is a `memcpy` call).
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    if n < 100 {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
        return;
    }
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// The SVG the `qrcode` crate's renderer writes (minimum 132 px, quiet zone), inline and labelled.
/// Draws the code in module units (viewBox) with one path segment per horizontal run of dark
/// modules: about a third of the bytes of one square per module, on every page of the site.
/// Written as bytes: pushing `char`s one by one cost as much as choosing the mask.
#[cfg(test)]
fn svg(dark: &[bool], width: usize) -> String {
    let mut out = svg_head(width);
    for (y, row) in dark.chunks(width).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|&&d| d).count();
            push_run(&mut out, x, y, run);
            x += run;
        }
    }
    svg_end(out)
}

/// [`svg`] of rows of bits: the same bytes, each run of dark modules found with a count of
/// trailing zeros (or ones) in a word instead of a look at every module.
fn svg_rows<const N: usize>(rows: &[Bits<N>], width: usize) -> String {
    let mut out = Segments::after(svg_head(width));
    for (y, row) in rows.iter().enumerate() {
        out.make_room(width);
        let mut x = 0;
        // Bits at and beyond the width are clear, so no run goes past it.
        while x < 64 * N {
            let light = (row.0[x / 64] >> (x % 64)).trailing_zeros() as usize;
            // A word's bits above the shift come in as zeros: a count never passes its word.
            if light >= 64 - x % 64 {
                x += 64 - x % 64;
                continue;
            }
            x += light;
            let start = x;
            while x < 64 * N {
                let dark = (!(row.0[x / 64] >> (x % 64))).trailing_zeros() as usize;
                let rest = 64 - x % 64;
                x += dark.min(rest);
                if dark < rest {
                    break;
                }
            }
            out.run(start, y, x - start);
        }
    }
    svg_end(out.done())
}

/// The decimal digits of 0 to 999, padded to three bytes, and their count in the fourth.
static DECIMAL: [[u8; 4]; 1000] = decimal();

const fn decimal() -> [[u8; 4]; 1000] {
    let mut table = [[0; 4]; 1000];
    let mut n = 0;
    while n < 1000 {
        let (h, t, u) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = match n {
            0..=9 => [b'0' + u, 0, 0, 1],
            10..=99 => [b'0' + t, b'0' + u, 0, 2],
            _ => [b'0' + h, b'0' + t, b'0' + u, 3],
        };
        n += 1;
    }
    table
}

/// The path segments of a code written into room made ready a row at a time, the numbers
/// copied three bytes at a time from [`DECIMAL`] (the bytes past a shorter number are
/// overwritten by what follows): pushed byte by byte (a capacity check and a length update
/// each, fifteen a segment, about 300 segments a code, every page) the writing cost a third of
/// a code.
struct Segments {
    out: Vec<u8>,
    /// Where the next byte goes; `out` beyond it is room, cut off at the end.
    end: usize,
}

impl Segments {
    /// The longest segment, `M181 181h177v1h-177z` (version 40 is 177 modules wide), and the
    /// two bytes a number's padding can reach past it.
    const MAX: usize = 22;

    fn after(head: Vec<u8>) -> Self {
        Segments {
            end: head.len(),
            out: head,
        }
    }

    /// Room for the segments of a row of `width` modules: at most `(width + 1) / 2` runs.
    fn make_room(&mut self, width: usize) {
        let need = self.end + width.div_ceil(2) * Self::MAX;
        if self.out.len() < need {
            self.out.resize(need, 0);
        }
    }

    /// Room for one segment, should a row's not be made (out of line: never taken).
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        self.out.resize(self.end + Self::MAX, 0);
    }

    /// One segment: the run of `run` dark modules from module `x` of row `y`, the bytes
    /// [`push_run`] pushes.
    fn run(&mut self, x: usize, y: usize, run: usize) {
        let Some(seg) = self.out.get_mut(self.end..self.end + Self::MAX) else {
            self.grow();
            return self.run(x, y, run);
        };
        let q = QUIET_ZONE as usize;
        let mut at = 0;
        let num = |seg: &mut [u8], at: &mut usize, n: usize| {
            // Every number of a code is below 1000: a coordinate of a code at most 177
            // modules wide, with its quiet zone, or a run.
            let d = DECIMAL[n.min(999)];
            seg[*at..*at + 3].copy_from_slice(&d[..3]);
            *at += usize::from(d[3]);
        };
        seg[0] = b'M';
        at += 1;
        num(seg, &mut at, x + q);
        seg[at] = b' ';
        at += 1;
        num(seg, &mut at, y + q);
        seg[at] = b'h';
        at += 1;
        num(seg, &mut at, run);
        seg[at..at + 4].copy_from_slice(b"v1h-");
        at += 4;
        num(seg, &mut at, run);
        seg[at] = b'z';
        self.end += at + 1;
    }

    fn done(mut self) -> Vec<u8> {
        self.out.truncate(self.end);
        self.out
    }
}

/// The SVG up to the first path segment.
fn svg_head(width: usize) -> Vec<u8> {
    let w = width as u32;
    let cells = w + 2 * QUIET_ZONE;
    let size = cells * MIN_SIZE.div_ceil(cells).max(1);
    let mut out = Vec::with_capacity(400 + width * width * 4);
    out.extend_from_slice("<svg role=\"img\" aria-label=\"本页网址二维码\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\" width=\"".as_bytes());
    push_num(&mut out, size);
    out.extend_from_slice(b"\" height=\"");
    push_num(&mut out, size);
    out.extend_from_slice(b"\" viewBox=\"0 0 ");
    push_num(&mut out, cells);
    out.push(b' ');
    push_num(&mut out, cells);
    out.extend_from_slice(b"\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
    out
}

/// One path segment: the run of `run` dark modules from module `x` of row `y` (what the tests'
/// writer of one bool a module draws; [`Segments::run`] writes the same bytes).
#[cfg(test)]
fn push_run(out: &mut Vec<u8>, x: usize, y: usize, run: usize) {
    out.push(b'M');
    push_num(out, x as u32 + QUIET_ZONE);
    out.push(b' ');
    push_num(out, y as u32 + QUIET_ZONE);
    out.push(b'h');
    push_num(out, run as u32);
    out.extend_from_slice(b"v1h-");
    push_num(out, run as u32);
    out.push(b'z');
}

/// The SVG's end, and the whole as text.
fn svg_end(mut out: Vec<u8>) -> String {
    out.extend_from_slice(b"\"/></svg>");
    // Only whole string literals and ASCII digits went in, so this is always valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{Bits, Color, QUIET_ZONE};
    use qrcode::canvas::{Canvas, MaskPattern};
    use qrcode::types::Version;
    use qrcode::{EcLevel, QrCode};
    use std::hint::black_box;
    use std::time::Instant;

    /// The masks in the order the `qrcode` crate tries them; the first with the lowest penalty wins.
    const MASKS: [MaskPattern; 8] = [
        MaskPattern::Checkerboard,
        MaskPattern::HorizontalLines,
        MaskPattern::VerticalLines,
        MaskPattern::DiagonalLines,
        MaskPattern::LargeCheckerboard,
        MaskPattern::Fields,
        MaskPattern::Diamonds,
        MaskPattern::Meadow,
    ];

    /// The straightforward mask choice the bit-row version replaced: the crate masks a clone of
    /// the canvas for every mask, and the penalty is scored module by module.
    fn reference_modules(url: &str) -> Option<(Vec<bool>, usize)> {
        let (canvas, version) = super::unmasked_canvas(url)?;
        let width = usize::try_from(version.width()).ok()?;
        MASKS
            .iter()
            .map(|&mask| masked_by_the_crate(&canvas, mask))
            .min_by_key(|dark| reference_penalty(dark, width))
            .map(|dark| (dark, width))
    }

    fn masked_by_the_crate(canvas: &Canvas, mask: MaskPattern) -> Vec<bool> {
        let mut c = canvas.clone();
        c.apply_mask(mask);
        c.into_colors()
            .into_iter()
            .map(|m| m == Color::Dark)
            .collect()
    }

    /// The crate's penalty rules read literally, on one bool a module.
    fn reference_penalty(dark: &[bool], w: usize) -> u16 {
        let mut transposed = vec![false; dark.len()];
        for (y, row) in dark.chunks_exact(w).enumerate() {
            for (x, &d) in row.iter().enumerate() {
                transposed[x * w + y] = d;
            }
        }
        let mut adjacent = 0u16;
        let mut finder = 0u16;
        for line in dark.chunks_exact(w).chain(transposed.chunks_exact(w)) {
            adjacent = adjacent.wrapping_add(reference_run_penalty(line));
            finder = finder.wrapping_add(reference_finder_penalty(line));
        }
        let mut block = 0u16;
        for pair in dark.chunks_exact(w).collect::<Vec<_>>().windows(2) {
            let (top, bottom) = (pair[0], pair[1]);
            for x in 0..w - 1 {
                let c = top[x];
                if top[x + 1] == c && bottom[x] == c && bottom[x + 1] == c {
                    block = block.wrapping_add(3);
                }
            }
        }
        let dark_count = dark.iter().filter(|&&d| d).count();
        let ratio = dark_count * 200 / dark.len();
        let balance = ratio.abs_diff(100) as u16;
        adjacent
            .wrapping_add(block)
            .wrapping_add(finder.wrapping_sub(720))
            .wrapping_add(balance)
    }

    fn reference_run_penalty(line: &[bool]) -> u16 {
        let mut score = 0u16;
        let mut run = 1u16;
        for k in 1..=line.len() {
            if k < line.len() && line[k] == line[k - 1] {
                run += 1;
            } else {
                if run >= 5 {
                    score = score.wrapping_add(run - 2);
                }
                run = 1;
            }
        }
        score
    }

    fn reference_finder_penalty(line: &[bool]) -> u16 {
        const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
        let w = line.len();
        let mut score = 0u16;
        for j in 0..w.saturating_sub(6) {
            if line[j..j + 7] != PATTERN {
                continue;
            }
            let dark_before = line[j.saturating_sub(4)..j].iter().any(|&d| d);
            let dark_after = line[j + 7..(j + 11).min(w)].iter().any(|&d| d);
            if !dark_before || !dark_after {
                score = score.wrapping_add(40);
            }
        }
        score
    }

    /// The dark modules the `qrcode` crate itself chooses for `url` (mask search included).
    fn reference(url: &str) -> Vec<(u32, u32)> {
        let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        else {
            return Vec::new();
        };
        let w = code.width() as u32;
        let colors = code.to_colors();
        (0..w * w)
            .filter(|i| colors[*i as usize] == Color::Dark)
            .map(|i| (i % w + QUIET_ZONE, i / w + QUIET_ZONE))
            .collect()
    }

    /// Reads the dark modules back out of our SVG path (`M x y h n v1 h-n z` runs).
    fn drawn(svg: &str) -> Vec<(u32, u32)> {
        let Some(d) = svg.split(" d=\"").nth(1).and_then(|r| r.split('"').next()) else {
            return Vec::new();
        };
        let mut cells = Vec::new();
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (u32, u32) = (x.parse().unwrap(), y.parse().unwrap());
            let n: u32 = rest.split('v').next().unwrap().parse().unwrap();
            cells.extend((x..x + n).map(|cx| (cx, y)));
        }
        cells
    }

    /// A small deterministic generator (xorshift), so the random cases are the same every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// A URL of about `len` bytes, with path segments, digits and now and then Chinese text.
    fn url_of_length(rng: &mut Rng, len: usize) -> String {
        const PIECES: [&str; 8] = [
            "zhengce",
            "/",
            "clause",
            "-",
            "单位",
            "qa",
            "0123",
            "liaocheng",
        ];
        let mut url = String::from("https://www.example.gov.cn/");
        while url.len() < len {
            url.push_str(PIECES[rng.below(PIECES.len())]);
            url.push(char::from(b'a' + rng.below(26) as u8));
        }
        url
    }

    fn bench_urls() -> Vec<String> {
        (0..10_000)
            .map(|i| {
                format!(
                    "https://www.liaocheng.gov.cn/zhengce/zhengce-{:04}/clause/{}-{}-{}/",
                    i / 10,
                    i % 10 + 1,
                    i % 7 + 1,
                    i % 13 + 1
                )
            })
            .collect()
    }

    /// Our masked rows as one bool a module, through `N` words a row.
    fn masked_rows<const N: usize>(canvas: &Canvas, width: usize, mask: usize) -> (Vec<bool>, u16) {
        let (base, data) = super::unmasked_rows::<N>(canvas, width);
        let mut rows = vec![Bits::<N>::ZERO; width];
        super::apply_mask(&base, &data, mask, &mut rows);
        let score = super::penalty(&rows, &mut Vec::new());
        let dark = rows
            .iter()
            .flat_map(|r| (0..width).map(move |x| r.get(x)))
            .collect();
        (dark, score)
    }

    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg_for("https://example.org/yiliao-gaodi/clause/4-1-1/");
        assert!(s.starts_with("<svg role=\"img\""));
        assert!(!s.contains("<?xml"));
        assert!(s.ends_with("</svg>"));
    }

    #[test]
    fn same_code_as_the_qrcode_crate_for_urls_of_every_length() {
        let mut url = String::from("https://example.org/");
        for i in 0..400 {
            assert_eq!(drawn(&super::svg_for(&url)), reference(&url), "{url}");
            url.push(char::from(b'a' + (i % 26) as u8));
            if i % 7 == 0 {
                url.push_str("/qa/");
            }
        }
        for u in [
            "https://example.org/",
            "https://example.org/yiliao-gaodi/qa/talent-housing/",
            "https://政策.example.org/单位/",
            "http://127.0.0.1:8000/unit/abcdef0123/",
        ] {
            assert_eq!(drawn(&super::svg_for(u)), reference(u), "{u}");
        }
    }

    /// Masks, format information and penalties, for every version and mask, against the crate's
    /// own `apply_mask` and the literal penalty; random data, sometimes too short to fill the
    /// code, so the empty (remainder) modules are masked too.
    #[test]
    fn masks_and_penalties_match_the_crate_for_every_version() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for v in 1..=40i16 {
            let version = Version::Normal(v);
            let width = version.width() as usize;
            for fill in [4000, 30 * v as usize] {
                let mut canvas = Canvas::new(version, EcLevel::M);
                canvas.draw_all_functional_patterns();
                let data: Vec<u8> = (0..fill).map(|_| rng.next() as u8).collect();
                canvas.draw_data(&data, &[]);
                for (mask, &pattern) in MASKS.iter().enumerate() {
                    let expected = masked_by_the_crate(&canvas, pattern);
                    let score = reference_penalty(&expected, width);
                    let wide = masked_rows::<3>(&canvas, width, mask);
                    assert!(
                        wide == (expected.clone(), score),
                        "version {v}, mask {mask}"
                    );
                    let tight = match width {
                        0..=64 => masked_rows::<1>(&canvas, width, mask),
                        65..=128 => masked_rows::<2>(&canvas, width, mask),
                        _ => masked_rows::<3>(&canvas, width, mask),
                    };
                    assert!(tight == (expected, score), "version {v}, mask {mask}");
                }
            }
        }
    }

    /// The layout worked out once per version places data and error correction where the
    /// crate's own canvas does, for every version: random codewords, too few to fill the code
    /// (remainder modules stay empty), about enough, and too many (the rest is dropped).
    #[test]
    fn layout_places_bits_where_the_crate_does_for_every_version() {
        let mut rng = Rng(0x51_7cc1_b727_220a);
        for v in 1..=40i16 {
            let version = Version::Normal(v);
            let width = version.width() as usize;
            let layout = super::layout(v).expect("versions 1 to 40 have a layout");
            assert_eq!(layout.width, width);
            let modules = width * width / 8;
            for (data_len, ec_len) in [(3, 2), (modules / 2, modules / 3), (modules, modules)] {
                let data: Vec<u8> = (0..data_len).map(|_| rng.next() as u8).collect();
                let ec: Vec<u8> = (0..ec_len).map(|_| rng.next() as u8).collect();
                let mut canvas = Canvas::new(version, EcLevel::M);
                canvas.draw_all_functional_patterns();
                canvas.draw_data(&data, &ec);
                let expected = super::unmasked_rows::<3>(&canvas, width);
                let placed = layout.unmasked::<3>(&data, &ec);
                assert!(
                    placed == expected,
                    "version {v}, {data_len} + {ec_len} codewords"
                );
            }
        }
        assert!(super::layout(0).is_none() && super::layout(41).is_none());
    }

    #[test]
    fn same_modules_as_the_reference_mask_choice_for_thousands_of_urls() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut widest = 0;
        let lengths = (0..3000)
            .map(|i| 20 + i % 280)
            .chain((0..300).map(|i| 300 + i * 7))
            .chain([2331, 2332]);
        for len in lengths {
            let url = url_of_length(&mut rng, len);
            let fast = super::modules(&url);
            widest = widest.max(fast.as_ref().map_or(0, |(_, w)| *w));
            assert!(fast == reference_modules(&url), "{url}");
            // The writer of bit rows draws what the writer of one bool a module draws.
            let by_module = fast
                .as_ref()
                .map_or_else(String::new, |(d, w)| super::svg(d, *w));
            assert!(super::svg_for(&url) == by_module, "{url}");
        }
        assert_eq!(widest, 177, "the cases reach version 40");
    }

    /// URLs of every length up to version 40, some with Chinese text.
    fn golden_urls() -> Vec<String> {
        (0..1500u32)
            .map(|i| {
                let target = 20 + (i as usize * 37) % 2320;
                let mut url = String::from("https://www.liaocheng.gov.cn/zhengce/");
                let mut k = i;
                while url.len() < target {
                    url.push_str(if k % 5 == 0 { "单位/" } else { "clause-" });
                    url.push(char::from(b'a' + (k % 26) as u8));
                    k = k.wrapping_mul(31).wrapping_add(7);
                }
                url
            })
            .collect()
    }

    /// Byte-identical output: the hash of these SVGs as the code wrote them before the mask
    /// choice moved to bit rows and the writer to bytes (commit 3f45f06). A deliberate change of
    /// the markup changes it too.
    #[test]
    fn svg_bytes_are_unchanged() {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for u in golden_urls() {
            h.update(super::svg_for(&u).as_bytes());
            h.update(b"\n");
        }
        assert_eq!(h.digest(), 0x1fe5_9ba9_270e_d77a);
    }

    /// A segment written where no row made room (the writer grows its room itself) and where
    /// one did: the bytes the byte-by-byte writer pushes, for numbers of one, two and three
    /// digits.
    #[test]
    fn segments_write_what_push_run_pushes() {
        let runs = [
            (0, 0, 1),
            (5, 95, 3),
            (96, 9, 10),
            (176, 176, 177),
            (40, 3, 99),
        ];
        let mut expected = b"head".to_vec();
        for (x, y, run) in runs {
            super::push_run(&mut expected, x, y, run);
        }
        for room in [false, true] {
            let mut out = super::Segments::after(b"head".to_vec());
            for (x, y, run) in runs {
                if room {
                    out.make_room(177);
                }
                out.run(x, y, run);
            }
            assert_eq!(out.done(), expected, "room made: {room}");
        }
    }

    #[test]
    fn too_long_for_a_qr_code_gives_nothing() {
        assert_eq!(super::svg_for(&"x".repeat(5000)), "");
    }

    /// Timing, not a pass/fail test: `cargo test --release --lib qr -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_ten_thousand_page_urls() {
        let urls = bench_urls();
        // The machine is shared: the fastest of a few rounds is the least disturbed figure.
        let time = |label: &str, f: &dyn Fn(&str) -> usize| {
            let mut best = f64::MAX;
            let mut bytes = 0;
            for _ in 0..5 {
                let start = Instant::now();
                bytes = urls.iter().map(|u| f(black_box(u))).sum::<usize>();
                best = best.min(start.elapsed().as_secs_f64());
            }
            eprintln!(
                "{label}: {:.1} ms for {} codes, {:.1} µs each ({bytes} bytes)",
                best * 1e3,
                urls.len(),
                best * 1e6 / urls.len() as f64
            );
        };
        time("encode + place only", &|u| {
            super::unmasked_canvas(u).map_or(0, |(c, _)| c.into_colors().len())
        });
        time(
            "old mask choice (clone + apply_mask + bool penalty), new writer",
            &|u| reference_modules(u).map_or(0, |(d, w)| super::svg(&d, w).len()),
        );
        time("bit rows", &|u| super::generate(u).len());
    }
}
