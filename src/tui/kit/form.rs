//! The filter forms: a column of fields (choices cycled with ←/→ or Space, text typed in),
//! built from the current filters and turned back into filters, with a message naming the field
//! when what was typed does not parse.

use crate::store::authors::AuthorFilter;
use crate::store::record::{Conversations, ToolMask};
use crate::store::view::Filter;
use crate::time::parse_timestamp;
use crate::tui::msg::ScreenId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Choice {
        options: Vec<String>,
        index: usize,
    },
    Text {
        value: String,
        placeholder: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
}

impl Field {
    fn choice(label: &str, options: &[&str], index: usize) -> Field {
        Field {
            label: label.to_owned(),
            kind: FieldKind::Choice {
                options: options.iter().map(|s| (*s).to_owned()).collect(),
                index,
            },
        }
    }

    fn text(label: &str, value: Option<String>, placeholder: &'static str) -> Field {
        Field {
            label: label.to_owned(),
            kind: FieldKind::Text {
                value: value.unwrap_or_default(),
                placeholder,
            },
        }
    }

    fn choice_index(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { index, .. } => *index,
            FieldKind::Text { .. } => 0,
        }
    }

    fn choice_value(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Choice { options, index } => options.get(*index).map(String::as_str),
            FieldKind::Text { .. } => None,
        }
    }

    fn text_value(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Text { value, .. } => Some(value.trim()).filter(|v| !v.is_empty()),
            FieldKind::Choice { .. } => None,
        }
    }
}

/// Which list a form filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTarget {
    Gpts(ScreenId),
    Authors(ScreenId),
}

impl FormTarget {
    /// The screen whose list the form filters.
    pub fn screen(self) -> ScreenId {
        match self {
            FormTarget::Gpts(s) | FormTarget::Authors(s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub target: FormTarget,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
}

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    Editing,
    Cancel,
    Apply,
}

const ANY: &str = "any";
const TRI: [&str; 3] = ["any", "has", "has not"];
const YES_NO: [&str; 3] = ["any", "yes", "no"];
/// Tools offered in the form (the "other" kinds are left out: they are rare and unnamed).
const FORM_TOOLS: [&str; 7] = [
    "browser",
    "python",
    "dalle",
    "actions",
    "canvas",
    "image_gen",
    "knowledge",
];

/// The index in [`TRI`] of "must have" / "must not have".
fn tri_index(has: bool, not: bool) -> usize {
    if has {
        1
    } else if not {
        2
    } else {
        0
    }
}

fn yes_no(v: Option<bool>) -> usize {
    match v {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    }
}

fn date_text(t: Option<i64>) -> Option<String> {
    t.map(crate::time::format_date)
}

impl Form {
    /// The form for a GPT list, showing `filter`; `categories` are the snapshot's.
    pub fn for_gpts(screen: ScreenId, filter: &Filter, categories: &[(String, usize)]) -> Form {
        let mut cats: Vec<String> = vec![ANY.to_owned()];
        cats.extend(categories.iter().map(|(c, n)| format!("{c} ({n})")));
        let cat_index = filter
            .category
            .as_ref()
            .and_then(|c| categories.iter().position(|(x, _)| x == c))
            .map_or(0, |p| p + 1);
        let mut fields = vec![Field {
            label: "Category".to_owned(),
            kind: FieldKind::Choice {
                options: cats,
                index: cat_index,
            },
        }];
        for name in FORM_TOOLS {
            let bit = ToolMask::bit_of(name).unwrap_or(0);
            let index = tri_index(filter.tools_has & bit != 0, filter.tools_not & bit != 0);
            fields.push(Field::choice(&format!("Tool: {name}"), &TRI, index));
        }
        for kind in crate::signals::SignalKind::ALL {
            let index = tri_index(
                filter.signals_has & kind.bit() != 0,
                filter.signals_not & kind.bit() != 0,
            );
            fields.push(Field::choice(
                &format!("Signal: {}", kind.name()),
                &TRI,
                index,
            ));
        }
        fields.push(Field::choice(
            "Verified author",
            &YES_NO,
            yes_no(filter.verified),
        ));
        fields.push(Field::text(
            "Minimum rating",
            filter.min_rating.map(|r| r.to_string()),
            "e.g. 4.5",
        ));
        fields.push(Field::text(
            "Minimum reviews",
            filter.min_reviews.map(|n| n.to_string()),
            "e.g. 100",
        ));
        fields.push(Field::text(
            "Minimum conversations",
            filter
                .min_conversations
                .map(crate::store::record::bucket_label),
            "e.g. 10K",
        ));
        fields.push(Field::text(
            "Created from",
            date_text(filter.created.0),
            "YYYY-MM-DD",
        ));
        fields.push(Field::text(
            "Created to",
            date_text(filter.created.1),
            "YYYY-MM-DD",
        ));
        fields.push(Field::text(
            "Updated from",
            date_text(filter.updated.0),
            "YYYY-MM-DD",
        ));
        fields.push(Field::text(
            "Updated to",
            date_text(filter.updated.1),
            "YYYY-MM-DD",
        ));
        fields.push(Field::text(
            "Language",
            filter.language.map(|l| l.code().to_owned()),
            "en, zh, ja, unknown…",
        ));
        fields.push(Field::text(
            "Text in name or description",
            filter.text.clone(),
            "any text",
        ));
        Form {
            target: FormTarget::Gpts(screen),
            fields,
            focus: 0,
            error: None,
        }
    }

    /// The form for the authors table.
    pub fn for_authors(screen: ScreenId, filter: &AuthorFilter) -> Form {
        Form {
            target: FormTarget::Authors(screen),
            fields: vec![
                Field::choice("Verified", &YES_NO, yes_no(filter.verified)),
                Field::choice("Shows a website", &YES_NO, yes_no(filter.with_website)),
                Field::text(
                    "Minimum GPTs",
                    filter.min_gpts.map(|n| n.to_string()),
                    "e.g. 5",
                ),
                Field::text("Text in name or id", filter.text.clone(), "any text"),
            ],
            focus: 0,
            error: None,
        }
    }

    fn field(&self, label: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.label == label)
    }

    fn yes_no_of(&self, label: &str) -> Option<bool> {
        match self.field(label).map(Field::choice_index) {
            Some(1) => Some(true),
            Some(2) => Some(false),
            _ => None,
        }
    }

    fn parsed<T>(
        &self,
        label: &str,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, String> {
        match self.field(label).and_then(Field::text_value) {
            None => Ok(None),
            Some(text) => parse(text)
                .map(Some)
                .ok_or_else(|| format!("{label}: {text:?} is not {expected}")),
        }
    }

    /// The GPT filter the form describes, keeping what the form does not show (author, search,
    /// chart drill-downs).
    pub fn gpt_filter(&self, base: &Filter) -> Result<Filter, String> {
        let mut f = Filter {
            author: base.author.clone(),
            rowids: base.rowids.clone(),
            search: base.search.clone(),
            bins: base.bins.clone(),
            ..Filter::default()
        };
        f.category = self
            .field("Category")
            .filter(|c| c.choice_index() > 0)
            .and_then(Field::choice_value)
            .map(|v| v.rsplit_once(" (").map_or(v, |(c, _)| c).to_owned());
        for name in FORM_TOOLS {
            let bit = ToolMask::bit_of(name).unwrap_or(0);
            match self.yes_no_of(&format!("Tool: {name}")) {
                Some(true) => f.tools_has |= bit,
                Some(false) => f.tools_not |= bit,
                None => {}
            }
        }
        for kind in crate::signals::SignalKind::ALL {
            match self.yes_no_of(&format!("Signal: {}", kind.name())) {
                Some(true) => f.signals_has |= kind.bit(),
                Some(false) => f.signals_not |= kind.bit(),
                None => {}
            }
        }
        f.language = self.parsed(
            "Language",
            crate::language::Language::parse,
            "a language (a code such as en, an English name, or unknown)",
        )?;
        f.verified = self.yes_no_of("Verified author");
        f.min_rating = self.parsed(
            "Minimum rating",
            |t| t.parse::<f32>().ok().filter(|r| (0.0..=5.0).contains(r)),
            "a rating from 0 to 5",
        )?;
        f.min_reviews = self.parsed(
            "Minimum reviews",
            |t| t.replace(',', "").parse().ok(),
            "a number",
        )?;
        f.min_conversations = self.parsed(
            "Minimum conversations",
            |t| Conversations::parse(t).map(|c| c.lower_bound),
            "a count like 500, 10K or 1M",
        )?;
        let day_end = |t: i64| t + 86_399;
        f.created = (
            self.parsed("Created from", parse_timestamp, "a date (YYYY-MM-DD)")?,
            self.parsed("Created to", parse_timestamp, "a date (YYYY-MM-DD)")?
                .map(day_end),
        );
        f.updated = (
            self.parsed("Updated from", parse_timestamp, "a date (YYYY-MM-DD)")?,
            self.parsed("Updated to", parse_timestamp, "a date (YYYY-MM-DD)")?
                .map(day_end),
        );
        f.text = self
            .field("Text in name or description")
            .and_then(Field::text_value)
            .map(str::to_owned);
        Ok(f)
    }

    /// The authors filter the form describes, keeping a search's results (not in the form).
    pub fn author_filter(&self, base: &AuthorFilter) -> Result<AuthorFilter, String> {
        Ok(AuthorFilter {
            ids: base.ids.clone(),
            search: base.search.clone(),
            bins: base.bins.clone(),
            verified: self.yes_no_of("Verified"),
            with_website: self.yes_no_of("Shows a website"),
            min_gpts: self.parsed("Minimum GPTs", |t| t.parse().ok(), "a number")?,
            text: self
                .field("Text in name or id")
                .and_then(Field::text_value)
                .map(str::to_owned),
        })
    }

    /// Handles a key.
    pub fn key(&mut self, key: &KeyEvent) -> FormOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.fields.len();
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Char('c') if ctrl => return FormOutcome::Cancel,
            KeyCode::Enter => return FormOutcome::Apply,
            KeyCode::Up | KeyCode::BackTab => self.focus = (self.focus + n - 1) % n.max(1),
            KeyCode::Down | KeyCode::Tab => self.focus = (self.focus + 1) % n.max(1),
            _ => {
                let Some(field) = self.fields.get_mut(self.focus) else {
                    return FormOutcome::Editing;
                };
                match &mut field.kind {
                    FieldKind::Choice { options, index } => {
                        let len = options.len().max(1);
                        match key.code {
                            KeyCode::Left => *index = (*index + len - 1) % len,
                            KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % len,
                            KeyCode::Backspace | KeyCode::Delete => *index = 0,
                            _ => {}
                        }
                    }
                    FieldKind::Text { value, .. } => match key.code {
                        KeyCode::Char('u') | KeyCode::Char('w') if ctrl => value.clear(),
                        KeyCode::Char(c) if !ctrl => value.push(c),
                        KeyCode::Backspace => {
                            value.pop();
                        }
                        KeyCode::Delete => value.clear(),
                        _ => {}
                    },
                }
            }
        }
        self.error = None;
        FormOutcome::Editing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_text(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn focus(form: &mut Form, label: &str) {
        form.focus = form.fields.iter().position(|f| f.label == label).unwrap();
    }

    #[test]
    fn a_filter_survives_the_round_trip_through_the_form() {
        let filter = Filter {
            category: Some("writing".into()),
            tools_has: ToolMask::ACTIONS,
            tools_not: ToolMask::DALLE,
            verified: Some(true),
            min_rating: Some(4.5),
            min_reviews: Some(100),
            min_conversations: Some(10_000),
            created: (Some(1_700_000_000 / 86_400 * 86_400), None),
            text: Some("tarot".into()),
            author: Some("user-x".into()),
            ..Filter::default()
        };
        let cats = vec![("programming".to_owned(), 5), ("writing".to_owned(), 3)];
        let form = Form::for_gpts(1, &filter, &cats);
        assert_eq!(form.gpt_filter(&filter), Ok(filter));
    }

    #[test]
    fn typed_values_are_checked_and_named() {
        let mut form = Form::for_gpts(1, &Filter::default(), &[]);
        focus(&mut form, "Minimum conversations");
        type_text(&mut form, "25K+");
        focus(&mut form, "Updated to");
        type_text(&mut form, "2024-03-01");
        let f = form.gpt_filter(&Filter::default()).unwrap();
        assert_eq!(f.min_conversations, Some(25_000));
        assert_eq!(
            f.updated.1,
            Some(parse_timestamp("2024-03-01").unwrap() + 86_399)
        );
        focus(&mut form, "Minimum rating");
        type_text(&mut form, "six");
        assert_eq!(
            form.gpt_filter(&Filter::default()),
            Err("Minimum rating: \"six\" is not a rating from 0 to 5".to_owned())
        );
    }

    #[test]
    fn choices_cycle_and_clear() {
        let mut form = Form::for_gpts(1, &Filter::default(), &[]);
        focus(&mut form, "Tool: actions");
        form.key(&KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
        assert_eq!(
            form.gpt_filter(&Filter::default()).unwrap().tools_has,
            ToolMask::ACTIONS
        );
        form.key(&KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE));
        assert_eq!(
            form.gpt_filter(&Filter::default()).unwrap().tools_not,
            ToolMask::ACTIONS
        );
        form.key(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert!(form.gpt_filter(&Filter::default()).unwrap().is_empty());
        assert_eq!(
            form.key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            FormOutcome::Apply
        );
        assert_eq!(
            form.key(&KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            FormOutcome::Cancel
        );
    }
}
