//! A list page (`list.html`): a table of records with how many there are, an optional
//! introduction, and the link to the "new" form for those who may add.

use super::Layout;
use crate::i18n::Lang;
use askama::Template;
use dongneng_domain::paging::Page;

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

/// Column headers: the labels of `fields`.
pub fn labels(lang: Lang, fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| lang.field_label(f)).collect()
}

pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Stable id of each row's element (`row-<id>`), for tests and anchors.
    pub row_ids: Vec<String>,
}

impl Table {
    /// A row of `cells` for each of `items`, its element named `row_id`.
    pub fn of<T>(
        headers: Vec<String>,
        items: &[T],
        row_id: impl Fn(&T) -> String,
        cells: impl Fn(&T) -> Vec<Cell>,
    ) -> Table {
        Table {
            headers,
            row_ids: items.iter().map(row_id).collect(),
            rows: items.iter().map(cells).collect(),
        }
    }
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

/// Where a paged list stands: "page 2 of 7", and the links to the pages either side.
pub struct Pager {
    pub line: String,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

impl Pager {
    /// `page` of a list of `total` records; `link` makes the address of a page.
    pub fn new(lang: Lang, page: Page, total: i64, link: impl Fn(u32) -> String) -> Pager {
        let per = i64::from(page.per_page);
        let pages = ((total + per - 1) / per).max(1) as u32;
        Pager {
            line: lang.t_with(
                "common.page_of",
                &[
                    ("page", &page.page.to_string()),
                    ("pages", &pages.to_string()),
                ],
            ),
            prev_href: (page.page > 1).then(|| link(page.page - 1)),
            next_href: (page.page < pages).then(|| link(page.page + 1)),
        }
    }
}

/// One select of a list's filter bar: its name, label and options (value, label, selected).
pub struct Select {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}
