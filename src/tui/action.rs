//! What a user can ask for: one table of Actions with their names, descriptions, help sections
//! and default keys. The keymap, the help screen and the footer's key hints are all generated
//! from it, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
    ColumnLeft,
    ColumnRight,
    SortAscending,
    SortDescending,
    Open,
    Filters,
    ClearFilters,
    Search,
    Authors,
    AuthorOfGpt,
    Histograms,
    Frequency,
    Live,
    StoreFront,
    Refresh,
    Snapshots,
    Mark,
    Diff,
    DeleteSnapshot,
    CopyId,
    CopyUrl,
    CopyRow,
    OpenUrl,
    Export,
    Help,
}

/// Where an Action is listed in the help screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Move,
    Table,
    Screens,
    Live,
    Exits,
    General,
}

impl Section {
    /// In the help screen's order: how to leave and get help first.
    pub const ALL: [Section; 6] = [
        Section::General,
        Section::Move,
        Section::Table,
        Section::Screens,
        Section::Live,
        Section::Exits,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Move => "Moving",
            Section::Table => "Sorting and filtering",
            Section::Screens => "Screens",
            Section::Live => "The live store",
            Section::Exits => "Copy, open, export",
            Section::General => "General",
        }
    }
}

/// An Action as documented.
pub struct ActionInfo {
    pub action: Action,
    /// The name config files use (`"ctrl-y" = "copy_url"`).
    pub name: &'static str,
    pub description: &'static str,
    pub section: Section,
    /// Default keys, in [`KeySpec`] syntax.
    pub keys: &'static [&'static str],
    /// Short label for the footer.
    pub hint: &'static str,
}

pub const ACTIONS: &[ActionInfo] = &[
    ActionInfo {
        action: Action::Up,
        name: "up",
        description: "Previous row",
        section: Section::Move,
        keys: &["k", "up"],
        hint: "up",
    },
    ActionInfo {
        action: Action::Down,
        name: "down",
        description: "Next row",
        section: Section::Move,
        keys: &["j", "down"],
        hint: "down",
    },
    ActionInfo {
        action: Action::PageUp,
        name: "page_up",
        description: "Previous page",
        section: Section::Move,
        keys: &["pageup"],
        hint: "page up",
    },
    ActionInfo {
        action: Action::PageDown,
        name: "page_down",
        description: "Next page",
        section: Section::Move,
        keys: &["pagedown"],
        hint: "page down",
    },
    ActionInfo {
        action: Action::HalfPageUp,
        name: "half_page_up",
        description: "Half a page up",
        section: Section::Move,
        keys: &["ctrl-u"],
        hint: "½ up",
    },
    ActionInfo {
        action: Action::HalfPageDown,
        name: "half_page_down",
        description: "Half a page down",
        section: Section::Move,
        keys: &["ctrl-d"],
        hint: "½ down",
    },
    ActionInfo {
        action: Action::Top,
        name: "top",
        description: "First row",
        section: Section::Move,
        keys: &["g", "home"],
        hint: "top",
    },
    ActionInfo {
        action: Action::Bottom,
        name: "bottom",
        description: "Last row",
        section: Section::Move,
        keys: &["G", "end"],
        hint: "end",
    },
    ActionInfo {
        action: Action::ColumnLeft,
        name: "column_left",
        description: "Focus the column to the left (histograms: previous chart)",
        section: Section::Table,
        keys: &["left", "<"],
        hint: "column",
    },
    ActionInfo {
        action: Action::ColumnRight,
        name: "column_right",
        description: "Focus the column to the right (histograms: next chart)",
        section: Section::Table,
        keys: &["right", ">"],
        hint: "column",
    },
    ActionInfo {
        action: Action::SortAscending,
        name: "sort_ascending",
        description: "Sort by the focused column, smallest first (again: flip)",
        section: Section::Table,
        keys: &["["],
        hint: "sort ↑",
    },
    ActionInfo {
        action: Action::SortDescending,
        name: "sort_descending",
        description: "Sort by the focused column, biggest first (again: flip)",
        section: Section::Table,
        keys: &["]"],
        hint: "sort ↓",
    },
    ActionInfo {
        action: Action::Filters,
        name: "filters",
        description: "Edit the filters",
        section: Section::Table,
        keys: &["f"],
        hint: "filter",
    },
    ActionInfo {
        action: Action::Search,
        name: "search",
        description: "Fuzzy search of names ('text: exact); Enter keeps the matches, Esc goes back",
        section: Section::Table,
        keys: &["/"],
        hint: "search",
    },
    ActionInfo {
        action: Action::ClearFilters,
        name: "clear_filters",
        description: "Remove every filter",
        section: Section::Table,
        keys: &["x"],
        hint: "clear",
    },
    ActionInfo {
        action: Action::Open,
        name: "open",
        description: "Open the selected row (GPT detail, author page)",
        section: Section::Screens,
        keys: &["enter"],
        hint: "open",
    },
    ActionInfo {
        action: Action::Authors,
        name: "authors",
        description: "Authors table",
        section: Section::Screens,
        keys: &["a"],
        hint: "authors",
    },
    ActionInfo {
        action: Action::AuthorOfGpt,
        name: "author_of_gpt",
        description: "The selected GPT's author",
        section: Section::Screens,
        keys: &["A"],
        hint: "author",
    },
    ActionInfo {
        action: Action::Histograms,
        name: "histograms",
        description: "Histograms of the list (filters and search included); Enter on a bar lists its GPTs",
        section: Section::Screens,
        keys: &["h"],
        hint: "histograms",
    },
    ActionInfo {
        action: Action::Frequency,
        name: "frequency",
        description: "Frequency table of the focused column; Enter on a row lists its GPTs",
        section: Section::Screens,
        keys: &["F"],
        hint: "frequency",
    },
    ActionInfo {
        action: Action::Live,
        name: "live",
        description: "The store now: a GPT beside the snapshot's, or (on an author page) the author's GPTs",
        section: Section::Live,
        keys: &["l"],
        hint: "live",
    },
    ActionInfo {
        action: Action::StoreFront,
        name: "store_front",
        description: "The store front now: every shelf, GPTs not in the snapshot marked",
        section: Section::Live,
        keys: &["S"],
        hint: "store front",
    },
    ActionInfo {
        action: Action::Refresh,
        name: "refresh",
        description: "Refresh: fetch the live store into a new snapshot (Esc cancels, r resumes)",
        section: Section::Live,
        keys: &["r"],
        hint: "refresh",
    },
    ActionInfo {
        action: Action::Snapshots,
        name: "snapshots",
        description: "The snapshots: Enter opens one, Space marks one, d diffs it against the selected",
        section: Section::Screens,
        keys: &["s"],
        hint: "snapshots",
    },
    ActionInfo {
        action: Action::Mark,
        name: "mark",
        description: "Snapshots: mark the selected one as the diff's \"before\"",
        section: Section::Screens,
        keys: &["space"],
        hint: "mark",
    },
    ActionInfo {
        action: Action::Diff,
        name: "diff",
        description: "Snapshots: what changed from the marked (else the open) snapshot to the selected",
        section: Section::Screens,
        keys: &["d"],
        hint: "diff",
    },
    ActionInfo {
        action: Action::DeleteSnapshot,
        name: "delete_snapshot",
        description: "Snapshots: delete the selected one (asks first; the file shrinks)",
        section: Section::Screens,
        keys: &["delete"],
        hint: "delete",
    },
    ActionInfo {
        action: Action::CopyId,
        name: "copy_id",
        description: "Copy the GPT's id (an author's user id) to the clipboard (OSC 52)",
        section: Section::Exits,
        keys: &["y"],
        hint: "copy id",
    },
    ActionInfo {
        action: Action::CopyUrl,
        name: "copy_url",
        description: "Copy the GPT's store URL (an author's website)",
        section: Section::Exits,
        keys: &["Y"],
        hint: "copy URL",
    },
    ActionInfo {
        action: Action::CopyRow,
        name: "copy_row",
        description: "Copy the row as tab-separated values",
        section: Section::Exits,
        keys: &["c"],
        hint: "copy row",
    },
    ActionInfo {
        action: Action::OpenUrl,
        name: "open",
        description: "Open the GPT's store page (an author's website) in the browser",
        section: Section::Exits,
        keys: &["o"],
        hint: "open",
    },
    ActionInfo {
        action: Action::Export,
        name: "export",
        description: "Export the list on screen as filtered and sorted (CSV, JSON, JSONL)",
        section: Section::Exits,
        keys: &["ctrl-s"],
        hint: "export",
    },
    ActionInfo {
        action: Action::Back,
        name: "back",
        description: "Back to the previous screen",
        section: Section::Screens,
        keys: &["esc", "q"],
        hint: "back",
    },
    ActionInfo {
        action: Action::Help,
        name: "help",
        description: "This help",
        section: Section::General,
        keys: &["?", "f1"],
        hint: "help",
    },
    ActionInfo {
        action: Action::Quit,
        name: "quit",
        description: "Quit gptscope",
        section: Section::General,
        keys: &["Q", "ctrl-c"],
        hint: "quit",
    },
];

pub fn info(action: Action) -> &'static ActionInfo {
    // Every Action has exactly one row (checked by a test).
    ACTIONS
        .iter()
        .find(|i| i.action == action)
        .unwrap_or(&ACTIONS[0])
}

impl Action {
    /// Moves a cursor or scrolls (the same on every screen).
    pub fn moves(self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::HalfPageUp
                | Action::HalfPageDown
                | Action::Top
                | Action::Bottom
        )
    }
}

/// The Action a config file names (`"copy_url"`).
pub fn by_name(name: &str) -> Option<Action> {
    ACTIONS.iter().find(|i| i.name == name).map(|i| i.action)
}

/// A key as written in the Action table and config files: `j`, `G`, `?`, `ctrl-d`, `pagedown`,
/// `enter`, `esc`, `f1`, `left`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl KeySpec {
    pub fn parse(s: &str) -> Option<KeySpec> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().ok()?)
            }
            c => {
                let mut chars = c.chars();
                let ch = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(ch)
            }
        };
        Some(KeySpec { code, ctrl, alt })
    }

    /// The spec a key event matches (shift is part of the character: `G`, `?`).
    pub fn of(event: &KeyEvent) -> KeySpec {
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        KeySpec {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Keys to Actions.
pub struct Keymap {
    map: HashMap<KeySpec, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for info in ACTIONS {
            for key in info.keys {
                if let Some(spec) = KeySpec::parse(key) {
                    map.insert(spec, info.action);
                }
            }
        }
        Keymap { map }
    }
}

impl Keymap {
    /// The default keys with the config file's bindings on top (a key bound twice goes to the
    /// config's Action).
    pub fn with(overrides: &[(KeySpec, Action)]) -> Keymap {
        let mut keymap = Keymap::default();
        for (spec, action) in overrides {
            keymap.map.insert(*spec, *action);
        }
        keymap
    }

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.map.get(&KeySpec::of(event)).copied()
    }

    /// The keys bound to an Action, as shown to people ("j, ↓").
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        // In the Action table's order, so help reads the same every time.
        let info = info(action);
        let mut keys: Vec<String> = info
            .keys
            .iter()
            .filter_map(|k| KeySpec::parse(k))
            .filter(|spec| self.map.get(spec) == Some(&action))
            .map(|spec| spec.to_string())
            .collect();
        let mut extra: Vec<String> = self
            .map
            .iter()
            .filter(|(spec, a)| {
                **a == action && !info.keys.iter().any(|k| KeySpec::parse(k) == Some(**spec))
            })
            .map(|(spec, _)| spec.to_string())
            .collect();
        extra.sort();
        keys.extend(extra);
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_documented_once_with_parsable_keys() {
        let all = [
            Action::Quit,
            Action::Back,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::HalfPageUp,
            Action::HalfPageDown,
            Action::Top,
            Action::Bottom,
            Action::ColumnLeft,
            Action::ColumnRight,
            Action::SortAscending,
            Action::SortDescending,
            Action::Open,
            Action::Filters,
            Action::ClearFilters,
            Action::Search,
            Action::Authors,
            Action::AuthorOfGpt,
            Action::Histograms,
            Action::Frequency,
            Action::Live,
            Action::StoreFront,
            Action::Refresh,
            Action::Snapshots,
            Action::Mark,
            Action::Diff,
            Action::DeleteSnapshot,
            Action::CopyId,
            Action::CopyUrl,
            Action::CopyRow,
            Action::OpenUrl,
            Action::Export,
            Action::Help,
        ];
        for a in all {
            assert_eq!(ACTIONS.iter().filter(|i| i.action == a).count(), 1, "{a:?}");
        }
        assert_eq!(ACTIONS.len(), all.len());
        for i in ACTIONS {
            assert!(!i.keys.is_empty(), "{} has a key", i.name);
            for k in i.keys {
                assert!(KeySpec::parse(k).is_some(), "{k}");
            }
        }
        let keymap = Keymap::default();
        let bound: usize = ACTIONS.iter().map(|i| i.keys.len()).sum();
        assert_eq!(keymap.map.len(), bound, "no key bound twice");
    }

    #[test]
    fn keys_match_events() {
        let km = Keymap::default();
        let key = |code, mods| KeyEvent::new(code, mods);
        assert_eq!(
            km.action(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&key(KeyCode::PageDown, KeyModifiers::NONE)),
            Some(Action::PageDown)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(km.keys_for(Action::Down), vec!["j", "↓"]);
        assert_eq!(km.keys_for(Action::Quit), vec!["Q", "Ctrl-c"]);
    }
}
