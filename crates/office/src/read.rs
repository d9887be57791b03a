//! Reading: opening a workbook, streaming one sheet's cells into a compact grid, finding the
//! header row, and converting cells to typed values with one [`CellError`] per bad cell.
//!
//! Nothing here may panic on any input: every index is checked, every size is bounded
//! ([`MAX_ROWS`] data rows, [`MAX_COLUMNS`] columns, a text budget), and calls into calamine
//! run under `catch_unwind` as a last line of defence.

use crate::{CellError, OfficeError};
use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use chrono::NaiveDate;
use dongneng_domain::Money;
use dongneng_domain::codes;
use dongneng_domain::money::MoneyError;
use dongneng_domain::project::Quantity;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};

/// Cell errors kept per read; beyond it they are only counted
/// ([`crate::SheetRead::errors_omitted`]). A 200,000-row file with every cell wrong would
/// otherwise hold millions of them (gigabytes).
pub const MAX_ERRORS: usize = 20_000;
/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Columns from this one (0-based) on are not read at all.
pub const MAX_COLUMNS: usize = 64;
/// The header row is looked for in this many first rows (title rows may come first).
const HEADER_SCAN_ROWS: usize = 10;
/// Text held for one sheet (shared strings are held once however often they are used).
const MAX_TEXT_BYTES: usize = 256 << 20;
/// Cells streamed past in total, read or not: bounds the work a hostile file can cause.
const MAX_CELLS_SEEN: usize = 40_000_000;
/// Excel's own row limit.
const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Earliest and latest year a date cell may hold.
pub(crate) const DATE_MIN_YEAR: i32 = 1980;
pub(crate) const DATE_MAX_YEAR: i32 = 2100;

/// The value of one cell as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellValue<'a> {
    /// Nothing in the cell.
    Empty,
    /// Text, untrimmed.
    Text(&'a str),
    /// A number (Excel stores every number as a double).
    Number(f64),
    /// A date-formatted number: the serial day in Excel's 1900 date system.
    Date(f64),
    /// TRUE / FALSE.
    Bool(bool),
    /// An Excel error value such as "#N/A".
    Error(&'static str),
}

impl CellValue<'_> {
    /// The cell as a user would read it: text as is, numbers in the shortest exact form,
    /// dates as "2026-03-01".
    pub fn to_text(&self) -> String {
        match *self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.to_string(),
            CellValue::Number(n) => format_number(n),
            CellValue::Date(d) => match serial_to_date(d) {
                Some(date) => date.format("%Y-%m-%d").to_string(),
                None => format_number(d),
            },
            CellValue::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::Error(e) => e.to_string(),
        }
    }

    /// Empty, or text that is only white space.
    pub fn is_blank(&self) -> bool {
        match *self {
            CellValue::Empty => true,
            CellValue::Text(s) => tidy(s).is_empty(),
            _ => false,
        }
    }
}

const ERROR_TEXTS: [&str; 8] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!",
];

const K_TEXT: u8 = 0;
const K_NUMBER: u8 = 1;
const K_DATE: u8 = 2;
const K_BOOL: u8 = 3;
const K_ERROR: u8 = 4;

/// One non-empty cell, packed in 16 bytes: text is (start, len) in the arena, numbers are
/// their bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Packed {
    bits: u64,
    row: u32,
    col: u16,
    kind: u8,
}

/// The cells of one sheet as read, kept compactly for the error report: only non-empty
/// cells, text in one arena.
#[derive(Clone, Default)]
pub struct SheetCells {
    arena: String,
    cells: Vec<Packed>,
    header_row: Option<usize>,
}

impl std::fmt::Debug for SheetCells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetCells")
            .field("cells", &self.cells.len())
            .field("rows", &self.row_count())
            .field("text_bytes", &self.arena.len())
            .field("header_row", &self.header_row)
            .finish()
    }
}

impl SheetCells {
    fn value(&self, p: &Packed) -> CellValue<'_> {
        match p.kind {
            K_TEXT => {
                let start = (p.bits >> 32) as usize;
                let len = (p.bits & 0xffff_ffff) as usize;
                CellValue::Text(self.arena.get(start..start + len).unwrap_or(""))
            }
            K_NUMBER => CellValue::Number(f64::from_bits(p.bits)),
            K_DATE => CellValue::Date(f64::from_bits(p.bits)),
            K_BOOL => CellValue::Bool(p.bits != 0),
            K_ERROR => {
                CellValue::Error(ERROR_TEXTS.get(p.bits as usize).copied().unwrap_or("#N/A"))
            }
            _ => CellValue::Empty,
        }
    }

    /// The cell at a 0-based row and column.
    pub fn get(&self, row: usize, col: usize) -> CellValue<'_> {
        let (Ok(row), Ok(col)) = (u32::try_from(row), u16::try_from(col)) else {
            return CellValue::Empty;
        };
        match self
            .cells
            .binary_search_by(|p| (p.row, p.col).cmp(&(row, col)))
        {
            Ok(i) => self.value(&self.cells[i]),
            Err(_) => CellValue::Empty,
        }
    }

    /// Every non-empty cell as (0-based row, 0-based column, value), in row then column
    /// order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize, CellValue<'_>)> + '_ {
        self.cells
            .iter()
            .map(|p| (p.row as usize, p.col as usize, self.value(p)))
    }

    /// The rows that hold something, each as (0-based row, its cells as (column, value)).
    pub(crate) fn rows(&self) -> impl Iterator<Item = (usize, &[Packed])> + '_ {
        self.cells
            .chunk_by(|a, b| a.row == b.row)
            .map(|chunk| (chunk[0].row as usize, chunk))
    }

    /// Number of non-empty cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the sheet had no content at all.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// One past the last 0-based row that holds something.
    pub fn row_count(&self) -> usize {
        self.cells.last().map_or(0, |p| p.row as usize + 1)
    }

    /// One past the last 0-based column that holds something.
    pub fn column_count(&self) -> usize {
        self.cells
            .iter()
            .map(|p| p.col as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// The 0-based header row, when a layout reader found one.
    pub fn header_row(&self) -> Option<usize> {
        self.header_row
    }

    /// Builds a grid by hand (tests, or a caller with its own cells). Rows and columns are
    /// 0-based; later values for the same cell replace earlier ones.
    pub fn from_values<'v>(
        values: impl IntoIterator<Item = (usize, usize, CellValue<'v>)>,
        header_row: Option<usize>,
    ) -> SheetCells {
        let mut b = GridBuilder::default();
        for (r, c, v) in values {
            let (Ok(r), Ok(c)) = (u32::try_from(r), u16::try_from(c)) else {
                continue;
            };
            let _ = b.push_value(r, c, v);
        }
        let mut cells = b.finish();
        cells.header_row = header_row;
        cells
    }
}

/// Hashes the address of a shared string: one multiply instead of SipHash (the keys are not
/// chosen by the file, they are addresses in calamine's table).
#[derive(Default)]
struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ *b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

type AddrMap = HashMap<usize, u64, std::hash::BuildHasherDefault<AddrHasher>>;

/// Collects cells while streaming.
#[derive(Default)]
struct GridBuilder {
    arena: String,
    cells: Vec<Packed>,
    shared: AddrMap,
    sorted: bool,
    started: bool,
    distinct_rows: usize,
}

impl GridBuilder {
    fn push_packed(&mut self, row: u32, col: u16, kind: u8, bits: u64) {
        if let Some(last) = self.cells.last() {
            if (last.row, last.col) >= (row, col) {
                self.sorted = false;
            }
            if last.row != row {
                self.distinct_rows += 1;
            }
        } else {
            self.sorted = true;
            self.distinct_rows = 1;
        }
        self.started = true;
        self.cells.push(Packed {
            bits,
            row,
            col,
            kind,
        });
    }

    fn push_text(&mut self, row: u32, col: u16, s: &str) -> Result<(), OfficeError> {
        if s.is_empty() {
            return Ok(());
        }
        let bits = self.intern(s)?;
        self.push_packed(row, col, K_TEXT, bits);
        Ok(())
    }

    fn intern(&mut self, s: &str) -> Result<u64, OfficeError> {
        if self.arena.len() + s.len() > MAX_TEXT_BYTES {
            return Err(OfficeError::TooLarge);
        }
        let start = self.arena.len() as u64;
        self.arena.push_str(s);
        Ok((start << 32) | s.len() as u64)
    }

    /// Shared strings are interned once, keyed by their address in calamine's table.
    fn push_shared(&mut self, row: u32, col: u16, s: &str) -> Result<(), OfficeError> {
        if s.is_empty() {
            return Ok(());
        }
        let key = s.as_ptr() as usize;
        let bits = match self.shared.get(&key) {
            Some(b) => *b,
            None => {
                let b = self.intern(s)?;
                self.shared.insert(key, b);
                b
            }
        };
        self.push_packed(row, col, K_TEXT, bits);
        Ok(())
    }

    fn push_value(&mut self, row: u32, col: u16, v: CellValue<'_>) -> Result<(), OfficeError> {
        match v {
            CellValue::Empty => {}
            CellValue::Text(s) => self.push_text(row, col, s)?,
            CellValue::Number(n) => self.push_packed(row, col, K_NUMBER, n.to_bits()),
            CellValue::Date(d) => self.push_packed(row, col, K_DATE, d.to_bits()),
            CellValue::Bool(b) => self.push_packed(row, col, K_BOOL, b as u64),
            CellValue::Error(e) => {
                let i = ERROR_TEXTS.iter().position(|t| *t == e).unwrap_or(1);
                self.push_packed(row, col, K_ERROR, i as u64)
            }
        }
        Ok(())
    }

    fn finish(mut self) -> SheetCells {
        if !self.sorted {
            // Stable: for the same cell the later value wins after dedup below.
            self.cells.sort_by_key(|p| (p.row, p.col));
            let mut out: Vec<Packed> = Vec::with_capacity(self.cells.len());
            for p in self.cells {
                match out.last_mut() {
                    Some(last) if (last.row, last.col) == (p.row, p.col) => *last = p,
                    _ => out.push(p),
                }
            }
            self.cells = out;
        }
        self.cells.shrink_to_fit();
        self.arena.shrink_to_fit();
        SheetCells {
            arena: self.arena,
            cells: self.cells,
            header_row: None,
        }
    }
}

/// A sheet layout: its preferred sheet name and its headers (canonical text).
pub(crate) struct Layout {
    pub sheet: &'static str,
    pub headers: &'static [&'static str],
    /// Headers missing from a sheet's header row that make the file unusable.
    pub missing: fn(&[Option<usize>]) -> Vec<&'static str>,
}

/// A sheet opened for one layout: cells, header row, column map.
pub(crate) struct Loaded {
    pub cells: SheetCells,
    pub sheet_name: String,
    /// 0-based.
    pub header_row: usize,
    /// For each layout header, its sheet column.
    pub cols: Vec<Option<usize>>,
    /// For each sheet column below [`MAX_COLUMNS`], the layout header it holds.
    pub field_of_col: Vec<Option<usize>>,
}

impl Loaded {
    /// The recognised headers and their columns, for [`crate::SheetRead::columns`].
    pub fn columns(&self, layout: &Layout) -> Vec<(&'static str, usize)> {
        layout
            .headers
            .iter()
            .zip(&self.cols)
            .filter_map(|(h, c)| c.map(|c| (*h, c)))
            .collect()
    }

    /// Calls `f` for every row below the header row with the row's values in layout order;
    /// `f` answers whether to go on.
    pub fn for_each_row<'s>(
        &'s self,
        mut f: impl FnMut(usize, &[CellValue<'s>]) -> Result<bool, OfficeError>,
    ) -> Result<(), OfficeError> {
        let n = self.cols.len();
        let mut buf: Vec<CellValue<'s>> = vec![CellValue::Empty; n];
        for (row, cells) in self.cells.rows() {
            if row <= self.header_row {
                continue;
            }
            buf.iter_mut().for_each(|v| *v = CellValue::Empty);
            let mut any = false;
            for p in cells {
                if let Some(Some(field)) = self.field_of_col.get(p.col as usize) {
                    let v = self.cells.value(p);
                    if !v.is_blank() {
                        any = true;
                    }
                    buf[*field] = v;
                }
            }
            if !any {
                continue;
            }
            if !f(row, &buf)? {
                break;
            }
        }
        Ok(())
    }
}

/// Opens `bytes` as a workbook and reads the sheet of `layout` (by name, else the first
/// visible worksheet), its header row and its merged cells.
pub(crate) fn load(bytes: &[u8], layout: &Layout) -> Result<Loaded, OfficeError> {
    // calamine is well tested but has panicked on hostile input in the past; a panic here must
    // become an answer, not a dead request.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load_inner(bytes, layout))) {
        Ok(r) => r,
        Err(_) => Err(OfficeError::NotAWorkbook {
            detail: "the reader failed on this file".into(),
        }),
    }
}

fn not_a_workbook(e: impl ToString) -> OfficeError {
    OfficeError::NotAWorkbook {
        detail: e.to_string(),
    }
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn load_inner(bytes: &[u8], layout: &Layout) -> Result<Loaded, OfficeError> {
    if bytes.starts_with(&OLE_MAGIC) {
        // Either an old .xls or an encrypted .xlsx, which Office wraps in an OLE file with a
        // stream named "EncryptedPackage" (names are UTF-16LE in the directory). Looking for
        // the name spares parsing a hostile OLE file at all.
        let name: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        return if bytes.windows(name.len()).any(|w| w == name.as_slice()) {
            Err(OfficeError::PasswordProtected)
        } else {
            Err(OfficeError::LegacyXls)
        };
    }
    if !bytes.starts_with(b"PK") {
        return Err(not_a_workbook("no zip signature"));
    }
    check_shared_strings(bytes)?;
    // The merged-cell scan runs on the other core while calamine reads the cells.
    let stop = AtomicBool::new(false);
    let (read, any_merged) = std::thread::scope(|scope| {
        let scan = std::thread::Builder::new()
            .name("office-merge-scan".into())
            .spawn_scoped(scope, || any_merged_cells(bytes, &stop));
        let read = read_cells(bytes, layout);
        if read.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // A scan that failed in any way counts as "maybe": calamine is then asked. No thread
        // to be had: scan here.
        let any = match scan {
            Ok(handle) => handle.join().unwrap_or(true),
            Err(_) => read.is_ok() && any_merged_cells(bytes, &stop),
        };
        (read, any)
    });
    let (mut xlsx, sheet_name, mut cells, (header_row, cols, field_of_col)) = read?;
    cells.header_row = Some(header_row);
    let merged = if any_merged {
        xlsx.merge_cells_by_sheet_name(&sheet_name)
            .map_err(not_a_workbook)?
    } else {
        Vec::new()
    };
    if let Some(d) = merged
        .iter()
        .filter(|d| d.end.0 as usize >= header_row)
        .min_by_key(|d| (d.start.0, d.start.1))
    {
        return Err(OfficeError::MergedCells {
            range: format!(
                "{}{}:{}{}",
                column_letter(d.start.1 as usize),
                d.start.0 as u64 + 1,
                column_letter(d.end.1 as usize),
                d.end.0 as u64 + 1
            ),
        });
    }
    Ok(Loaded {
        cells,
        sheet_name,
        header_row,
        cols,
        field_of_col,
    })
}

/// Decompressed shared-string XML one workbook may hold.
const MAX_SHARED_STRINGS_XML: u64 = 256 << 20;
/// Shared strings one workbook may declare.
const MAX_SHARED_STRINGS: u128 = 16_000_000;

/// Streams one zip entry through `f` in chunks; `f` answers whether to go on. A damaged
/// entry just ends the stream (calamine will say what is wrong).
fn stream_entry(
    entry: &mut impl std::io::Read,
    buf: &mut [u8],
    mut f: impl FnMut(&[u8]) -> Result<bool, OfficeError>,
) -> Result<(), OfficeError> {
    loop {
        let n = match entry.read(buf) {
            Ok(0) | Err(_) => return Ok(()),
            Ok(n) => n,
        };
        if !f(&buf[..n])? {
            return Ok(());
        }
    }
}

/// Checks the shared-string table before calamine reads it. calamine loads the table whole
/// and reserves room for the `uniqueCount` the file declares, so a one-kilobyte file declaring
/// 10^17 strings aborts the process (an allocation failure cannot be caught). The table is
/// refused above [`MAX_SHARED_STRINGS_XML`] bytes, and every `uniqueCount="…"` in it must be
/// plausible for its size (each string takes at least five bytes of XML).
fn check_shared_strings(bytes: &[u8]) -> Result<(), OfficeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let is_sst = entry
            .name()
            .map(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
            .unwrap_or(false);
        if !is_sst {
            continue;
        }
        let mut count = CountScanner::default();
        let mut total: u64 = 0;
        stream_entry(&mut entry, &mut buf, |chunk| {
            total += chunk.len() as u64;
            if total > MAX_SHARED_STRINGS_XML {
                return Err(OfficeError::TooLarge);
            }
            chunk.iter().for_each(|b| count.feed(*b));
            Ok(true)
        })?;
        let plausible = (total as u128 / 5 + 16).min(MAX_SHARED_STRINGS);
        if count.max > plausible {
            return Err(not_a_workbook("implausible shared string count"));
        }
    }
    Ok(())
}

/// Whether any worksheet of the package mentions `mergeCell`. Asking calamine for a sheet's
/// merged cells parses the whole sheet a second time; most uploads have none, and this byte
/// scan (run beside calamine on the other core) is several times cheaper.
fn any_merged_cells(bytes: &[u8], stop: &AtomicBool) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let is_sheet = entry
            .name()
            .map(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("worksheets/") && n.ends_with(".xml")
            })
            .unwrap_or(false);
        if !is_sheet {
            continue;
        }
        let mut needle = Needle::new(b"mergeCell");
        let mut found = false;
        let _ = stream_entry(&mut entry, &mut buf, |chunk| {
            found = needle.find_in(chunk);
            Ok(!found && !stop.load(Ordering::Relaxed))
        });
        if found {
            return true;
        }
    }
    false
}

/// Finds a short needle in a stream of chunks (the needle may straddle two chunks).
struct Needle {
    needle: &'static [u8],
    carry: Vec<u8>,
}

impl Needle {
    fn new(needle: &'static [u8]) -> Needle {
        Needle {
            needle,
            carry: Vec::with_capacity(needle.len() * 2),
        }
    }

    fn find_in(&mut self, chunk: &[u8]) -> bool {
        let n = self.needle.len();
        // Across the seam: the carried tail plus the chunk's head.
        self.carry
            .extend_from_slice(&chunk[..chunk.len().min(n - 1)]);
        if self.carry.windows(n).any(|w| w == self.needle) {
            return true;
        }
        let first = self.needle[0];
        let mut i = 0;
        while let Some(p) = chunk[i..].iter().position(|b| *b == first) {
            let at = i + p;
            if chunk[at..].starts_with(self.needle) {
                return true;
            }
            i = at + 1;
        }
        self.carry.clear();
        self.carry
            .extend_from_slice(&chunk[chunk.len().saturating_sub(n - 1)..]);
        false
    }
}

/// Finds `uniqueCount = "digits"` (any quotes, white space around `=`) in a byte stream and
/// keeps the largest value (saturating).
#[derive(Default)]
struct CountScanner {
    /// 0..=10: bytes of the name matched; 11: want `=`; 12: want quote; 13: in digits.
    state: u8,
    value: u128,
    max: u128,
}

impl CountScanner {
    const NAME: &'static [u8] = b"uniqueCount";

    fn feed(&mut self, b: u8) {
        match self.state {
            0..=10 => self.match_name(b),
            11 => match b {
                b'=' => self.state = 12,
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => self.restart(b),
            },
            12 => match b {
                b'"' | b'\'' => {
                    self.state = 13;
                    self.value = 0;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => self.restart(b),
            },
            _ => match b {
                b'0'..=b'9' => {
                    self.value = self
                        .value
                        .saturating_mul(10)
                        .saturating_add((b - b'0') as u128);
                }
                _ => {
                    self.max = self.max.max(self.value);
                    self.restart(b);
                }
            },
        }
    }

    /// Knuth–Morris–Pratt over the attribute name, so no overlapping start is missed.
    fn match_name(&mut self, b: u8) {
        // FAIL[i]: length of the longest proper prefix of NAME[..=i] that is also a suffix.
        const FAIL: [u8; 11] = [0, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0];
        let mut k = self.state as usize;
        while k > 0 && Self::NAME[k] != b {
            k = FAIL[k - 1] as usize;
        }
        if Self::NAME[k] == b {
            k += 1;
        }
        self.state = k as u8; // 11 when the whole name matched
    }

    fn restart(&mut self, b: u8) {
        self.state = 0;
        self.match_name(b);
    }
}

type CellsRead<'b> = (Xlsx<Cursor<&'b [u8]>>, String, SheetCells, HeaderMap);

/// Opens the workbook with calamine, picks the sheet, streams its cells and finds the headers.
fn read_cells<'b>(bytes: &'b [u8], layout: &Layout) -> Result<CellsRead<'b>, OfficeError> {
    let mut xlsx: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::Password => OfficeError::PasswordProtected,
        e => not_a_workbook(e),
    })?;
    let sheet_name = pick_sheet(&xlsx, layout.sheet)?;
    let is_1904 = xlsx.has_1904_epoch();
    let cells = stream_cells(&mut xlsx, &sheet_name, is_1904)?;
    if cells.is_empty() {
        return Err(OfficeError::EmptySheet);
    }
    let headers = find_headers(&cells, layout)?;
    Ok((xlsx, sheet_name, cells, headers))
}

fn pick_sheet(xlsx: &Xlsx<Cursor<&[u8]>>, preferred: &str) -> Result<String, OfficeError> {
    let sheets = xlsx.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.name.trim() == preferred)
        .or_else(|| worksheets().find(|s| s.visible == SheetVisible::Visible))
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or(OfficeError::NoSheet)
}

fn stream_cells(
    xlsx: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    is_1904: bool,
) -> Result<SheetCells, OfficeError> {
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| match e {
        XlsxError::WorksheetNotFound(_) => OfficeError::NoSheet,
        e => not_a_workbook(e),
    })?;
    let mut b = GridBuilder::default();
    let mut seen = 0usize;
    let max_distinct = MAX_ROWS + HEADER_SCAN_ROWS + 2;
    while let Some(cell) = reader.next_cell().map_err(not_a_workbook)? {
        seen += 1;
        if seen > MAX_CELLS_SEEN {
            return Err(OfficeError::TooLarge);
        }
        let (row, col) = cell.get_position();
        if col as usize >= MAX_COLUMNS {
            continue;
        }
        if row >= EXCEL_MAX_ROWS {
            return Err(not_a_workbook("row beyond Excel's limit"));
        }
        let col = col as u16;
        match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::SharedString(s) => b.push_shared(row, col, s)?,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                b.push_text(row, col, s)?
            }
            DataRef::Int(i) => b.push_packed(row, col, K_NUMBER, (*i as f64).to_bits()),
            DataRef::Float(f) => b.push_packed(row, col, K_NUMBER, f.to_bits()),
            DataRef::Bool(v) => b.push_packed(row, col, K_BOOL, *v as u64),
            DataRef::DateTime(dt) => {
                let mut serial = dt.as_f64();
                if is_1904 {
                    serial += 1462.0;
                }
                let kind = if dt.is_datetime() { K_DATE } else { K_NUMBER };
                b.push_packed(row, col, kind, serial.to_bits())
            }
            DataRef::Error(e) => {
                let text = e.to_string();
                let i = ERROR_TEXTS.iter().position(|t| *t == text).unwrap_or(1);
                b.push_packed(row, col, K_ERROR, i as u64)
            }
        }
        if b.distinct_rows > max_distinct {
            return Err(OfficeError::TooManyRows { max: MAX_ROWS });
        }
        if b.cells.len() > max_distinct * MAX_COLUMNS {
            return Err(OfficeError::TooLarge);
        }
    }
    Ok(b.finish())
}

/// Header text as compared: no white space anywhere, half-width parentheses and percent
/// folded to one form, required-marks (`*`) dropped.
pub(crate) fn norm_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '％' => '%',
            c => c,
        })
        .collect()
}

type HeaderMap = (usize, Vec<Option<usize>>, Vec<Option<usize>>);

fn find_headers(cells: &SheetCells, layout: &Layout) -> Result<HeaderMap, OfficeError> {
    let wanted: Vec<String> = layout.headers.iter().map(|h| norm_header(h)).collect();
    let matches = |cells_of_row: &[Packed]| -> usize {
        cells_of_row
            .iter()
            .filter(|p| match cells.value(p) {
                CellValue::Text(t) => wanted.contains(&norm_header(t)),
                _ => false,
            })
            .count()
    };
    let mut best: Option<(usize, usize)> = None;
    for (row, row_cells) in cells.rows() {
        if row >= HEADER_SCAN_ROWS {
            break;
        }
        let m = matches(row_cells);
        if m > 0 && best.is_none_or(|(_, bm)| m > bm) {
            best = Some((row, m));
        }
    }
    let Some((header_row, _)) = best else {
        let none = vec![None; layout.headers.len()];
        return Err(OfficeError::WrongHeaders {
            missing: (layout.missing)(&none)
                .into_iter()
                .map(String::from)
                .collect(),
        });
    };
    let mut cols: Vec<Option<usize>> = vec![None; layout.headers.len()];
    let mut field_of_col: Vec<Option<usize>> = vec![None; MAX_COLUMNS];
    let mut duplicates: Vec<String> = Vec::new();
    for (row, row_cells) in cells.rows() {
        if row != header_row {
            continue;
        }
        for p in row_cells {
            let CellValue::Text(t) = cells.value(p) else {
                continue;
            };
            let n = norm_header(t);
            if let Some(i) = wanted.iter().position(|w| *w == n) {
                if cols[i].is_some() {
                    if !duplicates.iter().any(|d| d == layout.headers[i]) {
                        duplicates.push(layout.headers[i].to_string());
                    }
                    continue;
                }
                cols[i] = Some(p.col as usize);
                if let Some(slot) = field_of_col.get_mut(p.col as usize) {
                    *slot = Some(i);
                }
            }
        }
    }
    if !duplicates.is_empty() {
        return Err(OfficeError::DuplicateHeaders {
            headers: duplicates,
        });
    }
    let missing = (layout.missing)(&cols);
    if !missing.is_empty() {
        return Err(OfficeError::WrongHeaders {
            missing: missing.into_iter().map(String::from).collect(),
        });
    }
    Ok((header_row, cols, field_of_col))
}

/// "A" for 0, "Z" for 25, "AA" for 26 …
pub fn column_letter(col: usize) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The 0-based column of a letter ("C" → 2); `usize::MAX` when it is not one.
pub(crate) fn column_index(letter: &str) -> usize {
    if letter.is_empty() || letter.len() > 3 {
        return usize::MAX;
    }
    let mut n = 0usize;
    for c in letter.bytes() {
        if !c.is_ascii_uppercase() {
            return usize::MAX;
        }
        n = n * 26 + (c - b'A' + 1) as usize;
    }
    n - 1
}

/// Numbers as people write them: integers without ".0", others in the shortest exact form.
pub(crate) fn format_number(n: f64) -> String {
    if n == 0.0 {
        return "0".into();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// Excel serial day (1900 system) to a date; `None` outside 1900-03-01 ..= 9999-12-31.
pub(crate) fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// Trims white space, including the ideographic space.
pub(crate) fn tidy(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
}

fn fold_digits(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '－' => '-',
                '／' => '/',
                '．' => '.',
                c => c,
            })
            .collect(),
    )
}

/// Reads a date written as text: "2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日",
/// "20260301", optionally followed by a time ("2026-03-01 00:00:00", ISO "T"). Only whole
/// dates: "2026年3月" is refused rather than guessed.
pub(crate) fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = fold_digits(tidy(s));
    let s = s.as_ref();
    // Drop a time part.
    let s = match s.find(['T', ' ']) {
        Some(i) => {
            let (d, t) = s.split_at(i);
            let t = t[1..].trim();
            if !t.is_empty()
                && !t
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
            {
                return None;
            }
            d
        }
        None => s,
    };
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[0..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..8].parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let s = s
        .strip_suffix('日')
        .or_else(|| s.strip_suffix('号'))
        .unwrap_or(s);
    let mut parts = s.split(['-', '/', '.', '年', '月']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    // The separators must be one style: 年 goes with 月.
    let cjk = s.contains('年') || s.contains('月');
    if cjk && !(s.contains('年') && s.contains('月')) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A cell problem before it is placed: code and parameters (without `field`).
pub(crate) struct Problem {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn new(code: &'static str) -> Problem {
        Problem {
            code,
            params: Vec::new(),
        }
    }
    pub fn with(mut self, k: &'static str, v: impl ToString) -> Problem {
        self.params.push((k, v.to_string()));
        self
    }
}

type Conv<T> = Result<Option<T>, Problem>;

fn money_problem(e: MoneyError, prefix: &'static str) -> Problem {
    let code = match (prefix, e) {
        (_, MoneyError::Empty) => "required",
        ("quantity", MoneyError::NotANumber) => "quantity_not_number",
        ("quantity", MoneyError::TooPrecise) => "quantity_too_precise",
        ("quantity", MoneyError::Negative) => "quantity_negative",
        ("quantity", MoneyError::TooLarge) => "quantity_too_large",
        (_, MoneyError::NotANumber) => "money_not_number",
        (_, MoneyError::TooPrecise) => "money_too_precise",
        (_, MoneyError::Negative) => "money_negative",
        (_, MoneyError::TooLarge) => "money_too_large",
    };
    Problem::new(code)
}

/// Text: trimmed, `None` when blank. Numbers become their text ("13800000000").
pub(crate) fn conv_text(v: CellValue<'_>) -> Conv<String> {
    Ok(match v {
        CellValue::Empty => None,
        CellValue::Text(s) => {
            let t = tidy(s);
            (!t.is_empty()).then(|| t.to_string())
        }
        CellValue::Error(_) => return Err(Problem::new("formula_error")),
        other => Some(other.to_text()),
    })
}

/// Money in 万元 from a number or a text cell.
pub(crate) fn conv_money(v: CellValue<'_>) -> Conv<Money> {
    match v {
        CellValue::Empty => Ok(None),
        CellValue::Text(s) if tidy(s).is_empty() => Ok(None),
        CellValue::Text(s) => Money::parse_wan(s)
            .map(Some)
            .map_err(|e| money_problem(e, "money")),
        CellValue::Number(n) => Money::from_wan_f64(n)
            .map(Some)
            .map_err(|e| money_problem(e, "money")),
        CellValue::Error(_) => Err(Problem::new("formula_error")),
        CellValue::Date(_) | CellValue::Bool(_) => Err(Problem::new("money_not_number")),
    }
}

/// A quantity with two decimals (亩, 吨标准煤 …) from a number or a text cell.
pub(crate) fn conv_quantity(v: CellValue<'_>) -> Conv<Quantity> {
    match v {
        CellValue::Empty => Ok(None),
        CellValue::Text(s) if tidy(s).is_empty() => Ok(None),
        CellValue::Text(s) => Quantity::parse(s)
            .map(Some)
            .map_err(|e| money_problem(e, "quantity")),
        CellValue::Number(n) => {
            if !n.is_finite() {
                return Err(Problem::new("quantity_not_number"));
            }
            if n < 0.0 {
                return Err(Problem::new("quantity_negative"));
            }
            // Round once at the border, as for money, then read exactly.
            Quantity::parse(&format!("{n:.6}"))
                .map(Some)
                .map_err(|e| money_problem(e, "quantity"))
        }
        CellValue::Error(_) => Err(Problem::new("formula_error")),
        CellValue::Date(_) | CellValue::Bool(_) => Err(Problem::new("quantity_not_number")),
    }
}

fn date_in_range(d: NaiveDate) -> Result<NaiveDate, Problem> {
    use chrono::Datelike;
    if (DATE_MIN_YEAR..=DATE_MAX_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(Problem::new("date_range")
            .with("min", format!("{DATE_MIN_YEAR}-01-01"))
            .with("max", format!("{DATE_MAX_YEAR}-12-31")))
    }
}

/// A date from a date cell, a plain number (serial day, or 20260301), or text.
pub(crate) fn conv_date(v: CellValue<'_>) -> Conv<NaiveDate> {
    let d = match v {
        CellValue::Empty => return Ok(None),
        CellValue::Text(s) if tidy(s).is_empty() => return Ok(None),
        CellValue::Text(s) => parse_date_text(s),
        CellValue::Date(serial) => serial_to_date(serial),
        CellValue::Number(n) => {
            if n.fract() == 0.0 && (10_000_000.0..100_000_000.0).contains(&n) {
                parse_date_text(&format!("{n:.0}"))
            } else {
                serial_to_date(n)
            }
        }
        CellValue::Error(_) => return Err(Problem::new("formula_error")),
        CellValue::Bool(_) => None,
    };
    match d {
        Some(d) => date_in_range(d).map(Some),
        None => Err(Problem::new("date")),
    }
}

/// A whole number within `min..=max`, from a number or text ("2026", "2026年" for years).
pub(crate) fn conv_int(v: CellValue<'_>, min: i64, max: i64, suffix: char) -> Conv<i64> {
    let n: i64 = match v {
        CellValue::Empty => return Ok(None),
        CellValue::Text(s) if tidy(s).is_empty() => return Ok(None),
        CellValue::Text(s) => {
            let t = fold_digits(tidy(s));
            let t = t.strip_suffix(suffix).unwrap_or(&t).trim();
            match t.parse::<i64>() {
                Ok(n) => n,
                Err(_) => return Err(Problem::new("not_integer")),
            }
        }
        CellValue::Number(n) => {
            if !n.is_finite() || n.fract() != 0.0 {
                return Err(Problem::new("not_integer"));
            }
            if n.abs() > 1e15 {
                return Err(Problem::new("range").with("min", min).with("max", max));
            }
            n as i64
        }
        CellValue::Error(_) => return Err(Problem::new("formula_error")),
        CellValue::Date(_) | CellValue::Bool(_) => return Err(Problem::new("not_integer")),
    };
    if (min..=max).contains(&n) {
        Ok(Some(n))
    } else {
        Err(Problem::new("range").with("min", min).with("max", max))
    }
}

/// A closed list read by code or Chinese label.
pub(crate) fn conv_enum<E>(
    v: CellValue<'_>,
    parse: fn(&str) -> Option<E>,
    allowed: fn() -> String,
) -> Conv<E> {
    match conv_text(v)? {
        None => Ok(None),
        Some(t) => parse(&t)
            .map(Some)
            .ok_or_else(|| Problem::new("one_of").with("allowed", allowed())),
    }
}

/// A national project code, normalised (full-width digits and hyphens, spaces).
pub(crate) fn conv_project_code(v: CellValue<'_>) -> Conv<String> {
    match conv_text(v)? {
        None => Ok(None),
        Some(t) => codes::normalise_project_code(&t)
            .map(Some)
            .ok_or_else(|| Problem::new("project_code")),
    }
}

/// A unified social credit code with its check character, upper-cased.
pub(crate) fn conv_credit_code(v: CellValue<'_>) -> Conv<String> {
    match conv_text(v)? {
        None => Ok(None),
        Some(t) => codes::normalise_credit_code(&t)
            .map(Some)
            .ok_or_else(|| Problem::new("credit_code")),
    }
}

/// The errors of one read, bounded by [`MAX_ERRORS`].
#[derive(Default)]
pub(crate) struct Errors {
    pub list: Vec<CellError>,
    pub omitted: usize,
}

/// Converts the cells of one row, collecting errors.
pub(crate) struct RowReader<'a, 'v> {
    /// 0-based sheet row.
    pub row: usize,
    pub vals: &'a [CellValue<'v>],
    pub headers: &'static [&'static str],
    pub cols: &'a [Option<usize>],
    pub errors: &'a mut Errors,
    pub bad: bool,
}

impl<'v> RowReader<'_, 'v> {
    pub fn value(&self, field: usize) -> CellValue<'v> {
        self.vals.get(field).copied().unwrap_or(CellValue::Empty)
    }

    /// Whether the sheet has the column of this field.
    pub fn has_column(&self, field: usize) -> bool {
        self.cols.get(field).copied().flatten().is_some()
    }

    pub fn fail(&mut self, field: usize, p: Problem) {
        self.bad = true;
        if self.errors.list.len() >= MAX_ERRORS {
            self.errors.omitted += 1;
            return;
        }
        let header = self.headers.get(field).copied().unwrap_or("");
        let col = self.cols.get(field).copied().flatten();
        let mut params = BTreeMap::new();
        params.insert("field".to_string(), header.to_string());
        for (k, v) in p.params {
            params.insert(k.to_string(), v);
        }
        self.errors.list.push(CellError {
            row: self.row + 1,
            column: header.to_string(),
            column_letter: col.map(column_letter).unwrap_or_default(),
            value: self.value(field).to_text(),
            code: p.code.to_string(),
            params,
        });
    }

    /// Runs a conversion; a problem is recorded and gives `None`.
    pub fn get<T>(
        &mut self,
        field: usize,
        conv: impl FnOnce(CellValue<'v>) -> Conv<T>,
    ) -> Option<T> {
        match conv(self.value(field)) {
            Ok(v) => v,
            Err(p) => {
                self.fail(field, p);
                None
            }
        }
    }

    /// Like [`RowReader::get`], and a blank cell is a `required` error.
    pub fn require<T>(
        &mut self,
        field: usize,
        conv: impl FnOnce(CellValue<'v>) -> Conv<T>,
    ) -> Option<T> {
        match conv(self.value(field)) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.fail(field, Problem::new("required"));
                None
            }
            Err(p) => {
                self.fail(field, p);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_scanner() {
        let scan = |s: &str| {
            let mut c = CountScanner::default();
            s.bytes().for_each(|b| c.feed(b));
            c.max
        };
        assert_eq!(scan(r#"<sst count="3" uniqueCount="2">"#), 2);
        assert_eq!(
            scan(r#"<sst uniqueCount = '99999999999999999999999999999999999999999'>"#),
            u128::MAX
        );
        assert_eq!(scan(r#"uniqueuniqueCount="7" x uniqueCount="0012""#), 12);
        assert_eq!(scan(r#"uniqueCount=x"5""#), 0);
        assert_eq!(scan(r#"uniquniqueCount="9""#), 9);
        assert_eq!(scan(r#"uniqueCouniqueCount="8""#), 8);
    }

    #[test]
    fn needle_across_chunks() {
        let text = b"xxxx<mergeCells count=\"1\">";
        for split in 0..text.len() {
            let mut n = Needle::new(b"mergeCell");
            let (a, b) = text.split_at(split);
            assert!(n.find_in(a) || n.find_in(b), "split at {split}");
        }
        let mut n = Needle::new(b"mergeCell");
        assert!(!n.find_in(b"merge") && !n.find_in(b"Cel") && !n.find_in(b"l"));
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        for c in [0, 25, 26, 37, 63, 701, 702, 16383] {
            assert_eq!(column_index(&column_letter(c)), c);
        }
        assert_eq!(column_index(""), usize::MAX);
        assert_eq!(column_index("a"), usize::MAX);
    }

    #[test]
    fn headers_fold() {
        assert_eq!(norm_header(" 总投资(万元) "), norm_header("总投资（万元）"));
        assert_eq!(
            norm_header("总投资\n（万元）"),
            norm_header("总投资（万元）")
        );
        assert_eq!(norm_header("*项目名称"), "项目名称");
        assert_eq!(norm_header("年度投资完成率（％）"), "年度投资完成率（%）");
        assert_ne!(norm_header("总投资（亿元）"), norm_header("总投资（万元）"));
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for s in [
            "2026-03-01",
            "2026/3/1",
            "2026.3.1",
            "2026年3月1日",
            "2026年03月01日",
            "20260301",
            " ２０２６－０３－０１ ",
            "2026-03-01 00:00:00",
            "2026-03-01T00:00:00",
        ] {
            assert_eq!(parse_date_text(s), Some(d), "{s}");
        }
        for s in [
            "2026年3月",
            "2026-3",
            "2026-02-30",
            "26-3-1",
            "2026-03-01 上午",
            "2026年3-1",
            "abc",
            "",
            "2026-03-01-02",
        ] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
        // 2026-03-01 is serial 46082.
        assert_eq!(serial_to_date(46082.0), Some(d));
        assert_eq!(serial_to_date(46082.75), Some(d));
        assert_eq!(
            conv_date(CellValue::Number(46082.0)).ok().flatten(),
            Some(d)
        );
        assert_eq!(
            conv_date(CellValue::Number(20260301.0)).ok().flatten(),
            Some(d)
        );
        assert_eq!(
            conv_date(CellValue::Number(2026.0)).err().map(|p| p.code),
            Some("date_range")
        );
        assert_eq!(
            conv_date(CellValue::Number(f64::NAN)).err().map(|p| p.code),
            Some("date")
        );
        assert_eq!(
            conv_date(CellValue::Number(-5.0)).err().map(|p| p.code),
            Some("date")
        );
        assert_eq!(
            conv_date(CellValue::Number(1e300)).err().map(|p| p.code),
            Some("date")
        );
    }

    #[test]
    fn numbers_print_like_people_write_them() {
        assert_eq!(format_number(13800000000.0), "13800000000");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn money_cells() {
        let code = |v| conv_money(v).err().map(|p| p.code);
        assert_eq!(
            conv_money(CellValue::Number(1234.5)).ok().flatten(),
            Some(Money(1_234_500_000))
        );
        assert_eq!(
            conv_money(CellValue::Text(" 1,234.5 ")).ok().flatten(),
            Some(Money(1_234_500_000))
        );
        assert_eq!(conv_money(CellValue::Text("  ")).ok().flatten(), None);
        assert_eq!(code(CellValue::Text("1.2亿")), Some("money_not_number"));
        assert_eq!(code(CellValue::Text("-5")), Some("money_negative"));
        assert_eq!(code(CellValue::Number(-5.0)), Some("money_negative"));
        assert_eq!(
            code(CellValue::Number(f64::INFINITY)),
            Some("money_not_number")
        );
        assert_eq!(code(CellValue::Number(1e300)), Some("money_too_large"));
        assert_eq!(
            code(CellValue::Text("1.0000001")),
            Some("money_too_precise")
        );
        assert_eq!(code(CellValue::Bool(true)), Some("money_not_number"));
        assert_eq!(code(CellValue::Error("#N/A")), Some("formula_error"));
    }

    #[test]
    fn quantity_cells() {
        let code = |v| conv_quantity(v).err().map(|p| p.code);
        assert_eq!(
            conv_quantity(CellValue::Number(12.35)).ok().flatten(),
            Some(Quantity(1235))
        );
        assert_eq!(
            conv_quantity(CellValue::Text("12.5")).ok().flatten(),
            Some(Quantity(1250))
        );
        assert_eq!(
            code(CellValue::Number(12.345)),
            Some("quantity_too_precise")
        );
        assert_eq!(code(CellValue::Number(-1.0)), Some("quantity_negative"));
        assert_eq!(code(CellValue::Text("100亩")), Some("quantity_not_number"));
    }

    #[test]
    fn integers() {
        let c = |v| conv_int(v, 2000, 2100, '年');
        assert_eq!(c(CellValue::Number(2026.0)).ok().flatten(), Some(2026));
        assert_eq!(c(CellValue::Text("2026年")).ok().flatten(), Some(2026));
        assert_eq!(c(CellValue::Text("２０２６")).ok().flatten(), Some(2026));
        assert_eq!(
            c(CellValue::Number(2026.5)).err().map(|p| p.code),
            Some("not_integer")
        );
        assert_eq!(
            c(CellValue::Number(1999.0)).err().map(|p| p.code),
            Some("range")
        );
        assert_eq!(
            c(CellValue::Number(1e300)).err().map(|p| p.code),
            Some("range")
        );
        assert_eq!(
            c(CellValue::Text("二〇二六")).err().map(|p| p.code),
            Some("not_integer")
        );
    }

    #[test]
    fn grid_sorts_and_dedups() {
        let cells = SheetCells::from_values(
            [
                (2, 1, CellValue::Text("b")),
                (0, 0, CellValue::Number(1.0)),
                (2, 0, CellValue::Text("a")),
                (2, 1, CellValue::Text("c")),
                (1, 3, CellValue::Empty),
            ],
            None,
        );
        assert_eq!(cells.len(), 3);
        assert_eq!(cells.get(2, 1), CellValue::Text("c"));
        assert_eq!(cells.get(0, 0), CellValue::Number(1.0));
        assert_eq!(cells.get(1, 3), CellValue::Empty);
        assert_eq!(cells.row_count(), 3);
        assert_eq!(cells.column_count(), 2);
    }
}
