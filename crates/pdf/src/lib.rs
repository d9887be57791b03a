//! Official documents (公文) as PDF, laid out after GB/T 9704 by typst (`gbt9704.typ`).
//!
//! Fonts: at start [`PdfWriter::new`] looks through the configured font directories and,
//! unless told not to, the system's (`/usr/share/fonts`, `/usr/local/share/fonts`,
//! `~/.fonts`, `~/.local/share/fonts`) for the fonts offices use (方正小标宋简体, 仿宋_GB2312,
//! 黑体, 楷体_GB2312 …) and the free CJK families (Noto Serif/Sans CJK SC, Source Han,
//! WenQuanYi), and keeps only their regular faces (memory: the Noto collections of a Debian
//! machine hold about 46 MB). Whatever is found or not, the binary carries a fallback:
//! subsets of Noto Serif CJK SC and Noto Sans CJK SC (SIL OFL 1.1, `fonts/OFL.txt`) covering
//! the 6,763 hanzi and the symbols of GB 2312, made by `scripts/subset-cjk-fonts.py`, so a
//! machine without any font still writes complete Chinese text.
//!
//! Typst is slow to compile and the heaviest crate of the workspace: only the server binary
//! and this crate's tests depend on it.

use dongneng_domain::document::{HeadingLevel, OfficialDocument, Part};
use std::path::{Path, PathBuf};
use typst::foundations::{Array, Bytes, Dict, Str, Value};
use typst::text::Font;
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("gbt9704.typ");
/// The embedded fallback fonts.
pub const EMBEDDED_SERIF: &[u8] = include_bytes!("../fonts/NotoSerifCJKsc-Regular-subset.otf");
pub const EMBEDDED_SANS: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Regular-subset.otf");

/// The font families taken from the machine, the office ones first (compared ignoring case
/// and spaces).
pub const WANTED_FAMILIES: &[&str] = &[
    "方正小标宋简体",
    "FZXiaoBiaoSong-B05S",
    "方正小标宋_GBK",
    "仿宋_GB2312",
    "FangSong_GB2312",
    "仿宋",
    "FangSong",
    "黑体",
    "SimHei",
    "楷体_GB2312",
    "KaiTi_GB2312",
    "楷体",
    "KaiTi",
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
];

/// Where fonts come from.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// Directories searched first (`--font-dir`).
    pub font_dirs: Vec<PathBuf>,
    /// Also search the system's font directories (off with `--no-system-fonts`).
    pub system_fonts: bool,
}

impl FontOptions {
    /// The system's fonts and no extra directory.
    pub fn system() -> Self {
        FontOptions {
            font_dirs: vec![],
            system_fonts: true,
        }
    }

    /// Only the fonts carried in the binary.
    pub fn embedded_only() -> Self {
        FontOptions::default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typst: {0}")]
    Typst(String),
}

/// Writes official documents as PDF. Build once at start (it reads the fonts); cheap to share.
pub struct PdfWriter {
    engine: TypstEngine<TypstTemplateMainFile>,
    found: Vec<String>,
    /// The font files given to typst, for the chart rasteriser's font database.
    font_data: Vec<Bytes>,
    /// The rasteriser's font database, made at the first chart.
    chart_fonts: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>>,
}

impl std::fmt::Debug for PdfWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfWriter")
            .field("found", &self.found)
            .finish()
    }
}

fn key(family: &str) -> String {
    family
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn system_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".fonts"));
        dirs.push(home.join(".local/share/fonts"));
    }
    dirs
}

/// The font files under `dir`, depth first (symbolic links followed, at most 8 levels).
fn font_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth < 8 {
                font_files(&path, depth + 1, out);
            }
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
}

/// The faces of the wanted families in the directories, and their family names.
fn machine_fonts(dirs: &[PathBuf]) -> (Vec<Font>, Vec<String>, Vec<Bytes>) {
    let wanted: Vec<String> = WANTED_FAMILIES.iter().map(|f| key(f)).collect();
    let mut files = vec![];
    for d in dirs {
        font_files(d, 0, &mut files);
    }
    let mut fonts = vec![];
    let mut found: Vec<String> = vec![];
    let mut files_kept = vec![];
    for path in files {
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        let data = Bytes::new(data);
        let faces: Vec<Font> = Font::iter(data.clone())
            .filter(|f| wanted.contains(&key(&f.info().family)))
            // Regular faces only: a CJK collection holds tens of MB, and the layout needs
            // no bold (the title font is heavy by design; headings use 黑体).
            .filter(|f| f.info().variant.weight.to_number() < 600)
            .collect();
        if !faces.is_empty() {
            files_kept.push(data);
        }
        for f in faces {
            let family = f.info().family.clone();
            if !found.contains(&family) {
                found.push(family);
            }
            fonts.push(f);
        }
    }
    (fonts, found, files_kept)
}

impl PdfWriter {
    /// Reads the fonts the options name, adds the embedded ones, and prepares the template.
    pub fn new(options: &FontOptions) -> Self {
        let mut dirs = options.font_dirs.clone();
        if options.system_fonts {
            dirs.extend(system_dirs());
        }
        let (mut fonts, found, mut font_data) = machine_fonts(&dirs);
        for embedded in [EMBEDDED_SERIF, EMBEDDED_SANS] {
            let data = Bytes::new(embedded);
            fonts.extend(Font::iter(data.clone()));
            font_data.push(data);
        }
        let engine = TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(fonts)
            .build();
        PdfWriter {
            engine,
            found,
            font_data,
            chart_fonts: std::sync::OnceLock::new(),
        }
    }

    /// A chart's SVG as a PNG at `scale` times its size, its text drawn with the fonts the
    /// PDF uses (for Word files, which take pictures, not SVG).
    pub fn rasterise_svg(&self, svg: &str, scale: f32) -> Result<Vec<u8>, PdfError> {
        use resvg::{tiny_skia, usvg};
        let fontdb = self
            .chart_fonts
            .get_or_init(|| {
                let mut db = usvg::fontdb::Database::new();
                for data in &self.font_data {
                    db.load_font_source(usvg::fontdb::Source::Binary(std::sync::Arc::new(
                        data.clone(),
                    )));
                }
                db.set_sans_serif_family("Noto Sans CJK SC");
                db.set_serif_family("Noto Serif CJK SC");
                std::sync::Arc::new(db)
            })
            .clone();
        let options = usvg::Options {
            fontdb,
            font_family: "Noto Sans CJK SC".into(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &options)
            .map_err(|e| PdfError::Typst(format!("chart: {e}")))?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(scale)
            .ok_or_else(|| PdfError::Typst("chart: empty size".into()))?;
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| PdfError::Typst("chart: size".into()))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap
            .encode_png()
            .map_err(|e| PdfError::Typst(format!("chart: {e}")))
    }

    /// The families found on the machine (the log says which are used).
    pub fn machine_families(&self) -> &[String] {
        &self.found
    }

    /// The document as a PDF file. CPU-bound (tens to hundreds of milliseconds): call it off
    /// the async runtime.
    pub fn render(&self, doc: &OfficialDocument) -> Result<Vec<u8>, PdfError> {
        let compiled = self
            .engine
            .compile_with_input::<_, PagedDocument>(inputs(doc));
        let paged: PagedDocument = compiled
            .output
            .map_err(|e| PdfError::Typst(e.to_string()))?;
        typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default())
            .map_err(|e| PdfError::Typst(format!("{e:?}")))
    }
}

fn s(v: &str) -> Value {
    Value::Str(Str::from(v))
}

fn opt(v: Option<String>) -> Value {
    v.map_or(Value::None, |v| s(&v))
}

fn list<'a>(v: impl IntoIterator<Item = &'a String>) -> Value {
    Value::Array(v.into_iter().map(|x| s(x)).collect::<Array>())
}

fn dict<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut d = Dict::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dict(d)
}

/// The document as the template's `sys.inputs`: texts only.
fn inputs(doc: &OfficialDocument) -> Dict {
    let blocks: Array = doc
        .parts()
        .into_iter()
        .flat_map(|p| match p {
            Part::Heading { level, text } => {
                let kind = match level {
                    HeadingLevel::One => "h1",
                    HeadingLevel::Two => "h2",
                    HeadingLevel::Three => "h3",
                    HeadingLevel::Four => "h4",
                };
                vec![dict([("kind", s(kind)), ("text", s(&text))])]
            }
            Part::Paragraph(text) => text
                .split('\n')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| dict([("kind", s("p")), ("text", s(p))]))
                .collect(),
            Part::Chart(c) => vec![dict([
                ("kind", s("chart")),
                ("svg", s(&c.svg)),
                ("caption", s(&c.caption)),
                ("width", Value::Int(i64::from(c.width))),
            ])],
            Part::Table(t) => vec![dict([
                ("kind", s("table")),
                ("header", list(&t.header)),
                (
                    "rows",
                    Value::Array(t.rows.iter().map(list).collect::<Array>()),
                ),
            ])],
        })
        .collect();
    let mut d = Dict::new();
    let pairs = [
        ("organ", s(&doc.organ)),
        ("number", opt(doc.number.clone())),
        ("title", s(&doc.title)),
        ("addressee", opt(doc.addressee_line())),
        ("blocks", Value::Array(blocks)),
        ("attachments", list(&doc.attachment_lines())),
        ("signature", s(&doc.signature)),
        ("date", s(&doc.date_line())),
        ("copy_to", opt(doc.copy_to_line())),
    ];
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    /// One writer for the tests of this file (reading fonts takes a moment).
    static EMBEDDED: LazyLock<PdfWriter> =
        LazyLock::new(|| PdfWriter::new(&FontOptions::embedded_only()));

    fn text_of(pdf: &[u8]) -> String {
        pdf_extract::extract_text_from_mem(pdf).expect("the PDF reads back")
    }

    /// With no font of the machine, every Chinese character of the document is in the PDF's
    /// text: the embedded subsets alone are enough.
    #[test]
    fn the_embedded_fonts_alone_write_every_character() {
        let writer = &*EMBEDDED;
        assert!(writer.machine_families().is_empty());
        let doc = OfficialDocument::example();
        let pdf = writer.render(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // To look at it: DONGNENG_PDF_OUT=/tmp/example.pdf cargo test -p dongneng-pdf
        if let Some(out) = std::env::var_os("DONGNENG_PDF_OUT") {
            std::fs::write(out, &pdf).unwrap();
        }
        let text: String = text_of(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for line in doc.texts() {
            for c in line.chars().filter(|c| !c.is_whitespace()) {
                assert!(
                    text.contains(c),
                    "{c:?} of {line:?} missing from the PDF text"
                );
            }
        }
        for whole in [
            "督办〔2026〕12号",
            "关于加快解决项目用地问题的督办通知单",
            "二〇二六年十二月二日",
        ] {
            assert!(text.contains(whole), "{whole} missing");
        }
    }

    #[test]
    fn a_chart_is_drawn_in_the_pdf_and_as_a_png() {
        let chart = dongneng_domain::chart::RateChart {
            caption: "各产业年度投资完成率".into(),
            bars: vec![dongneng_domain::chart::RateBar {
                label: "新材料".into(),
                tenths: Some(523),
                note: "5.2/10.0亿元".into(),
            }],
            reference: Some(("序时进度".into(), 417)),
        }
        .render();
        let png = EMBEDDED.rasterise_svg(&chart.svg, 2.0).unwrap();
        assert!(png.starts_with(&[137, 80, 78, 71]), "not a PNG");
        let mut doc = OfficialDocument::example();
        doc.body
            .push(dongneng_domain::document::Block::Chart(chart));
        let pdf = EMBEDDED.render(&doc).unwrap();
        let text: String = text_of(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains("各产业年度投资完成率"), "{text}");
    }

    #[test]
    fn markup_in_the_text_stays_text() {
        let mut doc = OfficialDocument::example();
        doc.title = "#set page(width: 1pt) *粗* $x$ [链接] \\ 标题".into();
        let pdf = EMBEDDED.render(&doc).unwrap();
        let text: String = text_of(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(
            text.contains("#setpage(width:1pt)*粗*$x$[链接]\\标题"),
            "{text}"
        );
    }

    #[test]
    fn a_font_directory_is_searched() {
        let dir = std::env::temp_dir().join(format!("dn-pdf-fonts-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/serif.otf"), EMBEDDED_SERIF).unwrap();
        std::fs::write(dir.join("junk.ttf"), b"not a font").unwrap();
        let w = PdfWriter::new(&FontOptions {
            font_dirs: vec![dir.clone()],
            system_fonts: false,
        });
        assert_eq!(w.machine_families(), ["Noto Serif CJK SC"]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
