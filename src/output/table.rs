//! Cells and reading: the formula-injection guard on text cells, score cells, and a CSV file
//! read back whole ([`CsvTable`]) with positions for every error ([`CsvError`]).

use std::fmt;
use std::path::{Path, PathBuf};

/// Characters that make a spreadsheet read a cell as a formula.
const GUARD_CHARS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The formula-injection guard for a text cell: a leading `'` when the cell starts with
/// `= + - @ TAB CR`.
pub fn guard(cell: &str) -> String {
    if cell.starts_with(GUARD_CHARS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undo [`guard`]: drop a leading `'` that stands before `= + - @ TAB CR`.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(GUARD_CHARS) => rest,
        _ => cell,
    }
}

/// A score cell: at most 4 decimals, no trailing zeros; empty when not finite.
pub fn format_score(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let r = (x * 10_000.0).round() / 10_000.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    format!("{r}")
}

/// A problem in a CSV file, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (field number), when the problem is in one field.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ": line {}", self.line)?;
        }
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for CsvError {}

/// A CSV file read whole: header and records, the guard stripped from every cell.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// The file.
    pub path: PathBuf,
    /// Column names (surrounding blanks trimmed).
    pub header: Vec<String>,
    /// Records with the line each starts on; blank records are skipped.
    pub rows: Vec<(u64, Vec<String>)>,
}

impl CsvTable {
    /// Read a CSV file (a UTF-8 BOM is tolerated; short records read as empty cells).
    ///
    /// # Errors
    /// The file cannot be read or is not valid CSV/UTF-8; the error has the line.
    pub fn read(path: &Path) -> Result<CsvTable, CsvError> {
        let err = |line, message: String| CsvError {
            path: path.to_path_buf(),
            line,
            column: None,
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| err(0, format!("cannot read: {e}")))?;
        let body = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&bytes);
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut header = None;
        let mut rows = Vec::new();
        for rec in rd.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                err(line, format!("bad CSV: {e}"))
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if header.is_none() {
                header = Some(rec.iter().map(|h| h.trim().to_string()).collect());
                continue;
            }
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((line, rec.iter().map(|c| unguard(c).to_string()).collect()));
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            header: header.unwrap_or_default(),
            rows,
        })
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Index of a column that must be there.
    ///
    /// # Errors
    /// The header lacks it.
    pub fn require(&self, name: &str) -> Result<usize, CsvError> {
        self.column(name).ok_or_else(|| CsvError {
            path: self.path.clone(),
            line: 1,
            column: None,
            message: format!(
                "missing column {name:?} (header: {})",
                self.header.join(",")
            ),
        })
    }

    /// A cell (empty when the column is absent or the record short).
    pub fn cell<'a>(&self, row: &'a [String], col: Option<usize>) -> &'a str {
        col.and_then(|c| row.get(c))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// A non-negative integer cell; `None` when the column is absent or the cell empty.
    ///
    /// # Errors
    /// The cell holds something else; the error has line and column.
    pub fn number(
        &self,
        line: u64,
        row: &[String],
        col: Option<usize>,
    ) -> Result<Option<usize>, CsvError> {
        let v = self.cell(row, col).trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<usize>().map(Some).map_err(|_| CsvError {
            path: self.path.clone(),
            line,
            column: col.map(|c| c + 1),
            message: format!(
                "{}: expected a non-negative integer, found {v:?}",
                col.and_then(|c| self.header.get(c))
                    .map(|s| s.as_str())
                    .unwrap_or("?")
            ),
        })
    }

    /// The start and end cells of a row (columns `sc`, `ec`): both required, `start <= end`.
    ///
    /// # Errors
    /// A cell is empty or not a number, or the end is before the start.
    pub fn span(
        &self,
        line: u64,
        row: &[String],
        sc: usize,
        ec: usize,
    ) -> Result<(usize, usize), CsvError> {
        let s = self.number(line, row, Some(sc))?;
        let e = self.number(line, row, Some(ec))?;
        let (Some(s), Some(e)) = (s, e) else {
            let col = if s.is_none() { sc } else { ec };
            return Err(self.error(line, Some(col), format!("{} is empty", self.header[col])));
        };
        if e < s {
            return Err(self.error(line, Some(ec), format!("end {e} is before start {s}")));
        }
        Ok((s, e))
    }

    /// The `doc_id` cell of a row (column `dc`), trimmed.
    ///
    /// # Errors
    /// The cell is empty.
    pub fn doc_id<'a>(&self, line: u64, row: &'a [String], dc: usize) -> Result<&'a str, CsvError> {
        let d = self.cell(row, Some(dc)).trim();
        if d.is_empty() {
            return Err(self.error(line, Some(dc), "doc_id is empty".into()));
        }
        Ok(d)
    }

    /// An error at a record and column.
    pub fn error(&self, line: u64, col: Option<usize>, message: String) -> CsvError {
        CsvError {
            path: self.path.clone(),
            line,
            column: col.map(|c| c + 1),
            message,
        }
    }
}
