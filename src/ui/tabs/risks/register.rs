//! The risk register's view model: which risks show, in which order, and where the cursor
//! is. Rebuilt when the data, the filter or the sort change; drawing only reads it, and only
//! the visible rows are turned into table rows.

use std::collections::HashMap;

use crate::domain::register::{compare, public_search_text, search_text, RiskFilter, SortColumn};
use crate::store::RiskData;

pub struct Register {
    /// Each risk's lower-cased search text, made when the data changes, so that typing into
    /// the filter only compares strings.
    search: Vec<String>,
    /// The same without confidential text, searched while presenting.
    public_search: Vec<String>,
    presenting: bool,
    /// Indices into the risks, filtered and sorted.
    order: Vec<usize>,
    cursor: usize,
    /// The first row shown; kept so that the cursor stays on screen.
    offset: usize,
    /// Rows the last frame had room for.
    page: usize,
    sort: SortColumn,
    descending: bool,
    filter: RiskFilter,
    typing: bool,
}

impl Default for Register {
    fn default() -> Self {
        Register {
            search: Vec::new(),
            public_search: Vec::new(),
            presenting: false,
            order: Vec::new(),
            cursor: 0,
            offset: 0,
            page: 10,
            sort: SortColumn::Reference,
            descending: false,
            filter: RiskFilter::default(),
            typing: false,
        }
    }
}

impl Register {
    /// After the data changed: the search texts, then the order.
    pub fn reload(&mut self, data: &RiskData, asset_names: &HashMap<String, String>) {
        let names = |reference: &str| asset_names.get(reference).cloned();
        self.search = data
            .risks
            .iter()
            .map(|r| search_text(&r.value, &names))
            .collect();
        self.public_search = data
            .risks
            .iter()
            .map(|r| public_search_text(&r.value, &names))
            .collect();
        self.rebuild(data);
    }

    /// While presenting, the text filter leaves confidential text out of its search.
    pub fn set_presenting(&mut self, presenting: bool, data: &RiskData) {
        if self.presenting != presenting {
            self.presenting = presenting;
            self.rebuild(data);
        }
    }

    /// After the filter or the sort changed.
    pub fn rebuild(&mut self, data: &RiskData) {
        let selected = self.selected_index();
        let mut order: Vec<usize> = (0..data.risks.len())
            .filter(|i| {
                let risk = &data.risks[*i].value;
                self.filter.matches_fields(risk, &data.method)
                    && self.filter.matches_text(if self.presenting {
                        &self.public_search[*i]
                    } else {
                        &self.search[*i]
                    })
            })
            .collect();
        let row = |i: usize| (data.risks[i].reference.as_str(), &data.risks[i].value);
        order.sort_by(|a, b| {
            let ordering = compare(self.sort, row(*a), row(*b));
            if self.descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
        self.order = order;
        // Keep the cursor on the same risk when it is still shown.
        self.cursor = selected
            .and_then(|index| self.order.iter().position(|i| *i == index))
            .unwrap_or(0)
            .min(self.order.len().saturating_sub(1));
        // Start the window from the top again; drawing scrolls just enough to show the cursor.
        self.offset = 0;
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn selected_index(&self) -> Option<usize> {
        self.order.get(self.cursor).copied()
    }

    pub fn select_reference(&mut self, data: &RiskData, reference: &str) {
        if let Some(position) = self
            .order
            .iter()
            .position(|i| data.risks[*i].reference == reference)
        {
            self.cursor = position;
        }
    }

    pub fn move_cursor(&mut self, delta: isize) {
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.order.len().saturating_sub(1));
    }

    pub fn click_row(&mut self, row: usize) {
        let position = self.offset + row;
        if position < self.order.len() {
            self.cursor = position;
        }
    }

    pub fn page(&self) -> usize {
        self.page.max(1)
    }

    /// The rows to draw for a list `height` rows tall: the window's first position, the
    /// risk indices in it, and the cursor's row within it.
    pub fn window(&mut self, height: usize) -> (usize, &[usize], Option<usize>) {
        self.page = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + self.page {
            self.offset = self.cursor + 1 - self.page;
        }
        self.offset = self.offset.min(self.order.len().saturating_sub(1));
        let end = (self.offset + self.page).min(self.order.len());
        let cursor = (!self.order.is_empty()).then(|| self.cursor - self.offset);
        (self.offset, &self.order[self.offset..end], cursor)
    }

    pub fn filter(&self) -> &RiskFilter {
        &self.filter
    }

    pub fn set_filter(&mut self, filter: RiskFilter) {
        self.filter = filter;
    }

    pub fn set_text(&mut self, text: String) {
        self.filter.text = text;
    }

    pub fn sort(&self) -> (SortColumn, bool) {
        (self.sort, self.descending)
    }

    pub fn next_sort(&mut self) {
        self.sort = self.sort.next();
    }

    pub fn reverse_sort(&mut self) {
        self.descending = !self.descending;
    }

    pub fn is_typing_filter(&self) -> bool {
        self.typing
    }

    pub fn start_typing(&mut self) {
        self.typing = true;
    }

    pub fn stop_typing(&mut self) {
        self.typing = false;
    }
}
