//! The supervision notice (督办通知单) as an official document: what the notice says
//! ([`SupervisionNotice`]) laid out as 公文 and kept with the item's other documents.

use super::{SupervisionNotice, SupervisionReader};
use crate::documents::{DocumentSource, IssuedDocument};
use crate::error::Result;
use dongneng_domain::document::{
    Block, DocumentFormat, DocumentKind, HeadingLevel, OfficialDocument, SourceKind, Table,
    chinese_date,
};
use dongneng_store::StoredDocument;

/// The notice as a document: the issuing office's mark, the number, the title, the units as
/// addressees; what is supervised, what is required, the deadline; a table of the units and
/// their deadline; signed by the issuing office on the day of issue.
pub fn notice_document(n: &SupervisionNotice) -> OfficialDocument {
    let heading = |text: &str| Block::Heading {
        level: HeadingLevel::One,
        text: text.into(),
    };
    let deadline = chinese_date(n.deadline);
    OfficialDocument {
        kind: DocumentKind::SupervisionNotice,
        organ: n.issuer.clone(),
        number: Some(n.number.clone()),
        title: format!("关于“{}”的督办通知单", n.title),
        addressees: n.addressees.clone(),
        body: vec![
            Block::Paragraph(format!(
                "根据重大项目协调推进工作安排，现将以下事项列入督办（{}），请认真抓好落实。",
                n.number
            )),
            heading("督办事项"),
            Block::Paragraph(n.subject.clone()),
            heading("督办要求"),
            Block::Paragraph(n.requirement.clone()),
            heading("办理时限"),
            Block::Paragraph(format!(
                "请于{deadline}前办结，并将办理情况书面回复督办单位；逾期未办结的，予以通报。"
            )),
            Block::Table(Table {
                header: vec!["序号".into(), "承办单位".into(), "办理时限".into()],
                rows: n
                    .addressees
                    .iter()
                    .enumerate()
                    .map(|(i, a)| vec![(i + 1).to_string(), a.clone(), deadline.clone()])
                    .collect(),
            }),
        ],
        attachments: vec![],
        signature: n.issuer.clone(),
        date: n.issued_on,
        copy_to: vec![],
    }
}

impl SupervisionReader {
    /// The item's notice as Word and PDF: made and stored the first time it is asked for at
    /// the item's present version, served from the store after that.
    pub async fn notice_document(&self, id: i64) -> Result<IssuedDocument> {
        let (notice, version) = self.notice_at(id).await?;
        let source = DocumentSource {
            kind: SourceKind::SupervisionItem,
            id,
            version,
        };
        self.0
            .svc()
            .issue_document(&self.0, source, notice_document(&notice))
            .await
    }

    /// One format of the item's notice, with its bytes.
    pub async fn notice_file(
        &self,
        id: i64,
        format: DocumentFormat,
    ) -> Result<(StoredDocument, Vec<u8>)> {
        let issued = self.notice_document(id).await?;
        self.0.svc().issued_bytes(&issued, format).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_notice_says_what_the_item_says() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let n = SupervisionNotice {
            number: "督办〔2026〕3号".into(),
            title: "项目用地问题".into(),
            addressees: vec!["市财政局".into(), "市自然资源和规划局".into()],
            subject: "问题 WT-2026-0001 用地指标".into(),
            requirement: "尽快落实用地指标".into(),
            deadline: day(6, 30),
            issuer: "市委督查室".into(),
            issued_on: day(6, 1),
        };
        let doc = notice_document(&n);
        assert!(doc.check().is_ok());
        let texts = doc.texts().join("\n");
        for want in [
            "督办〔2026〕3号",
            "关于“项目用地问题”的督办通知单",
            "市财政局、市自然资源和规划局：",
            "一、督办事项",
            "尽快落实用地指标",
            "二〇二六年六月三十日",
            "二〇二六年六月一日",
            "市委督查室",
        ] {
            assert!(texts.contains(want), "{want}");
        }
    }
}
