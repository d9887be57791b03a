//! Reading a submitted form: each reader returns a value and notes a bad one against its
//! field, so that a form reports every problem at once.

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use dongneng_domain::FieldErrors;
use dongneng_domain::money::Money;
use std::str::FromStr;

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

    /// The trimmed value, or `None` when it is empty.
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

    /// The version the form read. Every edit form carries it; without it nothing is saved
    /// (422).
    pub fn version(&self) -> AppResult<i64> {
        self.opt("version")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| AppError::invalid("version", "missing_field"))
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

    /// A required id (a select with an empty first option); 0 when missing.
    pub fn required_id(&self, name: &str, errs: &mut FieldErrors) -> i64 {
        self.opt_id(name, errs).unwrap_or_else(|| {
            if !errs.0.iter().any(|e| e.field == name) {
                errs.add(name, "required");
            }
            0
        })
    }

    /// Ids of a multi-select; empty values are skipped.
    pub fn ids(&self, name: &str, errs: &mut FieldErrors) -> Vec<i64> {
        let mut out = Vec::new();
        for v in self.all(name) {
            if v.trim().is_empty() {
                continue;
            }
            match v.trim().parse::<i64>() {
                Ok(i) => out.push(i),
                Err(_) => errs.add(name, "not_integer"),
            }
        }
        out
    }

    /// An optional whole number; 0 when empty.
    pub fn int(&self, name: &str, errs: &mut FieldErrors) -> i32 {
        match self.opt(name) {
            None => 0,
            Some(v) => v.parse::<i32>().unwrap_or_else(|_| {
                errs.add(name, "not_integer");
                0
            }),
        }
    }

    /// A whole number that must be given (empty is `not_integer` too); the default when not.
    pub fn whole<T: FromStr + Default>(&self, name: &str, errs: &mut FieldErrors) -> T {
        self.get(name).trim().parse::<T>().unwrap_or_else(|_| {
            errs.add(name, "not_integer");
            T::default()
        })
    }

    /// An optional date (`YYYY-MM-DD`).
    pub fn date(&self, name: &str, errs: &mut FieldErrors) -> Option<NaiveDate> {
        let v = self.opt(name)?;
        NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .map_err(|_| errs.add(name, "date"))
            .ok()
    }

    /// A date that must be given; the default date when it is missing or wrong.
    pub fn required_date(&self, name: &str, errs: &mut FieldErrors) -> NaiveDate {
        match self.opt(name) {
            None => {
                errs.add(name, "required");
                NaiveDate::default()
            }
            Some(_) => self.date(name, errs).unwrap_or_default(),
        }
    }

    /// One code of a closed list; a missing one is `required`, an unknown one `one_of`.
    pub fn choice<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        errs: &mut FieldErrors,
    ) -> Option<T> {
        let v = self.get(name);
        let found = parse(&v);
        if found.is_none() {
            errs.add(
                name,
                if v.trim().is_empty() {
                    "required"
                } else {
                    "one_of"
                },
            );
        }
        found
    }

    /// An optional amount in 万元; zero when empty.
    pub fn money(&self, name: &str, errs: &mut FieldErrors) -> Money {
        match self.opt(name) {
            None => Money::ZERO,
            Some(v) => Money::parse_wan(&v).unwrap_or_else(|e| {
                errs.add(name, e.code());
                Money::ZERO
            }),
        }
    }

    /// An amount in 万元 that must be given.
    pub fn required_money(&self, name: &str, errs: &mut FieldErrors) -> Money {
        if self.opt(name).is_none() {
            errs.add(name, "required");
            return Money::ZERO;
        }
        self.money(name, errs)
    }
}
