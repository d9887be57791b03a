//! The user's language and the message catalogue (`locales/*.yml`). Every string a user sees
//! goes through here; the language is passed on every call, never kept globally.

use dongneng_domain::FieldError;
use std::borrow::Cow;

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.trim().to_ascii_lowercase();
        if t.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The other language (for the switch in the header).
    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    /// The preferred supported language of an `Accept-Language` header; Chinese when none.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut bits = part.split(';');
            let tag = bits.next().unwrap_or("");
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The message for `key`; the key itself when the catalogue lacks it (a test makes sure
    /// it never does).
    pub fn t(self, key: &str) -> String {
        translate(self, key).into_owned()
    }

    /// The message for `key` with `%{name}` placeholders filled.
    pub fn t_with(self, key: &str, params: &[(&str, &str)]) -> String {
        let mut text = translate(self, key).into_owned();
        for (k, v) in params {
            text = text.replace(&format!("%{{{k}}}"), v);
        }
        text
    }

    /// The label of a field, for messages and forms. `grants[1].scope` is labelled as
    /// `scope`'s parent list, `grants`.
    pub fn field_label(self, field: &str) -> String {
        let base = field.split(['[', '.']).next().unwrap_or(field);
        match self.shared_or_area("field", base) {
            Some(s) => s,
            None => field.to_string(),
        }
    }

    /// `{section}.{name}` of the common section (`field`, `validation`), else of the first
    /// area section that has it (`meetings.field.…`): an area keeps the labels and messages
    /// only it uses in its own section of the catalogue.
    fn shared_or_area(self, section: &str, name: &str) -> Option<String> {
        std::iter::once(String::new())
            .chain(AREA_SECTIONS.iter().map(|a| format!("{a}.")))
            .find_map(|prefix| {
                let key = format!("{prefix}{section}.{name}");
                crate::_rust_i18n_try_translate(self.code(), &key).map(|s| s.into_owned())
            })
    }

    /// A field error as a sentence in this language.
    pub fn field_message(self, e: &FieldError) -> String {
        let label = self.field_label(&e.field);
        let mut params: Vec<(&str, &str)> = vec![("field", label.as_str())];
        for (k, v) in &e.params {
            params.push((k.as_str(), v.as_str()));
        }
        let mut key = format!("validation.{}", e.code);
        // validator reports too-short strings with the same code as too-long ones.
        if e.code == "length" && e.params.contains_key("min") && !e.params.contains_key("max") {
            key = "validation.length_min".into();
        }
        if crate::_rust_i18n_try_translate(self.code(), &key).is_none()
            && let Some(area) = AREA_SECTIONS.iter().find(|a| {
                let k = format!("{a}.validation.{}", e.code);
                crate::_rust_i18n_try_translate(self.code(), &k).is_some()
            })
        {
            key = format!("{area}.validation.{}", e.code);
        }
        if crate::_rust_i18n_try_translate(self.code(), &key).is_none() {
            key = "validation.invalid_type".into();
            params.push(("detail", e.code.as_str()));
        }
        self.t_with(&key, &params)
    }
}

/// The catalogue sections of areas that keep their own field labels (`<area>.field.…`) and
/// validation messages (`<area>.validation.…`), tried after the common `field` and
/// `validation` sections.
const AREA_SECTIONS: &[&str] = &["meetings", "dispatch", "digest", "policies"];

/// A moment as Beijing time (UTC+8), which is how every user of the system reads the clock.
pub fn china_time(at: chrono::DateTime<chrono::Utc>) -> String {
    dongneng_domain::clock::local(at)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn translate(lang: Lang, key: &str) -> Cow<'static, str> {
    match crate::_rust_i18n_try_translate(lang.code(), key) {
        Some(s) => Cow::Owned(s.into_owned()),
        None => Cow::Owned(key.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language("fr"), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language("fr, en;q=0.5"), Lang::En);
    }

    #[test]
    fn messages_fill_field_names() {
        let e = FieldError::new("name_zh", "length").with("max", 100);
        assert_eq!(
            Lang::ZhCn.field_message(&e),
            "“名称（中文）”长度不能超过 100 个字符。"
        );
        assert_eq!(
            Lang::En.field_message(&e),
            "“Name (Chinese)” must be at most 100 characters."
        );
        let e = FieldError::new("grants[0].scope", "required");
        assert!(Lang::En.field_message(&e).contains("Roles and data scope"));
    }
}
