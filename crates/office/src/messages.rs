//! Chinese messages for the error report. The web layer translates the same codes from its
//! own catalogue (keys under `validation.` for cell errors); these are the texts written into
//! the notes of the report workbook.

use std::collections::BTreeMap;

/// Every cell error code the readers emit (keys under `validation.`). Every error carries the
/// parameter `field` (the header text); besides it: `one_of` → `allowed`; `range` and
/// `date_range` → `min`, `max`; `duplicate_in_file` → `first_row`; `factor_need_missing` →
/// `need` (the missing header).
pub const ERROR_CODES: &[&str] = &[
    "required",
    "money_not_number",
    "money_too_precise",
    "money_negative",
    "money_too_large",
    "quantity_not_number",
    "quantity_too_precise",
    "quantity_negative",
    "quantity_too_large",
    "date",
    "date_range",
    "one_of",
    "project_code",
    "credit_code",
    "duplicate_in_file",
    "range",
    "not_integer",
    "formula_error",
    "identity_required",
    "factor_need_missing",
];

/// Every file-level error code ([`crate::OfficeError::code`]); parameters from
/// [`crate::OfficeError::params`]: `wrong_headers` and `duplicate_headers` → `columns`,
/// `merged_cells` → `range`, `too_many_rows` → `max`.
pub const FILE_ERROR_CODES: &[&str] = &[
    "not_a_workbook",
    "legacy_xls",
    "password_protected",
    "no_sheet",
    "empty_sheet",
    "no_rows",
    "wrong_headers",
    "duplicate_headers",
    "merged_cells",
    "too_many_rows",
    "too_large",
    "write_failed",
];

fn template(code: &str) -> Option<&'static str> {
    Some(match code {
        // Emitted by the readers.
        "required" => "请填写“%{field}”。",
        "money_not_number" => "“%{field}”须为以万元计的数字，不要带单位。",
        "money_too_precise" => "“%{field}”小数位过多（以万元计最多 6 位小数）。",
        "money_negative" => "“%{field}”不能为负数。",
        "money_too_large" => "“%{field}”数额过大。",
        "quantity_not_number" => "“%{field}”须为数字，不要带单位。",
        "quantity_too_precise" => "“%{field}”最多保留 2 位小数。",
        "quantity_negative" => "“%{field}”不能为负数。",
        "quantity_too_large" => "“%{field}”数值过大。",
        "date" => "“%{field}”须为日期，如 2026-03-01、2026/3/1 或 2026年3月1日。",
        "date_range" => "“%{field}”应在 %{min} 到 %{max} 之间。",
        "one_of" => "“%{field}”只能取以下值之一：%{allowed}。",
        "project_code" => "“%{field}”须为 24 位投资项目代码，格式如 2019-370303-26-03-012345。",
        "credit_code" => "“%{field}”不是有效的 18 位统一社会信用代码，请核对。",
        "duplicate_in_file" => "“%{field}”与本表第 %{first_row} 行重复。",
        "range" => "“%{field}”应在 %{min} 到 %{max} 之间。",
        "not_integer" => "“%{field}”须为整数。",
        "formula_error" => "“%{field}”是公式错误值，请填写实际内容。",
        "identity_required" => "未填写项目代码时，须同时填写项目名称和建设单位。",
        "factor_need_missing" => "填写了“%{field}”，但表中没有“%{need}”列。",
        // Found later by the domain or the service, placed on the sheet by the caller.
        "length" => "“%{field}”长度不能超过 %{max} 个字符。",
        "control_chars" => "“%{field}”含有不可见的控制字符。",
        "markup" => "“%{field}”不能包含尖括号 < >。",
        "gbt_section" => "“%{field}”须为国民经济行业门类字母 A–T。",
        "gbt_division" => "“%{field}”须为门类 %{section} 下的两位大类代码（%{from}–%{to}）。",
        "phone" => "“%{field}”只能包含数字、空格和 - + ( )。",
        "finish_before_start" => "“%{field}”早于开工时间。",
        "completed_above_total" => "“%{field}”超过了总投资。",
        "code_required_started" => "已开工或建成的项目须填写“%{field}”。",
        "unknown_reference" => "“%{field}”在系统中不存在。",
        "duplicate" => "“%{field}”与已有记录重复。",
        "future_month" => "“%{field}”不能晚于本月。",
        // File-level.
        "not_a_workbook" => "文件不是有效的 Excel 工作簿（.xlsx），或文件已损坏。",
        "legacy_xls" => "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后再上传。",
        "password_protected" => "工作簿设有密码，请取消密码保护后再上传。",
        "no_sheet" => "工作簿中没有工作表。",
        "empty_sheet" => "工作表是空的。",
        "no_rows" => "表头下没有数据行。",
        "wrong_headers" => "表头与模板不符，缺少以下列：%{columns}。请使用系统提供的模板。",
        "duplicate_headers" => "以下列名出现了不止一次：%{columns}。",
        "merged_cells" => "表头或数据区有合并单元格（%{range}），请取消合并后再上传。",
        "too_many_rows" => "数据超过 %{max} 行，请分批导入。",
        "too_large" => "文件内容过多，无法导入。",
        "write_failed" => "生成表格失败。",
        _ => return None,
    })
}

/// The Chinese message for a code, with `%{name}` placeholders filled from `params`
/// (`field` defaults to “该项”). Unknown codes get a generic message naming the code.
pub fn message_zh(code: &str, params: &BTreeMap<String, String>) -> String {
    let Some(t) = template(code) else {
        let field = params.get("field").map(String::as_str).unwrap_or("该项");
        return format!("“{field}”填写有误（{code}）。");
    };
    let mut out = String::with_capacity(t.len() + 32);
    let mut rest = t;
    while let Some(i) = rest.find("%{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) => {
                let key = &after[..j];
                match params.get(key) {
                    Some(v) => out.push_str(v),
                    None if key == "field" => out.push_str("该项"),
                    None => out.push('…'),
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_without_holes() {
        let params: BTreeMap<String, String> = [
            ("field", "总投资（万元）"),
            ("min", "1"),
            ("max", "12"),
            ("allowed", "新建、扩建"),
            ("first_row", "3"),
            ("columns", "项目名称"),
            ("range", "A2:B3"),
            ("section", "C"),
            ("from", "13"),
            ("to", "43"),
            ("need", "用地需求（亩）"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for code in ERROR_CODES.iter().chain(FILE_ERROR_CODES) {
            assert!(template(code).is_some(), "{code}");
            let m = message_zh(code, &params);
            assert!(!m.contains("%{") && !m.contains('…'), "{code}: {m}");
        }
    }

    #[test]
    fn fills_and_falls_back() {
        let p = BTreeMap::from([("field".to_string(), "月份".to_string())]);
        assert_eq!(message_zh("required", &p), "请填写“月份”。");
        assert_eq!(message_zh("required", &BTreeMap::new()), "请填写“该项”。");
        assert_eq!(message_zh("weird", &p), "“月份”填写有误（weird）。");
    }
}
