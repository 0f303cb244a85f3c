//! What a user can ask for: one table of Actions with their names, descriptions, help sections,
//! the context they belong to, and default keys. The keymap, the help screen and the footer's key
//! hints are all generated from it, so they cannot disagree.
//!
//! A key resolves in the context of the screen on top ([`Context`]): an Action of that context
//! bound to the key wins over one that applies anywhere (`f` toggles "only this type" on a diff
//! and opens the filters everywhere else), so no screen reinterprets an Action after the fact.

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
    DiffOnly,
    DiffTypePrevious,
    DiffTypeNext,
    DiffPreviousChange,
    DiffNextChange,
    ShelfMoves,
}

/// Where a key is resolved: the screen on top (a diff is a context of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Every screen (unless its own context binds the key).
    Any,
    Gpts,
    Authors,
    Author,
    Detail,
    Charts,
    Live,
    Snapshots,
    Diff,
    /// The store front history.
    Shelves,
}

impl Context {
    /// How the help screen names it ("" for any).
    pub fn label(self) -> &'static str {
        match self {
            Context::Any => "",
            Context::Gpts => "GPTs",
            Context::Authors => "authors",
            Context::Author => "author page",
            Context::Detail => "GPT",
            Context::Charts => "charts",
            Context::Live => "live",
            Context::Snapshots => "snapshots",
            Context::Diff => "diff",
            Context::Shelves => "shelf moves",
        }
    }
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
    Diff,
}

impl Section {
    /// In the help screen's order: how to leave and get help first.
    pub const ALL: [Section; 7] = [
        Section::General,
        Section::Move,
        Section::Table,
        Section::Screens,
        Section::Live,
        Section::Exits,
        Section::Diff,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Move => "Moving",
            Section::Table => "Sorting and filtering",
            Section::Screens => "Screens",
            Section::Live => "The live store",
            Section::Exits => "Copy, open, export",
            Section::General => "General",
            Section::Diff => "On a diff",
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
    /// Where its keys are resolved.
    pub context: Context,
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
        context: Context::Any,
        section: Section::Move,
        keys: &["k", "up"],
        hint: "up",
    },
    ActionInfo {
        action: Action::Down,
        name: "down",
        description: "Next row",
        context: Context::Any,
        section: Section::Move,
        keys: &["j", "down"],
        hint: "down",
    },
    ActionInfo {
        action: Action::PageUp,
        name: "page_up",
        description: "Previous page",
        context: Context::Any,
        section: Section::Move,
        keys: &["pageup"],
        hint: "page up",
    },
    ActionInfo {
        action: Action::PageDown,
        name: "page_down",
        description: "Next page",
        context: Context::Any,
        section: Section::Move,
        keys: &["pagedown"],
        hint: "page down",
    },
    ActionInfo {
        action: Action::HalfPageUp,
        name: "half_page_up",
        description: "Half a page up",
        context: Context::Any,
        section: Section::Move,
        keys: &["ctrl-u"],
        hint: "½ up",
    },
    ActionInfo {
        action: Action::HalfPageDown,
        name: "half_page_down",
        description: "Half a page down",
        context: Context::Any,
        section: Section::Move,
        keys: &["ctrl-d"],
        hint: "½ down",
    },
    ActionInfo {
        action: Action::Top,
        name: "top",
        description: "First row",
        context: Context::Any,
        section: Section::Move,
        keys: &["g", "home"],
        hint: "top",
    },
    ActionInfo {
        action: Action::Bottom,
        name: "bottom",
        description: "Last row",
        context: Context::Any,
        section: Section::Move,
        keys: &["G", "end"],
        hint: "end",
    },
    ActionInfo {
        action: Action::ColumnLeft,
        name: "column_left",
        description: "Focus the column to the left (histograms: previous chart)",
        context: Context::Any,
        section: Section::Table,
        keys: &["left", "<"],
        hint: "column",
    },
    ActionInfo {
        action: Action::ColumnRight,
        name: "column_right",
        description: "Focus the column to the right (histograms: next chart)",
        context: Context::Any,
        section: Section::Table,
        keys: &["right", ">"],
        hint: "column",
    },
    ActionInfo {
        action: Action::SortAscending,
        name: "sort_ascending",
        description: "Sort by the focused column, smallest first (again: flip)",
        context: Context::Any,
        section: Section::Table,
        keys: &["["],
        hint: "sort ↑",
    },
    ActionInfo {
        action: Action::SortDescending,
        name: "sort_descending",
        description: "Sort by the focused column, biggest first (again: flip)",
        context: Context::Any,
        section: Section::Table,
        keys: &["]"],
        hint: "sort ↓",
    },
    ActionInfo {
        action: Action::Filters,
        name: "filters",
        description: "Edit the filters",
        context: Context::Any,
        section: Section::Table,
        keys: &["f"],
        hint: "filter",
    },
    ActionInfo {
        action: Action::Search,
        name: "search",
        description: "Fuzzy search of names ('text: exact); Enter keeps the matches, Esc goes back",
        context: Context::Any,
        section: Section::Table,
        keys: &["/"],
        hint: "search",
    },
    ActionInfo {
        action: Action::ClearFilters,
        name: "clear_filters",
        description: "Remove every filter",
        context: Context::Any,
        section: Section::Table,
        keys: &["x"],
        hint: "clear",
    },
    ActionInfo {
        action: Action::Open,
        name: "open",
        description: "Open the selected row (GPT detail, author page)",
        context: Context::Any,
        section: Section::Screens,
        keys: &["enter"],
        hint: "open",
    },
    ActionInfo {
        action: Action::Authors,
        name: "authors",
        description: "Authors table",
        context: Context::Any,
        section: Section::Screens,
        keys: &["a"],
        hint: "authors",
    },
    ActionInfo {
        action: Action::AuthorOfGpt,
        name: "author_of_gpt",
        description: "The selected GPT's author",
        context: Context::Any,
        section: Section::Screens,
        keys: &["A"],
        hint: "author",
    },
    ActionInfo {
        action: Action::Histograms,
        name: "histograms",
        description: "Histograms of the list (filters and search included); Enter on a bar lists its GPTs",
        context: Context::Any,
        section: Section::Screens,
        keys: &["h"],
        hint: "histograms",
    },
    ActionInfo {
        action: Action::Frequency,
        name: "frequency",
        description: "Frequency table of the focused column; Enter on a row lists its GPTs",
        context: Context::Any,
        section: Section::Screens,
        keys: &["F"],
        hint: "frequency",
    },
    ActionInfo {
        action: Action::Live,
        name: "live",
        description: "The store now: a GPT beside the snapshot's, or (on an author page) the author's GPTs",
        context: Context::Any,
        section: Section::Live,
        keys: &["l"],
        hint: "live",
    },
    ActionInfo {
        action: Action::StoreFront,
        name: "store_front",
        description: "The store front now: every shelf, GPTs not in the snapshot marked",
        context: Context::Any,
        section: Section::Live,
        keys: &["S"],
        hint: "store front",
    },
    ActionInfo {
        action: Action::Refresh,
        name: "refresh",
        description: "Refresh: fetch the live store into a new snapshot (Esc cancels, r resumes)",
        context: Context::Any,
        section: Section::Live,
        keys: &["r"],
        hint: "refresh",
    },
    ActionInfo {
        action: Action::Snapshots,
        name: "snapshots",
        description: "The snapshots: Enter opens one, Space marks one, d diffs it against the selected",
        context: Context::Any,
        section: Section::Screens,
        keys: &["s"],
        hint: "snapshots",
    },
    ActionInfo {
        action: Action::ShelfMoves,
        name: "shelf_moves",
        description: "The store front's history: what entered, left, rose or fell on each shelf, snapshot to snapshot",
        context: Context::Any,
        section: Section::Screens,
        keys: &["M"],
        hint: "shelf moves",
    },
    ActionInfo {
        action: Action::Mark,
        name: "mark",
        description: "Snapshots: mark the selected one as the diff's \"before\"",
        context: Context::Any,
        section: Section::Screens,
        keys: &["space"],
        hint: "mark",
    },
    ActionInfo {
        action: Action::Diff,
        name: "diff",
        description: "Snapshots: what changed from the marked (else the open) snapshot to the selected",
        context: Context::Any,
        section: Section::Screens,
        keys: &["d"],
        hint: "diff",
    },
    ActionInfo {
        action: Action::DeleteSnapshot,
        name: "delete_snapshot",
        description: "Snapshots: delete the selected one (asks first; the file shrinks)",
        context: Context::Any,
        section: Section::Screens,
        keys: &["delete"],
        hint: "delete",
    },
    ActionInfo {
        action: Action::CopyId,
        name: "copy_id",
        description: "Copy the GPT's id (an author's user id) to the clipboard (OSC 52)",
        context: Context::Any,
        section: Section::Exits,
        keys: &["y"],
        hint: "copy id",
    },
    ActionInfo {
        action: Action::CopyUrl,
        name: "copy_url",
        description: "Copy the GPT's store URL (an author's website)",
        context: Context::Any,
        section: Section::Exits,
        keys: &["Y"],
        hint: "copy URL",
    },
    ActionInfo {
        action: Action::CopyRow,
        name: "copy_row",
        description: "Copy the row as tab-separated values",
        context: Context::Any,
        section: Section::Exits,
        keys: &["c"],
        hint: "copy row",
    },
    ActionInfo {
        action: Action::OpenUrl,
        name: "open",
        description: "Open the GPT's store page (an author's website) in the browser",
        context: Context::Any,
        section: Section::Exits,
        keys: &["o"],
        hint: "open",
    },
    ActionInfo {
        action: Action::Export,
        name: "export",
        description: "Export the list on screen as filtered and sorted (CSV, JSON, JSONL)",
        context: Context::Any,
        section: Section::Exits,
        keys: &["ctrl-s"],
        hint: "export",
    },
    ActionInfo {
        action: Action::Back,
        name: "back",
        description: "Back to the previous screen",
        context: Context::Any,
        section: Section::Screens,
        keys: &["esc", "q"],
        hint: "back",
    },
    ActionInfo {
        action: Action::Help,
        name: "help",
        description: "This help",
        context: Context::Any,
        section: Section::General,
        keys: &["?", "f1"],
        hint: "help",
    },
    ActionInfo {
        action: Action::Quit,
        name: "quit",
        description: "Quit gptscope",
        context: Context::Any,
        section: Section::General,
        keys: &["Q", "ctrl-c"],
        hint: "quit",
    },
    ActionInfo {
        action: Action::DiffOnly,
        name: "diff_only",
        description: "Only the rows with a change of the focused type (again: every row)",
        context: Context::Diff,
        section: Section::Diff,
        keys: &["f"],
        hint: "only this type",
    },
    ActionInfo {
        action: Action::DiffTypePrevious,
        name: "diff_type_previous",
        description: "The previous change type",
        context: Context::Diff,
        section: Section::Diff,
        keys: &["left", "<"],
        hint: "type",
    },
    ActionInfo {
        action: Action::DiffTypeNext,
        name: "diff_type_next",
        description: "The next change type (the last: the GPTs rising fastest)",
        context: Context::Diff,
        section: Section::Diff,
        keys: &["right", ">"],
        hint: "type",
    },
    ActionInfo {
        action: Action::DiffPreviousChange,
        name: "diff_previous_change",
        description: "The previous row with a change of the focused type",
        context: Context::Diff,
        section: Section::Diff,
        keys: &["["],
        hint: "previous change",
    },
    ActionInfo {
        action: Action::DiffNextChange,
        name: "diff_next_change",
        description: "The next row with a change of the focused type",
        context: Context::Diff,
        section: Section::Diff,
        keys: &["]"],
        hint: "next change",
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
    /// The name config files use.
    pub fn name(self) -> &'static str {
        info(self).name
    }

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

/// Keys to Actions, per context.
pub struct Keymap {
    map: HashMap<(Context, KeySpec), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for info in ACTIONS {
            for key in info.keys {
                if let Some(spec) = KeySpec::parse(key) {
                    map.insert((info.context, spec), info.action);
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
            keymap.map.insert((info(*action).context, *spec), *action);
        }
        keymap
    }

    /// The Action a key means in `context`: the context's own binding, else the one that
    /// applies anywhere.
    pub fn action(&self, event: &KeyEvent, context: Context) -> Option<Action> {
        let spec = KeySpec::of(event);
        self.map
            .get(&(context, spec))
            .or_else(|| self.map.get(&(Context::Any, spec)))
            .copied()
    }

    /// The keys bound to an Action, as shown to people ("j, ↓").
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        // In the Action table's order, so help reads the same every time.
        let info = info(action);
        let mut keys: Vec<String> = info
            .keys
            .iter()
            .filter_map(|k| KeySpec::parse(k))
            .filter(|spec| self.map.get(&(info.context, *spec)) == Some(&action))
            .map(|spec| spec.to_string())
            .collect();
        let mut extra: Vec<String> = self
            .map
            .iter()
            .filter(|((_, spec), a)| {
                **a == action && !info.keys.iter().any(|k| KeySpec::parse(k) == Some(*spec))
            })
            .map(|((_, spec), _)| spec.to_string())
            .collect();
        extra.sort();
        keys.extend(extra);
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keymap {
        fn action_any(&self, event: &KeyEvent) -> Option<Action> {
            self.action(event, Context::Any)
        }
    }

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
            Action::DiffOnly,
            Action::DiffTypePrevious,
            Action::DiffTypeNext,
            Action::DiffPreviousChange,
            Action::DiffNextChange,
            Action::ShelfMoves,
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
        assert_eq!(keymap.map.len(), bound, "no key bound twice in a context");
    }

    #[test]
    fn keys_match_events() {
        let km = Keymap::default();
        let key = |code, mods| KeyEvent::new(code, mods);
        assert_eq!(
            km.action_any(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action_any(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action_any(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            km.action_any(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_any(&key(KeyCode::PageDown, KeyModifiers::NONE)),
            Some(Action::PageDown)
        );
        assert_eq!(
            km.action_any(&key(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(km.keys_for(Action::Down), vec!["j", "↓"]);
        // On a diff `f`, `←`, `]` mean the diff's own things; elsewhere the usual ones.
        let f = key(KeyCode::Char('f'), KeyModifiers::NONE);
        assert_eq!(km.action(&f, Context::Diff), Some(Action::DiffOnly));
        assert_eq!(km.action(&f, Context::Gpts), Some(Action::Filters));
        let left = key(KeyCode::Left, KeyModifiers::NONE);
        assert_eq!(
            km.action(&left, Context::Diff),
            Some(Action::DiffTypePrevious)
        );
        assert_eq!(
            km.action(&left, Context::Snapshots),
            Some(Action::ColumnLeft)
        );
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(km.action(&j, Context::Diff), Some(Action::Down));
        assert_eq!(km.keys_for(Action::Quit), vec!["Q", "Ctrl-c"]);
    }
}
