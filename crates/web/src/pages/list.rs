//! A list page (`list.html`): a table of records with how many there are, an optional
//! introduction, and the link to the "new" form for those who may add.

use super::Layout;
use askama::Template;

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

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    layout: Layout,
    intro: Option<String>,
    new_href: Option<String>,
    new_label: String,
    table: Table,
    total_line: String,
}

impl ListPage {
    /// `table` in `layout`, with `total` records in all (the table may hold one page).
    pub fn new(layout: Layout, table: Table, total: i64) -> ListPage {
        let total_line = layout
            .lang
            .t_with("common.total", &[("n", &total.to_string())]);
        ListPage {
            layout,
            intro: None,
            new_href: None,
            new_label: String::new(),
            table,
            total_line,
        }
    }

    pub fn intro(mut self, text: String) -> Self {
        self.intro = Some(text);
        self
    }

    /// The "new" link (`href` is `None` for those who may not add), labelled `label`.
    pub fn new_link(mut self, href: Option<String>, label: String) -> Self {
        self.new_href = href;
        self.new_label = label;
        self
    }
}
