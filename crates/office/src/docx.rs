//! Official documents (公文) as Word files, laid out after GB/T 9704: A4, margins 37 mm top,
//! 28 mm inside, 26 mm outside, 35 mm bottom (a 156 × 225 mm text block), 22 lines of 28
//! characters; the organ's mark in red over a red line; the title in 方正小标宋简体 2号
//! centred; the body in 仿宋_GB2312 3号 with a two-character first-line indent; headings in
//! 黑体 (一、), 楷体_GB2312 (（一）) and 仿宋 bold (1.); the page number "— 1 —" in the
//! footer. Fonts are named in every run (eastAsia and ascii) so that Word uses the fonts
//! offices have; where they are missing Word substitutes its own.

use crate::OfficeError;
use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum,
    Paragraph, Pic, Run, RunFonts, SpecialIndentType, Table, TableBorder, TableBorderPosition,
    TableCell, TableRow, WidthType,
};
use dongneng_domain::document::{HeadingLevel, OfficialDocument, Part};

/// The fonts named in the Word file.
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const BODY_FONT: &str = "仿宋_GB2312";
pub const HEADING_FONT: &str = "黑体";
pub const SUBHEADING_FONT: &str = "楷体_GB2312";
/// Latin letters and digits.
const LATIN_FONT: &str = "Times New Roman";

/// Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
/// Twips (1/20 pt): A4 and the GB/T 9704 margins.
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MM: f64 = 56.693;
/// 22 lines in 225 mm: an exact line pitch of 28.9 pt.
const LINE: i32 = 578;
/// Two characters of 3号 for the first-line indent.
const INDENT: i32 = 640;
const RED: &str = "FF0000";

fn mm(v: f64) -> i32 {
    (v * MM).round() as i32
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .cs(LATIN_FONT)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn line(p: Paragraph) -> Paragraph {
    p.line_spacing(
        LineSpacing::new()
            .line(LINE)
            .line_rule(LineSpacingType::Exact),
    )
}

fn body(text: &str) -> Paragraph {
    line(Paragraph::new().add_run(run(text, BODY_FONT, SIZE_3))).indent(
        None,
        Some(SpecialIndentType::FirstLine(INDENT)),
        None,
        None,
    )
}

fn plain(text: &str) -> Paragraph {
    line(Paragraph::new().add_run(run(text, BODY_FONT, SIZE_3)))
}

fn empty() -> Paragraph {
    plain("")
}

fn cell(text: &str, header: bool) -> TableCell {
    let mut r = run(text, if header { HEADING_FONT } else { BODY_FONT }, SIZE_4);
    if header {
        r = r.bold();
    }
    TableCell::new().add_paragraph(Paragraph::new().add_run(r).align(if header {
        AlignmentType::Center
    } else {
        AlignmentType::Left
    }))
}

/// A chart's picture for a Word file: its SVG rasterised (PNG), in the order of the
/// document's charts.
#[derive(Debug, Clone)]
pub struct Picture {
    pub png: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
}

/// EMU (1/914,400 inch) per millimetre.
const EMU_PER_MM: f64 = 36_000.0;

/// The document as a `.docx` file (a chart shows as its caption: use
/// [`write_docx_with_pictures`] to place its picture).
pub fn write_docx(doc: &OfficialDocument) -> Result<Vec<u8>, OfficeError> {
    write_docx_with_pictures(doc, &[])
}

/// The document as a `.docx` file, the `n`th chart drawn as `pictures[n]` (scaled to the
/// width of the text block, at most its own size at 96 dpi).
pub fn write_docx_with_pictures(
    doc: &OfficialDocument,
    pictures: &[Picture],
) -> Result<Vec<u8>, OfficeError> {
    let mut charts = 0usize;
    let text_width = PAGE_W as i32 - mm(28.0) - mm(26.0);
    let mut d = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(mm(37.0))
                .bottom(mm(35.0))
                .left(mm(28.0))
                .right(mm(26.0))
                .header(mm(15.0))
                .footer(mm(20.0)),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_3)
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(run("— ", BODY_FONT, SIZE_4))
                    .add_page_num(PageNum::new())
                    .add_run(run(" —", BODY_FONT, SIZE_4)),
            ),
        );

    // 版头: the organ's mark in red, the number, the red line.
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(&doc.organ, TITLE_FONT, 60).color(RED)),
    );
    d = d.add_paragraph(empty());
    if let Some(n) = &doc.number {
        d = d.add_paragraph(plain(n).align(AlignmentType::Center));
    }
    d = d.add_table(
        Table::without_borders(vec![TableRow::new(vec![
            TableCell::new().add_paragraph(Paragraph::new()),
        ])])
        .width(text_width as usize, WidthType::Dxa)
        .set_border(
            TableBorder::new(TableBorderPosition::Bottom)
                .border_type(BorderType::Single)
                .size(18)
                .color(RED),
        ),
    );
    d = d.add_paragraph(empty());

    // The title, then the addressees.
    d = d.add_paragraph(
        line(Paragraph::new().add_run(run(&doc.title, TITLE_FONT, SIZE_2)))
            .align(AlignmentType::Center),
    );
    d = d.add_paragraph(empty());
    if let Some(a) = doc.addressee_line() {
        d = d.add_paragraph(plain(&a));
    }

    for part in doc.parts() {
        match part {
            Part::Heading { level, text } => {
                let r = match level {
                    HeadingLevel::One => run(&text, HEADING_FONT, SIZE_3),
                    HeadingLevel::Two => run(&text, SUBHEADING_FONT, SIZE_3),
                    HeadingLevel::Three => run(&text, BODY_FONT, SIZE_3).bold(),
                    HeadingLevel::Four => run(&text, BODY_FONT, SIZE_3),
                };
                d = d.add_paragraph(
                    line(Paragraph::new().add_run(r))
                        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
                        .keep_next(true),
                );
            }
            Part::Paragraph(text) => {
                for p in text.split('\n').filter(|p| !p.trim().is_empty()) {
                    d = d.add_paragraph(body(p.trim()));
                }
            }
            Part::Chart(c) => {
                if let Some(pic) = pictures.get(charts).filter(|p| p.width_px > 0) {
                    // The chart's own size at 96 dpi, or the text block's width.
                    let own_mm = c.width as f64 * 25.4 / 96.0;
                    let w_mm = own_mm.min(156.0);
                    let h_mm = w_mm * pic.height_px as f64 / pic.width_px as f64;
                    let image =
                        Pic::new_with_dimensions(pic.png.clone(), pic.width_px, pic.height_px)
                            .size(
                                (w_mm * EMU_PER_MM).round() as u32,
                                (h_mm * EMU_PER_MM).round() as u32,
                            );
                    d = d.add_paragraph(
                        Paragraph::new()
                            .align(AlignmentType::Center)
                            .add_run(Run::new().add_image(image))
                            .keep_next(true),
                    );
                }
                charts += 1;
                d = d.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
                    &c.caption,
                    HEADING_FONT,
                    SIZE_4,
                )));
            }
            Part::Table(t) => {
                let cols = t.header.len().max(1);
                let w = text_width as usize / cols;
                let mut rows = vec![TableRow::new(
                    t.header
                        .iter()
                        .map(|h| cell(h, true).width(w, WidthType::Dxa))
                        .collect(),
                )];
                rows.extend(t.rows.iter().map(|r| {
                    TableRow::new(
                        r.iter()
                            .map(|c| cell(c, false).width(w, WidthType::Dxa))
                            .collect(),
                    )
                    .cant_split()
                }));
                d = d
                    .add_table(Table::new(rows).width(text_width as usize, WidthType::Dxa))
                    .add_paragraph(empty());
            }
        }
    }

    let attachments = doc.attachment_lines();
    if !attachments.is_empty() {
        d = d.add_paragraph(empty());
        for a in &attachments {
            d = d.add_paragraph(body(a));
        }
    }

    // 署名 and 成文日期, right-aligned with four characters to spare.
    d = d.add_paragraph(empty()).add_paragraph(empty());
    let right = |text: &str| {
        plain(text)
            .align(AlignmentType::Right)
            .indent(None, None, Some(INDENT * 2), None)
    };
    d = d.add_paragraph(right(&doc.signature));
    d = d.add_paragraph(right(&doc.date_line()));

    if let Some(c) = doc.copy_to_line() {
        d = d.add_paragraph(empty());
        d = d.add_paragraph(line(
            Paragraph::new().add_run(run(&c, BODY_FONT, SIZE_4)).indent(
                Some(INDENT / 2),
                None,
                Some(INDENT / 2),
                None,
            ),
        ));
    }

    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| OfficeError::Write {
        detail: e.to_string(),
    })?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn the_document_xml_holds_every_line_and_names_the_fonts() {
        let doc = OfficialDocument::example();
        let bytes = write_docx(&doc).unwrap();
        let xml = part(&bytes, "word/document.xml");
        for t in doc.texts() {
            assert!(xml.contains(&t), "{t} missing");
        }
        for font in [TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT] {
            assert!(
                xml.contains(&format!("w:eastAsia=\"{font}\"")),
                "{font} not named"
            );
        }
        // A4 with the GB/T 9704 margins.
        assert!(xml.contains("w:w=\"11906\""), "A4 width");
        assert!(xml.contains("w:top=\"2098\""), "37 mm top margin");
        assert!(xml.contains("w:left=\"1587\""), "28 mm left margin");
    }

    #[test]
    fn a_chart_is_a_picture_with_its_caption() {
        let mut doc = OfficialDocument::example();
        let chart = dongneng_domain::chart::RateChart {
            caption: "各产业年度投资完成情况".into(),
            bars: vec![],
            reference: None,
        }
        .render();
        doc.body
            .push(dongneng_domain::document::Block::Chart(chart.clone()));
        // A 1×1 white PNG stands in for the rasterised chart.
        let png = vec![
            137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1,
            8, 2, 0, 0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 8, 215, 99, 248, 255,
            255, 63, 0, 5, 254, 2, 254, 167, 53, 129, 132, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96,
            130,
        ];
        let bytes = write_docx_with_pictures(
            &doc,
            &[Picture {
                png,
                width_px: 1,
                height_px: 1,
            }],
        )
        .unwrap();
        let xml = part(&bytes, "word/document.xml");
        assert!(xml.contains("各产业年度投资完成情况"));
        assert!(xml.contains("<pic:pic"), "no picture");
        let zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        assert!(
            zip.file_names()
                .any(|n| n.is_ok_and(|n| n.starts_with("word/media/"))),
            "no image part"
        );
        // Without a picture the caption stays.
        let xml = part(&write_docx(&doc).unwrap(), "word/document.xml");
        assert!(xml.contains("各产业年度投资完成情况"));
    }

    #[test]
    fn markup_in_the_text_stays_text() {
        let mut doc = OfficialDocument::example();
        doc.title = "<b>&\"'</b>".into();
        let xml = part(&write_docx(&doc).unwrap(), "word/document.xml");
        assert!(xml.contains("&lt;b&gt;&amp;"));
    }
}
