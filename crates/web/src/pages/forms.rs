//! Generic building blocks for admin pages: a table of cells and a form of fields, rendered by
//! `list.html` and `form.html`, plus reading submitted form fields.

use crate::i18n::Lang;
use dongneng_domain::{FieldError, FieldErrors};

/// One table cell; linked when `href` is set.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell {
            text: t.into(),
            href: None,
        }
    }
    pub fn link(t: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            text: t.into(),
            href: Some(href.into()),
        }
    }
}

pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Stable id of each row's element (`row-<id>`), for tests and anchors.
    pub row_ids: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Number,
    Password,
    Textarea,
    Select,
    MultiSelect,
    Checkbox,
    Date,
}

/// One form field with its current value and, after a failed submit, its error.
pub struct FormField {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub value: String,
    pub checked: bool,
    /// (value, label, selected) for selects.
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
    pub hint: Option<String>,
    pub error: Option<String>,
}

impl FormField {
    pub fn new(lang: Lang, name: &str, kind: FieldKind, value: impl Into<String>) -> FormField {
        FormField {
            name: name.to_string(),
            label: lang.field_label(name),
            kind,
            value: value.into(),
            checked: false,
            options: vec![],
            required: false,
            hint: None,
            error: None,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn checked(mut self, on: bool) -> Self {
        self.checked = on;
        self
    }

    /// Select options; the one equal to the field's value is selected. `empty` adds a first
    /// option with no value.
    pub fn options(mut self, opts: Vec<(String, String)>, empty: Option<String>) -> Self {
        if let Some(label) = empty {
            let sel = self.value.is_empty();
            self.options.push((String::new(), label, sel));
        }
        for (v, l) in opts {
            let sel = v == self.value;
            self.options.push((v, l, sel));
        }
        self
    }

    pub fn is_kind(&self, kind: &str) -> bool {
        let k = match self.kind {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Password => "password",
            FieldKind::Textarea => "textarea",
            FieldKind::Select => "select",
            FieldKind::MultiSelect => "multiselect",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Date => "date",
        };
        k == kind
    }

    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Number => "number",
            FieldKind::Password => "password",
            FieldKind::Date => "date",
            _ => "text",
        }
    }

    pub fn id(&self) -> String {
        format!("f-{}", self.name.replace(['[', ']', '.'], "-"))
    }
}

/// Puts each error's message on its field; errors for fields not on the form are returned
/// for a summary above it.
pub fn attach_errors(lang: Lang, fields: &mut [FormField], errors: &[FieldError]) -> Vec<String> {
    let mut loose = Vec::new();
    for e in errors {
        let msg = lang.field_message(e);
        let base = e.field.split(['[', '.']).next().unwrap_or(&e.field);
        match fields
            .iter_mut()
            .find(|f| f.name == e.field || f.name == base)
        {
            Some(f) if f.error.is_none() => f.error = Some(msg),
            Some(_) => {}
            None => loose.push(msg),
        }
    }
    loose
}

/// Submitted form fields, in order (a multi-select repeats its name).
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name);
        let t = v.trim();
        if t.is_empty() {
            None
        } else {
            Some(t.to_string())
        }
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name).as_str(), "on" | "true" | "1")
    }

    /// An optional id; a value that is not a number is reported against the field.
    pub fn opt_id(&self, name: &str, errs: &mut FieldErrors) -> Option<i64> {
        let v = self.opt(name)?;
        match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errs.add(name, "not_integer");
                None
            }
        }
    }

    pub fn int(&self, name: &str, errs: &mut FieldErrors) -> i32 {
        match self.opt(name) {
            None => 0,
            Some(v) => v.parse::<i32>().unwrap_or_else(|_| {
                errs.add(name, "not_integer");
                0
            }),
        }
    }

    pub fn version(&self) -> Option<i64> {
        self.opt("version").and_then(|v| v.parse().ok())
    }
}
