//! Paging parameters shared by every list.

use serde::{Deserialize, Serialize};

/// The largest page a client may ask for.
pub const MAX_PER_PAGE: u32 = 500;
pub const DEFAULT_PER_PAGE: u32 = 50;

/// A page request: 1-based page number and page size, clamped to sane bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Page {
        Page {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }
    pub fn limit(self) -> i64 {
        self.per_page as i64
    }
    pub fn offset(self) -> i64 {
        (self.page as i64 - 1) * self.per_page as i64
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new(None, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps() {
        let p = Page::new(Some(0), Some(10_000));
        assert_eq!(p.page, 1);
        assert_eq!(p.per_page, MAX_PER_PAGE);
        assert_eq!(Page::new(Some(3), Some(20)).offset(), 40);
    }
}
