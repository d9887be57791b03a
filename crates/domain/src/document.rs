//! Official documents (公文): what a Chinese official document in the GB/T 9704 layout says —
//! the issuing organ (版头), the document number (督办〔2026〕12号), the title, the addressees
//! (主送), the body (headings numbered 一、（一）1.（1）, paragraphs, tables), the attachments
//! list, the signing organ with the date in Chinese (二〇二六年十二月二日) and the copy-to
//! line (抄送). Plain data: the Word writer (`office::docx`) and the PDF writer
//! (`dongneng-pdf`) lay it out; an area only describes the content.

use crate::code_list::code_list;
use crate::validate::{FieldError, FieldErrors};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

code_list! {
    /// What a document is. Later issues add theirs (the dispatch digest, bulletins …).
    DocumentKind in "document.kind" {
        /// 会议通知.
        MeetingNotice = "meeting_notice" / "会议通知",
        /// 会议纪要 (with its decisions table).
        MeetingMinutes = "meeting_minutes" / "会议纪要",
        /// The quarterly on-site meeting's progress pack (会议材料).
        MeetingPack = "meeting_pack" / "会议材料",
        /// 督办通知单 of a supervision item.
        SupervisionNotice = "supervision_notice" / "督办通知单",
        /// 月度调度通报: the month's dispatch digest.
        DispatchDigest = "dispatch_digest" / "月度调度通报",
    }
}

code_list! {
    /// The record a document is made from: who may read the record may read its documents.
    SourceKind in "document.source" {
        SupervisionItem = "supervision_item",
        Meeting = "meeting",
        /// A month's dispatch digest as one reader's scope sees it (`digest_editions`).
        DigestEdition = "digest_edition",
    }
}

code_list! {
    /// The file format of a stored document.
    DocumentFormat in "document.format" {
        Docx = "docx",
        Pdf = "pdf",
    }
}

impl DocumentFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentFormat::Pdf => "application/pdf",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.code()
    }
}

/// The level of a heading, numbered as offices do: 一、 (黑体), （一） (楷体), 1. and （1）
/// (仿宋).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum HeadingLevel {
    /// 一、
    One = 1,
    /// （一）
    Two = 2,
    /// 1.
    Three = 3,
    /// （1）
    Four = 4,
}

/// A table: a header row and the rows, each as long as the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Block {
    /// A heading without its number: the number comes from its place ([`OfficialDocument::parts`]).
    Heading {
        level: HeadingLevel,
        text: String,
    },
    /// A paragraph, indented two characters.
    Paragraph(String),
    Table(Table),
    /// A chart drawn as SVG (`crate::chart`), with its caption below it.
    Chart(crate::chart::Chart),
}

/// A Chinese official document, plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfficialDocument {
    pub kind: DocumentKind,
    /// The issuing organ's mark (版头), in red above the red line: "淄博市重大项目推进办公室".
    pub organ: String,
    /// The document number (发文字号): 督办〔2026〕12号.
    pub number: Option<String>,
    pub title: String,
    /// The addressees (主送机关), joined with "、" and ended with "：".
    pub addressees: Vec<String>,
    pub body: Vec<Block>,
    /// The attachments list (附件：1. …).
    pub attachments: Vec<String>,
    /// The signing organ (署名).
    pub signature: String,
    /// The date of the document (成文日期), written in Chinese.
    pub date: NaiveDate,
    /// Copy to (抄送).
    pub copy_to: Vec<String>,
}

/// A block as laid out: headings carry their number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    Heading { level: HeadingLevel, text: String },
    Paragraph(&'a str),
    Table(&'a Table),
    Chart(&'a crate::chart::Chart),
}

/// The longest text of a line (title, number, names) and of a paragraph or cell.
pub const MAX_LINE: usize = 500;
pub const MAX_TEXT: usize = 20_000;
/// The most blocks, table rows and columns of one document.
pub const MAX_BLOCKS: usize = 2_000;
pub const MAX_ROWS: usize = 5_000;
pub const MAX_COLUMNS: usize = 12;
/// The largest SVG of a chart, and its largest side in pixels.
pub const MAX_SVG: usize = 512 * 1024;
pub const MAX_CHART_SIDE: u32 = 4000;

impl OfficialDocument {
    /// The body with the headings numbered: a heading's number counts the headings of its
    /// level since the last heading above it (一、二、 … then （一）（二） … again under 二、).
    pub fn parts(&self) -> Vec<Part<'_>> {
        let mut counters = [0usize; 4];
        self.body
            .iter()
            .map(|b| match b {
                Block::Heading { level, text } => {
                    let i = *level as usize - 1;
                    counters[i] += 1;
                    for c in &mut counters[i + 1..] {
                        *c = 0;
                    }
                    Part::Heading {
                        level: *level,
                        text: format!("{}{}", heading_number(*level, counters[i]), text.trim()),
                    }
                }
                Block::Paragraph(p) => Part::Paragraph(p),
                Block::Table(t) => Part::Table(t),
                Block::Chart(c) => Part::Chart(c),
            })
            .collect()
    }

    /// The addressee line: "市财政局、市自然资源和规划局：" (none when there are none).
    pub fn addressee_line(&self) -> Option<String> {
        (!self.addressees.is_empty()).then(|| format!("{}：", self.addressees.join("、")))
    }

    /// The attachment lines: "附件：1. 甲" then "      2. 乙" (one attachment: no number).
    pub fn attachment_lines(&self) -> Vec<String> {
        match self.attachments.as_slice() {
            [] => vec![],
            [one] => vec![format!("附件：{one}")],
            many => many
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let lead = if i == 0 { "附件：" } else { "　　　" };
                    format!("{lead}{}. {a}", i + 1)
                })
                .collect(),
        }
    }

    /// The date in Chinese: 二〇二六年十二月二日.
    pub fn date_line(&self) -> String {
        chinese_date(self.date)
    }

    /// The copy-to line: "抄送：市委办公室，市政府办公室。" (none when there are none).
    pub fn copy_to_line(&self) -> Option<String> {
        (!self.copy_to.is_empty()).then(|| format!("抄送：{}。", self.copy_to.join("，")))
    }

    /// The download file name: the number and the title, without characters file systems
    /// refuse: "督办〔2026〕12号 关于…的督办通知单.pdf".
    pub fn file_name(&self, format: DocumentFormat) -> String {
        let stem = match &self.number {
            Some(n) => format!("{n} {}", self.title),
            None => self.title.clone(),
        };
        let clean: String = stem
            .chars()
            .map(|c| match c {
                '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
                c if c.is_control() => '_',
                c => c,
            })
            .take(120)
            .collect();
        format!("{}.{}", clean.trim(), format.extension())
    }

    /// Every text the document shows, in order (tests check a rendering holds each).
    pub fn texts(&self) -> Vec<String> {
        let mut out = vec![self.organ.clone()];
        out.extend(self.number.clone());
        out.push(self.title.clone());
        out.extend(self.addressee_line());
        for p in self.parts() {
            match p {
                Part::Heading { text, .. } => out.push(text),
                Part::Paragraph(t) => out.push(t.to_string()),
                Part::Table(t) => {
                    out.extend(t.header.iter().cloned());
                    out.extend(t.rows.iter().flatten().cloned());
                }
                Part::Chart(c) => out.push(c.caption.clone()),
            }
        }
        out.extend(self.attachment_lines());
        out.push(self.signature.clone());
        out.push(self.date_line());
        out.extend(self.copy_to_line());
        out
    }

    /// Checks the document before it is laid out: the lines present and single-line, the
    /// sizes within bounds, every table row as long as its header. Errors name the field
    /// (`title`, `body[3]`, `body[3].rows[2]` …).
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let line = |errors: &mut FieldErrors, field: &str, v: &str, required: bool| {
            if required && v.trim().is_empty() {
                errors.add(field, "required");
            } else if v.chars().count() > MAX_LINE {
                errors.push(FieldError::new(field, "too_long").with("max", MAX_LINE));
            } else if v.chars().any(char::is_control) {
                errors.add(field, "control_chars");
            }
        };
        let text = |errors: &mut FieldErrors, field: &str, v: &str| {
            if v.chars().count() > MAX_TEXT {
                errors.push(FieldError::new(field, "too_long").with("max", MAX_TEXT));
            } else if v.chars().any(|c| c.is_control() && c != '\n') {
                errors.add(field, "control_chars");
            }
        };
        line(&mut errors, "organ", &self.organ, true);
        if let Some(n) = &self.number {
            line(&mut errors, "number", n, true);
        }
        line(&mut errors, "title", &self.title, true);
        line(&mut errors, "signature", &self.signature, true);
        for (name, list) in [
            ("addressees", &self.addressees),
            ("attachments", &self.attachments),
            ("copy_to", &self.copy_to),
        ] {
            for (i, v) in list.iter().enumerate() {
                line(&mut errors, &format!("{name}[{i}]"), v, true);
            }
        }
        if self.body.len() > MAX_BLOCKS {
            errors.push(FieldError::new("body", "too_many").with("max", MAX_BLOCKS));
        }
        for (i, b) in self.body.iter().enumerate() {
            let field = format!("body[{i}]");
            match b {
                Block::Heading { text, .. } => line(&mut errors, &field, text, true),
                Block::Paragraph(p) => text(&mut errors, &field, p),
                Block::Chart(c) => {
                    line(&mut errors, &format!("{field}.caption"), &c.caption, true);
                    if c.svg.len() > MAX_SVG || !c.svg.starts_with("<svg") {
                        errors.push(
                            FieldError::new(format!("{field}.svg"), "too_long")
                                .with("max", MAX_SVG),
                        );
                    }
                    if !(1..=MAX_CHART_SIDE).contains(&c.width)
                        || !(1..=MAX_CHART_SIDE).contains(&c.height)
                    {
                        errors.add(&format!("{field}.width"), "range");
                    }
                }
                Block::Table(t) => {
                    if t.header.is_empty() || t.header.len() > MAX_COLUMNS {
                        errors.push(
                            FieldError::new(format!("{field}.header"), "columns")
                                .with("max", MAX_COLUMNS),
                        );
                    }
                    if t.rows.len() > MAX_ROWS {
                        errors.push(
                            FieldError::new(format!("{field}.rows"), "too_many")
                                .with("max", MAX_ROWS),
                        );
                    }
                    for (c, h) in t.header.iter().enumerate() {
                        line(&mut errors, &format!("{field}.header[{c}]"), h, false);
                    }
                    for (r, row) in t.rows.iter().enumerate() {
                        let rf = format!("{field}.rows[{r}]");
                        if row.len() != t.header.len() {
                            errors.add(&rf, "columns");
                        }
                        for cell in row {
                            text(&mut errors, &rf, cell);
                        }
                    }
                }
            }
        }
        errors.into_result()
    }
}

impl OfficialDocument {
    /// An example document with every part (tests of the writers use it).
    pub fn example() -> OfficialDocument {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        OfficialDocument {
            kind: DocumentKind::SupervisionNotice,
            organ: "淄博市重大项目推进办公室".into(),
            number: Some("督办〔2026〕12号".into()),
            title: "关于加快解决项目用地问题的督办通知单".into(),
            addressees: vec!["市财政局".into(), "市自然资源和规划局".into()],
            body: vec![
                Block::Heading {
                    level: HeadingLevel::One,
                    text: "督办事项".into(),
                },
                Block::Paragraph("项目用地指标尚未落实。".into()),
                Block::Heading {
                    level: HeadingLevel::Two,
                    text: "办理要求".into(),
                },
                Block::Heading {
                    level: HeadingLevel::Two,
                    text: "办理时限".into(),
                },
                Block::Heading {
                    level: HeadingLevel::One,
                    text: "工作要求".into(),
                },
                Block::Heading {
                    level: HeadingLevel::Two,
                    text: "按时反馈".into(),
                },
                Block::Heading {
                    level: HeadingLevel::Three,
                    text: "书面报告".into(),
                },
                Block::Table(Table {
                    header: vec!["单位".into(), "时限".into()],
                    rows: vec![vec!["市财政局".into(), "6月30日".into()]],
                }),
            ],
            attachments: vec![],
            signature: "淄博市重大项目推进办公室".into(),
            date: day(2026, 12, 2),
            copy_to: vec!["市委办公室".into(), "市政府办公室".into()],
        }
    }
}

/// The number of the `n`th heading (from 1) of a level: 一、 （一） 1. （1）.
pub fn heading_number(level: HeadingLevel, n: usize) -> String {
    match level {
        HeadingLevel::One => format!("{}、", chinese_number(n)),
        HeadingLevel::Two => format!("（{}）", chinese_number(n)),
        HeadingLevel::Three => format!("{n}."),
        HeadingLevel::Four => format!("（{n}）"),
    }
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A count in Chinese numerals as headings and dates write it: 1 一, 10 十, 12 十二, 20 二十,
/// 31 三十一, 100 一百, 105 一百零五, 110 一百一十. Numbers from 1,000 on are written in
/// digits (no heading list is that long).
pub fn chinese_number(n: usize) -> String {
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!(
            "十{}",
            if n == 10 {
                String::new()
            } else {
                DIGITS[n - 10].to_string()
            }
        ),
        20..=99 => {
            let ones = if n.is_multiple_of(10) {
                String::new()
            } else {
                DIGITS[n % 10].to_string()
            };
            format!("{}十{ones}", DIGITS[n / 10])
        }
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{tail}", DIGITS[n / 100])
        }
        _ => n.to_string(),
    }
}

/// A date as official documents write it: the year digit by digit with 〇 for zero, month
/// and day as numbers: 二〇二六年十二月二日, 二〇二〇年一月三十一日.
pub fn chinese_date(d: NaiveDate) -> String {
    let year: String = d
        .year()
        .to_string()
        .chars()
        .map(|c| match c {
            '0' => '〇',
            c => c.to_digit(10).map_or(c, |v| DIGITS[v as usize]),
        })
        .collect();
    format!(
        "{year}年{}月{}日",
        chinese_number(d.month() as usize),
        chinese_number(d.day() as usize)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> OfficialDocument {
        OfficialDocument::example()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_written_in_chinese() {
        assert_eq!(chinese_date(day(2026, 12, 2)), "二〇二六年十二月二日");
        assert_eq!(chinese_date(day(2020, 1, 31)), "二〇二〇年一月三十一日");
        assert_eq!(chinese_date(day(2030, 10, 10)), "二〇三〇年十月十日");
        assert_eq!(chinese_date(day(2019, 11, 20)), "二〇一九年十一月二十日");
    }

    #[test]
    fn numbers_are_written_in_chinese() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (31, "三十一"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (999, "九百九十九"),
            (1000, "1000"),
        ];
        for (n, zh) in cases {
            assert_eq!(chinese_number(n), zh, "{n}");
        }
    }

    #[test]
    fn headings_are_numbered_by_place() {
        let doc = sample();
        let headings: Vec<String> = doc
            .parts()
            .into_iter()
            .filter_map(|p| match p {
                Part::Heading { text, .. } => Some(text),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                "一、督办事项",
                "（一）办理要求",
                "（二）办理时限",
                "二、工作要求",
                "（一）按时反馈",
                "1.书面报告"
            ]
        );
    }

    #[test]
    fn lines_of_the_head_and_foot() {
        let mut doc = sample();
        assert_eq!(
            doc.addressee_line().as_deref(),
            Some("市财政局、市自然资源和规划局：")
        );
        assert_eq!(
            doc.copy_to_line().as_deref(),
            Some("抄送：市委办公室，市政府办公室。")
        );
        assert_eq!(doc.date_line(), "二〇二六年十二月二日");
        assert!(doc.attachment_lines().is_empty());
        doc.attachments = vec!["项目清单".into()];
        assert_eq!(doc.attachment_lines(), ["附件：项目清单"]);
        doc.attachments.push("进度表".into());
        assert_eq!(
            doc.attachment_lines(),
            ["附件：1. 项目清单", "　　　2. 进度表"]
        );
        doc.addressees.clear();
        doc.copy_to.clear();
        assert_eq!(doc.addressee_line(), None);
        assert_eq!(doc.copy_to_line(), None);
    }

    #[test]
    fn file_names_carry_number_and_title_safely() {
        let mut doc = sample();
        assert_eq!(
            doc.file_name(DocumentFormat::Pdf),
            "督办〔2026〕12号 关于加快解决项目用地问题的督办通知单.pdf"
        );
        doc.number = None;
        doc.title = "a/b:c".into();
        assert_eq!(doc.file_name(DocumentFormat::Docx), "a_b_c.docx");
    }

    #[test]
    fn texts_hold_every_line() {
        let t = sample().texts();
        for want in [
            "督办〔2026〕12号",
            "一、督办事项",
            "单位",
            "6月30日",
            "二〇二六年十二月二日",
        ] {
            assert!(t.iter().any(|x| x == want), "{want}");
        }
    }

    #[test]
    fn check_names_the_field() {
        assert!(sample().check().is_ok());
        let mut doc = sample();
        doc.title = " ".into();
        doc.body.push(Block::Table(Table {
            header: vec!["a".into(), "b".into()],
            rows: vec![vec!["1".into()]],
        }));
        doc.body.push(Block::Paragraph("x\u{7}".into()));
        doc.addressees.push("a\nb".into());
        let errs = doc.check().unwrap_err();
        let fields: Vec<&str> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["title", "addressees[2]", "body[8].rows[0]", "body[9]"]
        );
    }

    #[test]
    fn formats_and_kinds() {
        assert_eq!(DocumentFormat::Pdf.content_type(), "application/pdf");
        assert_eq!(DocumentFormat::Docx.extension(), "docx");
        assert_eq!(
            DocumentKind::parse("supervision_notice"),
            Some(DocumentKind::SupervisionNotice)
        );
        assert_eq!(DocumentKind::SupervisionNotice.zh(), "督办通知单");
        assert_eq!(SourceKind::parse("meeting"), Some(SourceKind::Meeting));
    }
}
