//! The fields of a form as `form_fields.html` draws them, the options of a closed list, and
//! where each error goes.

use crate::i18n::Lang;
use chrono::NaiveDate;
use dongneng_domain::FieldError;

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

/// What a field shows for a value: text as it is, nothing for `None`.
pub trait Shown {
    fn shown(&self) -> String;
}

impl Shown for String {
    fn shown(&self) -> String {
        self.clone()
    }
}

impl Shown for &str {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for i32 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl<T: Shown> Shown for Option<T> {
    fn shown(&self) -> String {
        self.as_ref().map(Shown::shown).unwrap_or_default()
    }
}

impl Shown for i64 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for NaiveDate {
    fn shown(&self) -> String {
        self.to_string()
    }
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

    pub fn text(lang: Lang, name: &str, value: &impl Shown) -> FormField {
        FormField::new(lang, name, FieldKind::Text, value.shown())
    }

    pub fn textarea(lang: Lang, name: &str, value: &impl Shown) -> FormField {
        FormField::new(lang, name, FieldKind::Textarea, value.shown())
    }

    pub fn number(lang: Lang, name: &str, value: &impl Shown) -> FormField {
        FormField::new(lang, name, FieldKind::Number, value.shown())
    }

    pub fn date(lang: Lang, name: &str, value: Option<NaiveDate>) -> FormField {
        FormField::new(lang, name, FieldKind::Date, value.shown())
    }

    /// A checkbox, ticked when `on`.
    pub fn checkbox(lang: Lang, name: &str, on: bool) -> FormField {
        let mut f = FormField::new(lang, name, FieldKind::Checkbox, "on");
        f.checked = on;
        f
    }

    /// A select of `options` with `value` chosen; `empty` adds a first option with no value.
    pub fn select(
        lang: Lang,
        name: &str,
        value: &impl Shown,
        options: Vec<(String, String)>,
        empty: Option<String>,
    ) -> FormField {
        FormField::new(lang, name, FieldKind::Select, value.shown()).options(options, empty)
    }

    /// A required choice of a closed list (`choices`), `value` chosen.
    pub fn one_of(
        lang: Lang,
        name: &str,
        value: &impl Shown,
        options: Vec<(String, String)>,
    ) -> FormField {
        FormField::select(lang, name, value, options, None).required()
    }

    /// A select of several `options`, those in `chosen` selected.
    pub fn multi(
        lang: Lang,
        name: &str,
        options: Vec<(String, String)>,
        chosen: &[i64],
    ) -> FormField {
        let mut f = FormField::new(lang, name, FieldKind::MultiSelect, "");
        f.options = mark(options, |v| chosen.iter().any(|i| i.to_string() == v));
        f
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
        let mut all = Vec::with_capacity(opts.len() + 1);
        if let Some(label) = empty {
            all.push((String::new(), label));
        }
        all.extend(opts);
        self.options = mark(all, |v| v == self.value);
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

    /// The field as a line of a summary (the confirmation before a delete): its label and
    /// what it holds, in words. Passwords and empty fields say nothing.
    pub fn fact(&self, lang: Lang) -> Option<(String, String)> {
        let text = match self.kind {
            FieldKind::Password => return None,
            FieldKind::Checkbox => lang.t(if self.checked {
                "common.yes"
            } else {
                "common.no"
            }),
            FieldKind::Select | FieldKind::MultiSelect => self
                .options
                .iter()
                .filter(|(v, _, selected)| *selected && !v.is_empty())
                .map(|(_, label, _)| label.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            _ => self.value.trim().to_string(),
        };
        (!text.is_empty()).then(|| (self.label.clone(), text))
    }
}

/// The options of a closed list: each code, labelled from the catalogue as `{prefix}.{code}`.
pub fn choices<T: Copy>(
    lang: Lang,
    prefix: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            (
                code(*v).to_string(),
                lang.t(&format!("{prefix}.{}", code(*v))),
            )
        })
        .collect()
}

/// Options with the ones `selected` says yes to marked: (value, label, selected).
pub fn mark(
    options: Vec<(String, String)>,
    selected: impl Fn(&str) -> bool,
) -> Vec<(String, String, bool)> {
    options
        .into_iter()
        .map(|(v, l)| {
            let on = selected(&v);
            (v, l, on)
        })
        .collect()
}

/// Puts each error's message on its field (the first error of a field wins); errors for
/// fields not on the form, except those the page shows itself (`claimed`), are returned for
/// a summary above it.
pub fn attach_errors(
    lang: Lang,
    fields: &mut [FormField],
    errors: &[FieldError],
    claimed: fn(&str) -> bool,
) -> Vec<String> {
    let mut loose = Vec::new();
    for e in errors.iter().filter(|e| !claimed(&e.field)) {
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
