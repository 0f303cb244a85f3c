//! `update()`: the only place state changes. Keys (through the keymap), terminal resizes, ticks
//! and worker messages come in; state changes; effects (requests to workers, quitting) go out.
//! No I/O here, so every transition is a unit test.

use super::action::Action;
use super::form::{Form, FormOutcome, FormTarget};
use super::input::Edit;
use super::msg::AuthorKey;
use super::msg::{AuthorSort, Effect, Msg, Request, ScreenId};
use super::searcher::{SearchRequest, Target};
use super::state::{
    App, AuthorColumn, AuthorList, AuthorPage, Before, Cursor, Detail, GptColumn, GptList, Popup,
    Screen, Search,
};
use crate::store::view::{Filter, Sort, SortKey};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

/// Everything that can happen to the app.
#[derive(Debug, Clone)]
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Event {
    Key(KeyEvent),
    /// Only when the config turns the mouse on: wheel scrolls, a left click selects a row.
    Mouse(crossterm::event::MouseEvent),
    Resize(u16, u16),
    Msg(Msg),
    Tick,
}

/// Rows kept per list beyond what is on screen; older ones are dropped.
const ROW_CACHE: usize = 4096;

/// The requests that start the app: the first list, and the categories for the filter form.
pub fn start(app: &mut App) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Some(Screen::Gpts(list)) = app.top_mut() {
        fx.push(request_order(list));
    }
    // After the list: the worker answers in order, and the first page must not wait.
    fx.push(Effect::Send(Request::Categories));
    if app.snapshot.signals_version < i64::from(crate::store::schema::SIGNALS_VERSION) {
        app.status = Some(
            "this snapshot's monetisation signals are not computed: gptscope signals --recompute"
                .to_owned(),
        );
    }
    fx
}

pub fn update(app: &mut App, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Event::Key(_) => Vec::new(),
        Event::Resize(w, h) => {
            app.size = (w, h);
            let page = app.page_rows();
            let mut fx = Vec::new();
            for screen in &mut app.screens {
                match screen {
                    Screen::Gpts(list) => {
                        list.cursor.select(list.cursor.selected, list.len(), page);
                        fx.extend(fetch_rows(list, page));
                    }
                    Screen::Author(p) => {
                        let page = page
                            .saturating_sub(usize::from(super::state::PROFILE_LINES))
                            .max(1);
                        p.list
                            .cursor
                            .select(p.list.cursor.selected, p.list.len(), page);
                        fx.extend(fetch_rows(&mut p.list, page));
                    }
                    Screen::Authors(a) => a.cursor.select(a.cursor.selected, a.len(), page),
                    Screen::Charts(c) => c.select(c.cursor.selected, page + 1),
                    Screen::Detail(_) | Screen::Live(_) | Screen::History(_) => {}
                }
            }
            fx
        }
        Event::Tick => {
            app.tick = app.tick.wrapping_add(1);
            Vec::new()
        }
        Event::Mouse(m) => on_mouse(app, m),
        Event::Msg(msg) => on_msg(app, msg),
    }
}

/// Rows one wheel step scrolls.
const WHEEL_ROWS: usize = 3;

fn on_mouse(app: &mut App, m: crossterm::event::MouseEvent) -> Vec<Effect> {
    use crossterm::event::{MouseButton, MouseEventKind};
    let step = match m.kind {
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::ScrollUp => Some(Action::Up),
        _ => None,
    };
    if let Some(Popup::Help { scroll }) = &mut app.popup {
        match step {
            Some(Action::Down) => *scroll = scroll.saturating_add(WHEEL_ROWS as u16),
            Some(_) => *scroll = scroll.saturating_sub(WHEEL_ROWS as u16),
            None => {}
        }
        return Vec::new();
    }
    if app.popup.is_some() {
        return Vec::new();
    }
    if let Some(action) = step {
        let mut fx = Vec::new();
        for _ in 0..WHEEL_ROWS {
            fx.extend(move_cursor(app, action));
        }
        return fx;
    }
    if m.kind != MouseEventKind::Down(MouseButton::Left) {
        return Vec::new();
    }
    let Some(top) = app.first_row_y() else {
        return Vec::new();
    };
    let Some(dy) = m.row.checked_sub(top) else {
        return Vec::new();
    };
    move_with(app, |c, len, page| {
        let at = c.offset + usize::from(dy);
        if at < len {
            c.select(at, len, page);
        }
    })
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    // Esc and a key typed quickly after it reach us as Alt+key (that is how terminals send
    // Alt): unless Alt+key means something, take it as the two keys it was.
    let alt = crossterm::event::KeyModifiers::ALT;
    if key.modifiers.contains(alt) && app.keymap.action(&key).is_none() {
        let mut fx = on_key(
            app,
            KeyEvent::new(KeyCode::Esc, crossterm::event::KeyModifiers::NONE),
        );
        let plain = KeyEvent::new(key.code, key.modifiers - alt);
        if !fx.iter().any(|e| matches!(e, Effect::Quit)) {
            fx.extend(on_key(app, plain));
        }
        return fx;
    }
    app.status = None;
    if app.popup.is_some() {
        return popup_key(app, &key);
    }
    if let Some(fx) = search_key(app, &key) {
        return fx;
    }
    // Esc or Ctrl-C while a refresh runs: stop it (its work is kept for later).
    let ctrl_c = key.code == KeyCode::Char('c')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL);
    if let Some(run) = &mut app.refresh
        && !run.cancelling
        && (key.code == KeyCode::Esc || ctrl_c)
    {
        run.cancelling = true;
        return vec![Effect::CancelRefresh];
    }
    match app.keymap.action(&key) {
        Some(action) => on_action(app, action),
        None => {
            if let KeyCode::Char(c) = key.code {
                app.status = Some(format!("{c}: not a key here (? for help)"));
            }
            Vec::new()
        }
    }
}

/// A key while a popup is open: the popup has it.
fn popup_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let Some(popup) = &mut app.popup else {
        return Vec::new();
    };
    match popup {
        Popup::Error(_) => {
            app.popup = None;
            Vec::new()
        }
        Popup::ConfirmDelete { screen, snapshot } => {
            let (screen, id) = (*screen, snapshot.id);
            app.popup = None;
            if key.code != KeyCode::Char('y') {
                app.status = Some(format!("snapshot #{id} kept"));
                return Vec::new();
            }
            app.status = Some(format!("deleting snapshot #{id}…"));
            if let Some(Screen::History(h)) = app.screen_mut(screen) {
                h.snapshots = None;
                h.marked = h.marked.filter(|m| *m != id);
            }
            vec![Effect::Send(Request::RemoveSnapshot { screen, id })]
        }
        Popup::Help { scroll } => {
            match app.keymap.action(key) {
                Some(Action::Down) => *scroll = scroll.saturating_add(1),
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::PageDown | Action::HalfPageDown) => {
                    *scroll = scroll.saturating_add(10)
                }
                Some(Action::PageUp | Action::HalfPageUp) => *scroll = scroll.saturating_sub(10),
                Some(Action::Quit) => return vec![Effect::Quit],
                _ => app.popup = None,
            }
            Vec::new()
        }
        Popup::Filter(form) => match form.key(key) {
            FormOutcome::Editing => Vec::new(),
            FormOutcome::Cancel => {
                app.popup = None;
                Vec::new()
            }
            FormOutcome::Apply => apply_form(app),
        },
        Popup::Export(dialog) => {
            match key.code {
                KeyCode::Esc => app.popup = None,
                KeyCode::Enter => return export_enter(app),
                _ => {
                    dialog.input.key(key);
                    dialog.error = None;
                }
            }
            Vec::new()
        }
        Popup::Refresh(dialog) => {
            match (key.code, app.keymap.action(key)) {
                (KeyCode::Enter, _) => return refresh_enter(app),
                (_, Some(Action::Down)) => dialog.mode = dialog.mode.step(false),
                (_, Some(Action::Up)) => dialog.mode = dialog.mode.step(true),
                (_, Some(Action::Quit)) => return vec![Effect::Quit],
                _ => app.popup = None,
            }
            Vec::new()
        }
    }
}

/// Enter in the export dialog: the file it names, written by the worker.
fn export_enter(app: &mut App) -> Vec<Effect> {
    let Some(Popup::Export(dialog)) = &mut app.popup else {
        return Vec::new();
    };
    let text = dialog.input.text.trim().to_owned();
    let path = match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(&text),
    };
    let Some(format) = crate::store::export::Format::of_path(&path) else {
        dialog.error = Some("the file name ends in .csv, .json or .jsonl".to_owned());
        return Vec::new();
    };
    let (ids, authors) = (dialog.ids.clone(), dialog.authors);
    app.popup = None;
    let Some(screen) = app.top().map(Screen::id) else {
        return Vec::new();
    };
    app.status = Some(format!(
        "exporting {} {} to {}…",
        super::ui::thousands(ids.len() as i64),
        if authors { "authors" } else { "GPTs" },
        crate::text::line(&path.display().to_string())
    ));
    vec![Effect::Send(Request::Export {
        screen,
        ids,
        authors,
        path,
        format,
    })]
}

/// Enter in the refresh dialog: the refresh of the chosen kind, of what is on screen.
fn refresh_enter(app: &mut App) -> Vec<Effect> {
    use super::refresh::Mode;
    let Some(Popup::Refresh(dialog)) = &app.popup else {
        return Vec::new();
    };
    let mode = dialog.mode;
    app.popup = None;
    let job = match mode {
        Mode::Shelves => super::refresh::Job::Shelves,
        Mode::Crawl => super::refresh::Job::Crawl {
            snapshot: app.snapshot.id,
        },
        Mode::Author => match focused_author(app) {
            Some(user) => super::refresh::Job::Author(user),
            None => {
                app.status = Some(
                    "author refreshes the author on screen: open one, or \
                         select a GPT that has one"
                        .to_owned(),
                );
                return Vec::new();
            }
        },
        Mode::Details => {
            let order = match app.top() {
                Some(Screen::Gpts(l)) if l.complete => l.order.clone(),
                Some(Screen::Author(p)) if p.list.complete => p.list.order.clone(),
                _ => None,
            };
            match order {
                Some(rowids) if !rowids.is_empty() => super::refresh::Job::DetailsOf {
                    snapshot: app.snapshot.id,
                    rowids,
                },
                _ => {
                    app.status = Some(
                        "details refreshes the GPT list on screen: open one \
                             (and let it load)"
                            .to_owned(),
                    );
                    return Vec::new();
                }
            }
        }
    };
    app.refresh = Some(super::refresh::Running {
        plan: job.name(),
        progress: Default::default(),
        cancelling: false,
    });
    vec![Effect::Refresh(job)]
}

/// A list on the current screen, if it has one: the screen's GPT list and its page height.
fn gpt_list(app: &mut App) -> Option<(&mut GptList, usize)> {
    let page = app.page_rows();
    match app.top_mut()? {
        Screen::Gpts(list) => Some((list, page)),
        Screen::Author(p) => Some((&mut p.list, page)),
        _ => None,
    }
}

fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    if matches!(app.top(), Some(Screen::History(_)))
        && let Some(fx) = history_action(app, action)
    {
        return fx;
    }
    match action {
        Action::Quit => vec![Effect::Quit],
        Action::Help => {
            app.popup = Some(Popup::Help { scroll: 0 });
            Vec::new()
        }
        Action::Back => {
            if app.screens.len() > 1 {
                let mut fx = Vec::new();
                if let Some(Screen::Live(l)) = app.screens.pop() {
                    fx.push(Effect::CancelLive(l.id));
                }
                // The screen below kept its position; fetch its rows in case the size changed.
                if let Some((list, page)) = gpt_list(app) {
                    fx.extend(fetch_rows(list, page));
                }
                fx
            } else {
                app.status = Some("this is the first screen: Q quits".to_owned());
                Vec::new()
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::HalfPageUp
        | Action::HalfPageDown
        | Action::Top
        | Action::Bottom => move_cursor(app, action),
        Action::ColumnLeft | Action::ColumnRight => column_action(app, action),
        Action::CopyId | Action::CopyUrl | Action::CopyRow => match copy_text(app, action) {
            Some((what, text)) => {
                app.status = Some(format!("copied {what}"));
                vec![Effect::Copy(text)]
            }
            None => {
                app.status = Some("nothing to copy here".to_owned());
                Vec::new()
            }
        },
        Action::Export => export_dialog(app),
        Action::OpenUrl => open_url(app),
        Action::Histograms => open_charts(app, false),
        Action::Snapshots => {
            if matches!(app.top(), Some(Screen::History(_))) {
                return Vec::new();
            }
            let id = app.new_screen_id();
            app.screens
                .push(Screen::History(super::history::HistoryScreen::new(id)));
            vec![Effect::Send(Request::Snapshots { screen: id })]
        }
        Action::DeleteSnapshot => {
            app.status = Some("Delete deletes a snapshot on the snapshots screen (s)".to_owned());
            Vec::new()
        }
        Action::Mark => {
            if let Some(Screen::History(h)) = app.top_mut()
                && h.diff.is_none()
                && let Some(s) = h.selected_snapshot()
            {
                let id = s.id;
                h.marked = if h.marked == Some(id) { None } else { Some(id) };
            }
            Vec::new()
        }
        Action::Diff => diff_action(app),
        Action::Live => open_live(app),
        Action::Refresh => {
            if app.refresh.is_some() {
                app.status = Some("a refresh is under way: Esc cancels it".to_owned());
            } else {
                app.popup = Some(Popup::Refresh(super::refresh::Dialog {
                    mode: super::refresh::Mode::Shelves,
                }));
            }
            Vec::new()
        }
        Action::StoreFront => store_front(app),
        Action::Frequency => open_charts(app, true),
        Action::SortAscending | Action::SortDescending => sort_action(app, action),
        Action::Filters => {
            let categories = app.categories.clone();
            let form = match app.top() {
                Some(Screen::Gpts(l)) => Form::for_gpts(l.id, &l.filter, &categories),
                Some(Screen::Author(p)) => Form::for_gpts(p.list.id, &p.list.filter, &categories),
                Some(Screen::Authors(a)) => Form::for_authors(a.id, &a.filter),
                _ => return Vec::new(),
            };
            app.popup = Some(Popup::Filter(form));
            Vec::new()
        }
        Action::ClearFilters => clear_filters(app),
        Action::Open => open(app),
        Action::Search => {
            open_search(app);
            Vec::new()
        }
        Action::Authors => {
            if matches!(app.top(), Some(Screen::Authors(_))) {
                return Vec::new();
            }
            let id = app.new_screen_id();
            let mut list = AuthorList::new(id, Default::default());
            let fx = vec![request_authors(&mut list)];
            app.screens.push(Screen::Authors(list));
            fx
        }
        Action::AuthorOfGpt => author_of_gpt(app),
    }
}

/// Opens the URL of what is on screen in the browser (http(s) only).
fn open_url(app: &mut App) -> Vec<Effect> {
    match copy_text(app, Action::CopyUrl) {
        Some((_, url)) if super::exits::is_web_url(&url) => {
            app.status = Some(format!("opening {}", crate::text::line(&url)));
            vec![Effect::Open(url)]
        }
        Some((_, url)) => {
            app.status = Some(format!(
                "not an http(s) address, not opened: {}",
                crate::text::line(&url)
            ));
            Vec::new()
        }
        None => {
            app.status = Some("nothing to open here".to_owned());
            Vec::new()
        }
    }
}

/// Moves the focused column (the histograms: the chart).
fn column_action(app: &mut App, action: Action) -> Vec<Effect> {
    let step = if action == Action::ColumnLeft { -1 } else { 1 };
    let page = app.page_rows();
    let cycle = |c: usize, n: usize| (c as isize + step).rem_euclid(n as isize) as usize;
    match app.top_mut() {
        Some(Screen::Gpts(l)) => l.column = cycle(l.column, GptColumn::ALL.len()),
        Some(Screen::Author(p)) => p.list.column = cycle(p.list.column, GptColumn::ALL.len()),
        Some(Screen::Authors(a)) => a.column = cycle(a.column, AuthorColumn::ALL.len()),
        // On charts, ←/→ go to the previous or next chart.
        Some(Screen::Charts(c)) => c.jump_chart(step, page),
        _ => {}
    }
    Vec::new()
}

/// Opens the live store front pane.
fn store_front(app: &mut App) -> Vec<Effect> {
    if matches!(app.top(), Some(Screen::Live(l)) if l.kind == super::live::LiveKind::StoreFront) {
        return Vec::new();
    }
    let id = app.new_screen_id();
    let mut pane = super::live::LivePane::new(id, super::live::LiveKind::StoreFront, None);
    let fx = vec![Effect::Live(pane.request())];
    app.screens.push(Screen::Live(pane));
    fx
}

/// Opens the author of the GPT on screen.
fn author_of_gpt(app: &mut App) -> Vec<Effect> {
    let author = match app.top() {
        // On an author page, the selected GPT's author (the same one).
        Some(Screen::Author(p)) => p.list.selected_row().and_then(|r| r.author_id.clone()),
        _ => focused_author(app),
    };
    match author {
        Some(user) => push_author(app, user),
        None => {
            app.status = Some("no author known for this GPT".to_owned());
            Vec::new()
        }
    }
}

/// Opens the export dialog for the list on screen.
fn export_dialog(app: &mut App) -> Vec<Effect> {
    let (ids, authors) = match app.top() {
        Some(Screen::Gpts(l)) if l.complete => (l.order.clone(), false),
        Some(Screen::Author(p)) if p.list.complete => (p.list.order.clone(), false),
        Some(Screen::Authors(a)) => (a.order.clone(), true),
        _ => (None, false),
    };
    match ids {
        Some(ids) => {
            let name = if authors {
                "gptscope-authors.csv"
            } else {
                "gptscope-gpts.csv"
            };
            app.popup = Some(Popup::Export(super::state::ExportDialog {
                input: super::input::LineInput::new(name),
                ids,
                authors,
                error: None,
            }));
        }
        None => app.status = Some("export writes a list: open one (and let it load)".to_owned()),
    }
    Vec::new()
}

/// Diffs the marked (else the open) snapshot against the selected one.
fn diff_action(app: &mut App) -> Vec<Effect> {
    let open = app.snapshot.id;
    let Some(Screen::History(h)) = app.top_mut() else {
        app.status = Some("d diffs snapshots: open them with s".to_owned());
        return Vec::new();
    };
    let Some(b) = h.selected_snapshot().map(|s| s.id) else {
        return Vec::new();
    };
    let a = h.marked.unwrap_or(open);
    if a == b {
        app.status =
            Some("mark the snapshot to compare with (Space), then select the other".to_owned());
        return Vec::new();
    }
    h.generation += 1;
    h.diffing = true;
    h.error = None;
    vec![Effect::Send(Request::Diff {
        screen: h.id,
        generation: h.generation,
        a,
        b,
    })]
}

/// Sorts the list on screen by its focused column.
fn sort_action(app: &mut App, action: Action) -> Vec<Effect> {
    let descending = action == Action::SortDescending;
    if let Some((list, _)) = gpt_list(app) {
        let key = GptColumn::ALL[list.column].sort_key();
        let descending = if list.sort.key == key && list.sort.descending == descending {
            !descending
        } else {
            descending
        };
        list.sort = Sort { key, descending };
        list.keep = list.selected_rowid();
        return vec![request_order(list)];
    }
    if let Some(Screen::Authors(a)) = app.top_mut() {
        let key = AuthorColumn::ALL[a.column].key();
        let descending = if a.sort.key == key && a.sort.descending == descending {
            !descending
        } else {
            descending
        };
        a.sort = AuthorSort { key, descending };
        a.keep = a.selected_user();
        return vec![request_authors(a)];
    }
    Vec::new()
}

/// Clears the filters of the list on screen.
fn clear_filters(app: &mut App) -> Vec<Effect> {
    if let Some((list, _)) = gpt_list(app) {
        let kept = Filter {
            author: list.filter.author.clone(),
            ..Filter::default()
        };
        list.search = None;
        if list.sort.key == SortKey::Relevance {
            list.sort = Sort::default();
        }
        if list.filter != kept {
            list.filter = kept;
            list.keep = list.selected_rowid();
            return vec![request_order(list)];
        }
        return Vec::new();
    }
    if let Some(Screen::Authors(a)) = app.top_mut() {
        a.search = None;
        if a.sort.key == AuthorKey::Relevance {
            a.sort = AuthorSort::default();
        }
        if a.filter != Default::default() {
            a.filter = Default::default();
            a.keep = a.selected_user();
            return vec![request_authors(a)];
        }
    }
    Vec::new()
}

/// What `y` (id), `Y` (URL) or `c` (the row as TSV) copies from the screen on top: what it
/// is ("the URL") and the text.
fn copy_text(app: &App, action: Action) -> Option<(&'static str, String)> {
    let tsv = |cells: Vec<String>| -> String {
        cells
            .into_iter()
            .map(|c| c.replace(['\t', '\n', '\r'], " "))
            .collect::<Vec<_>>()
            .join("\t")
    };
    let gpt = |r: &crate::store::view::GptRow| -> (&'static str, String) {
        match action {
            Action::CopyId => ("the GPT id", r.id.clone()),
            Action::CopyUrl => ("the GPT URL", crate::store::record::gpt_url(&r.id)),
            _ => (
                "the row",
                tsv(vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.author.clone().or(r.author_id.clone()).unwrap_or_default(),
                    r.category.clone().unwrap_or_default(),
                    crate::store::record::ToolMask::NAMED
                        .iter()
                        .filter(|(_, b)| r.tools.has(*b))
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(";"),
                    r.conv_bucket.clone().unwrap_or_default(),
                    r.rating.map(|x| format!("{x:.2}")).unwrap_or_default(),
                    r.reviews.map(|x| x.to_string()).unwrap_or_default(),
                    r.updated_at
                        .map(crate::time::format_date)
                        .unwrap_or_default(),
                ]),
            ),
        }
    };
    match app.top()? {
        Screen::Gpts(l) => l.selected_row().map(gpt),
        Screen::Author(p) => p.list.selected_row().map(gpt),
        Screen::Detail(d) => {
            let r = &d.view.as_ref()?.record;
            let url = crate::store::record::gpt_url(r.short_url.as_deref().unwrap_or(&r.id));
            Some(match action {
                Action::CopyId => ("the GPT id", r.id.clone()),
                Action::CopyUrl => ("the GPT URL", url),
                _ => ("the GPT", tsv(vec![r.id.clone(), r.name.clone(), url])),
            })
        }
        Screen::Authors(a) => {
            let r = a.selected()?;
            match action {
                Action::CopyId => Some(("the user id", r.user_id)),
                Action::CopyUrl => Some(("the website", format!("https://{}", r.website?))),
                _ => Some((
                    "the row",
                    tsv(vec![
                        r.user_id,
                        r.name.unwrap_or_default(),
                        r.website.unwrap_or_default(),
                        r.gpts.to_string(),
                        r.conv_total.to_string(),
                        r.conv_median.map(|m| m.to_string()).unwrap_or_default(),
                        r.rating.map(|x| format!("{x:.2}")).unwrap_or_default(),
                    ]),
                )),
            }
        }
        Screen::Charts(_) | Screen::Live(_) | Screen::History(_) => None,
    }
}

/// Keys the snapshots screen gives a meaning of its own; `None`: the usual one.
fn history_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    let page = app.page_rows().saturating_sub(2).max(1);
    let open = app.snapshot.id;
    let Some(Screen::History(h)) = app.top_mut() else {
        return None;
    };
    if let Some(d) = &mut h.diff {
        match action {
            Action::Back => {
                // Closing a diff still being computed drops its result.
                h.diff = None;
                h.diffing = false;
                h.generation += 1;
            }
            _ if action.moves() => {
                let len = d.rows.len();
                move_in(&mut d.cursor, action, len, page);
            }
            Action::Open => return Some(open_versions(app)),
            Action::Filters => d.toggle_only(),
            Action::DeleteSnapshot => {
                app.status =
                    Some("Esc leaves the diff; then Delete deletes the selected snapshot".into());
            }
            Action::ColumnLeft | Action::ColumnRight => d.turn(action == Action::ColumnRight),
            Action::SortAscending | Action::SortDescending => {
                let forward = action == Action::SortDescending;
                if !d.jump(forward, page) {
                    let field = d.field();
                    app.status = Some(format!(
                        "no {} {field} change",
                        if forward { "later" } else { "earlier" }
                    ));
                }
            }
            _ => return None,
        }
        return Some(Vec::new());
    }
    match action {
        _ if action.moves() => {
            let len = h.snapshots.as_ref().map_or(0, Vec::len);
            move_in(&mut h.cursor, action, len, page);
            Some(Vec::new())
        }
        Action::Open => {
            let snap = h.selected_snapshot()?.clone();
            if snap.id == open {
                app.status = Some(format!("snapshot #{} is the one open", snap.id));
                return Some(Vec::new());
            }
            Some(vec![Effect::Reopen(Box::new(snap))])
        }
        Action::DeleteSnapshot => {
            let snap = h.selected_snapshot()?.clone();
            if snap.id == open {
                app.status = Some(format!(
                    "snapshot #{} is the one open: open another first (Enter)",
                    snap.id
                ));
                return Some(Vec::new());
            }
            let screen = h.id;
            app.popup = Some(Popup::ConfirmDelete {
                screen,
                snapshot: Box::new(snap),
            });
            Some(Vec::new())
        }
        _ => None,
    }
}

/// The author the screen on top is about: the author page's, the authors table's selection,
/// the selected GPT's or the open GPT's author.
fn focused_author(app: &App) -> Option<String> {
    match app.top()? {
        Screen::Author(p) => Some(p.user_id.clone()),
        Screen::Authors(a) => a.selected_user(),
        Screen::Gpts(l) => l.selected_row().and_then(|r| r.author_id.clone()),
        Screen::Detail(d) => d
            .view
            .as_ref()
            .and_then(|v| v.record.author.user_id.clone()),
        Screen::Charts(_) | Screen::Live(_) | Screen::History(_) => None,
    }
}

/// A moving Action applied to a cursor over `len` rows, `page` of them visible.
fn move_in(c: &mut Cursor, action: Action, len: usize, page: usize) {
    match action {
        Action::Up => c.move_by(-1, len, page),
        Action::Down => c.move_by(1, len, page),
        Action::PageUp => c.page_by(-1, len, page),
        Action::PageDown => c.page_by(1, len, page),
        Action::HalfPageUp => c.move_by(-((page / 2).max(1) as isize), len, page),
        Action::HalfPageDown => c.move_by((page / 2).max(1) as isize, len, page),
        Action::Top => c.select(0, len, page),
        Action::Bottom => c.select(len.saturating_sub(1), len, page),
        _ => {}
    }
}

fn move_cursor(app: &mut App, action: Action) -> Vec<Effect> {
    let apply = |c: &mut Cursor, len: usize, page: usize| move_in(c, action, len, page);
    if matches!(
        app.top(),
        Some(Screen::Gpts(_) | Screen::Author(_) | Screen::Authors(_))
    ) {
        return move_with(app, apply);
    }
    let page = app.page_rows();
    match app.top_mut() {
        Some(Screen::Charts(c)) => {
            let page = page + 1;
            let bars = c.bars();
            match action {
                Action::Up => c.move_by(-1, page),
                Action::Down => c.move_by(1, page),
                Action::PageUp => c.move_by(-(page as isize), page),
                Action::PageDown => c.move_by(page as isize, page),
                Action::HalfPageUp => c.move_by(-((page / 2).max(1) as isize), page),
                Action::HalfPageDown => c.move_by((page / 2).max(1) as isize, page),
                Action::Top => {
                    c.cursor.offset = 0;
                    c.select(0, page);
                }
                Action::Bottom => {
                    // The last bar, and below it whatever follows the charts.
                    c.select(bars, page);
                    c.cursor.offset = c.lines().saturating_sub(page);
                }
                _ => {}
            }
            Vec::new()
        }
        Some(Screen::Live(l)) => {
            scroll(&mut l.scroll, action, page);
            Vec::new()
        }
        Some(Screen::Detail(d)) => {
            scroll(&mut d.scroll, action, page);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Moves the cursor of the list on top (GPTs, an author's GPTs, authors) with `apply(cursor,
/// len, page)` and asks for the rows that came into view.
fn move_with(app: &mut App, apply: impl Fn(&mut Cursor, usize, usize)) -> Vec<Effect> {
    let page = app.page_rows();
    match app.top_mut() {
        Some(Screen::Gpts(list)) => {
            // Until the whole order is known, only its first page can be reached.
            let len = list.order.as_ref().map_or(0, |o| o.len());
            apply(&mut list.cursor, len, page);
            fetch_rows(list, page)
        }
        Some(Screen::Author(p)) => {
            let len = p.list.order.as_ref().map_or(0, |o| o.len());
            apply(&mut p.list.cursor, len, page);
            fetch_rows(&mut p.list, page)
        }
        Some(Screen::Authors(a)) => {
            let len = a.len();
            apply(&mut a.cursor, len, page);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Scrolls a text pane.
fn scroll(s: &mut u16, action: Action, page: usize) {
    match action {
        Action::Up => *s = s.saturating_sub(1),
        Action::Down => *s = s.saturating_add(1),
        Action::PageUp | Action::HalfPageUp => *s = s.saturating_sub(page as u16 / 2),
        Action::PageDown | Action::HalfPageDown => *s = s.saturating_add(page as u16 / 2),
        Action::Top => *s = 0,
        Action::Bottom => *s = u16::MAX / 2,
        _ => {}
    }
}

/// Opens the live pane of what is on screen: the GPT of a detail or a list row (beside the
/// snapshot's record), or the author of an author page.
fn open_live(app: &mut App) -> Vec<Effect> {
    use super::live::{LiveKind, LivePane};
    let (kind, record) = match app.top() {
        Some(Screen::Detail(d)) => (
            LiveKind::Gpt(d.gpt_id.clone()),
            d.view.as_ref().map(|v| Box::new(v.record.clone())),
        ),
        Some(Screen::Author(p)) if p.user_id.starts_with(crate::store::parse::fields::NAME_KEY) => {
            app.status = Some(
                "this author is known by name only (the list gave no store id): nothing to ask \
                 the store"
                    .to_owned(),
            );
            return Vec::new();
        }
        Some(Screen::Author(p)) => (LiveKind::Author(p.user_id.clone()), None),
        Some(Screen::Gpts(l)) => match l.selected_row() {
            Some(r) => (LiveKind::Gpt(r.id.clone()), None),
            None => return Vec::new(),
        },
        Some(Screen::Live(l)) => {
            // Again on a live pane: fetch anew.
            let id = l.id;
            if let Some(Screen::Live(l)) = app.screen_mut(id) {
                return vec![Effect::CancelLive(id), Effect::Live(l.request())];
            }
            return Vec::new();
        }
        _ => {
            app.status = Some("l shows a GPT or an author as the store has it now".to_owned());
            return Vec::new();
        }
    };
    let id = app.new_screen_id();
    let mut pane = LivePane::new(id, kind.clone(), record);
    let mut fx = vec![Effect::Live(pane.request())];
    // From a list: the snapshot's record to compare with, from the database.
    if let (LiveKind::Gpt(gpt), None) = (&kind, &pane.snapshot) {
        fx.push(Effect::Send(Request::Detail {
            screen: id,
            generation: pane.generation,
            id: gpt.clone(),
        }));
    }
    app.screens.push(Screen::Live(pane));
    fx
}

/// Opens the histogram screen over the current GPT list or, with `frequency`, the frequency
/// table of the focused column of the current table.
fn open_charts(app: &mut App, frequency: bool) -> Vec<Effect> {
    use super::charts::{Of, author_freq_column, freq_column};
    use crate::stats::ChartId;
    let gpts = |filter: &Filter, column: usize| -> Result<(Of, Vec<ChartId>), String> {
        if !frequency {
            return Ok((Of::Gpts(filter.clone()), ChartId::SCREEN.to_vec()));
        }
        let c = GptColumn::ALL[column];
        match freq_column(c) {
            Some(f) => Ok((Of::Gpts(filter.clone()), vec![ChartId::Frequency(f)])),
            None => Err(format!(
                "no frequency table of {}: / searches them",
                c.title().to_lowercase()
            )),
        }
    };
    let opened = match app.top() {
        Some(Screen::Gpts(l)) => gpts(&l.filter, l.column),
        Some(Screen::Author(p)) => gpts(&p.list.filter, p.list.column),
        Some(Screen::Authors(a)) if frequency => {
            let c = AuthorColumn::ALL[a.column];
            match author_freq_column(c) {
                Some(f) => Ok((
                    Of::Authors(a.filter.clone()),
                    vec![ChartId::AuthorFrequency(f)],
                )),
                None => Err("no frequency table of names: / searches them".to_owned()),
            }
        }
        Some(Screen::Charts(_)) => return Vec::new(),
        _ if frequency => Err("F counts a column of a table: focus one with ←/→".to_owned()),
        _ => Err("histograms are of GPT lists: open one first".to_owned()),
    };
    match opened {
        Ok((of, which)) => {
            let id = app.new_screen_id();
            let mut screen = super::charts::ChartsScreen::new(id, of, which);
            let fx = vec![Effect::Send(screen.request())];
            app.screens.push(Screen::Charts(screen));
            fx
        }
        Err(message) => {
            app.status = Some(message);
            Vec::new()
        }
    }
}

fn open(app: &mut App) -> Vec<Effect> {
    if let Some(Screen::Charts(c)) = app.top() {
        // A bar: the GPTs (or authors) it counts, as a new list.
        let Some(of) = c.drill() else {
            return Vec::new();
        };
        let id = app.new_screen_id();
        return match of {
            super::charts::Of::Gpts(filter) => {
                let mut list = GptList::new(id, filter);
                let fx = vec![request_order(&mut list)];
                app.screens.push(Screen::Gpts(list));
                fx
            }
            super::charts::Of::Authors(filter) => {
                let mut list = AuthorList::new(id, filter);
                let fx = vec![request_authors(&mut list)];
                app.screens.push(Screen::Authors(list));
                fx
            }
        };
    }
    let gpt = match app.top() {
        Some(Screen::Gpts(l)) => l.selected_row().map(|r| r.id.clone()),
        Some(Screen::Author(p)) => p.list.selected_row().map(|r| r.id.clone()),
        Some(Screen::Authors(a)) => {
            let user = a.selected_user();
            return match user {
                Some(user) => push_author(app, user),
                None => Vec::new(),
            };
        }
        _ => None,
    };
    let Some(gpt) = gpt else {
        return Vec::new();
    };
    let id = app.new_screen_id();
    app.screens
        .push(Screen::Detail(Detail::new(id, gpt.clone())));
    vec![
        Effect::Send(Request::Detail {
            screen: id,
            generation: 1,
            id: gpt.clone(),
        }),
        Effect::Send(Request::History {
            screen: id,
            generation: 1,
            id: gpt,
        }),
    ]
}

/// Opens the diff's selected GPT as its two snapshots have it, side by side.
fn open_versions(app: &mut App) -> Vec<Effect> {
    let Some(Screen::History(h)) = app.top() else {
        return Vec::new();
    };
    let Some((d, row)) = h.diff.as_ref().and_then(|d| Some((d, d.selected()?))) else {
        return Vec::new();
    };
    let (gpt, a, b) = (row.id.to_owned(), d.diff.a.clone(), d.diff.b.clone());
    let (ia, ib) = (a.id, b.id);
    let id = app.new_screen_id();
    let mut detail = Detail::new(id, gpt.clone());
    detail.compare = Some(Box::new(super::state::Compare {
        a,
        b,
        versions: None,
    }));
    app.screens.push(Screen::Detail(detail));
    vec![Effect::Send(Request::Versions {
        screen: id,
        generation: 1,
        id: gpt,
        a: ia,
        b: ib,
    })]
}

fn push_author(app: &mut App, user: String) -> Vec<Effect> {
    let id = app.new_screen_id();
    let filter = Filter {
        author: Some(user.clone()),
        ..Filter::default()
    };
    let mut page = AuthorPage {
        user_id: user.clone(),
        row: None,
        profile: None,
        list: GptList::new(id, filter),
    };
    let fx = vec![
        Effect::Send(Request::AuthorProfile {
            screen: id,
            user_id: user,
        }),
        request_order(&mut page.list),
    ];
    app.screens.push(Screen::Author(page));
    fx
}

fn apply_form(app: &mut App) -> Vec<Effect> {
    let Some(Popup::Filter(form)) = &mut app.popup else {
        return Vec::new();
    };
    match form.target {
        FormTarget::Gpts(screen) => {
            let base = match app.screens.iter().find(|s| s.id() == screen) {
                Some(Screen::Gpts(l)) => l.filter.clone(),
                Some(Screen::Author(p)) => p.list.filter.clone(),
                _ => Filter::default(),
            };
            let filter = match form.gpt_filter(&base) {
                Ok(f) => f,
                Err(e) => {
                    form.error = Some(e);
                    return Vec::new();
                }
            };
            app.popup = None;
            let list = match app.screen_mut(screen) {
                Some(Screen::Gpts(l)) => l,
                Some(Screen::Author(p)) => &mut p.list,
                _ => return Vec::new(),
            };
            if list.filter == filter {
                return Vec::new();
            }
            list.filter = filter;
            list.keep = list.selected_rowid();
            vec![request_order(list)]
        }
        FormTarget::Authors(screen) => {
            let base = match app.screens.iter().find(|s| s.id() == screen) {
                Some(Screen::Authors(a)) => a.filter.clone(),
                _ => Default::default(),
            };
            let filter = match form.author_filter(&base) {
                Ok(f) => f,
                Err(e) => {
                    form.error = Some(e);
                    return Vec::new();
                }
            };
            app.popup = None;
            match app.screen_mut(screen) {
                Some(Screen::Authors(a)) if a.filter != filter => {
                    a.filter = filter;
                    a.keep = a.selected_user();
                    vec![request_authors(a)]
                }
                _ => Vec::new(),
            }
        }
    }
}

/// Opens the search prompt over the current list (again, if a search is kept).
fn open_search(app: &mut App) {
    match app.top_mut() {
        Some(Screen::Gpts(list)) => open_gpt_search(list),
        Some(Screen::Author(page)) => open_gpt_search(&mut page.list),
        Some(Screen::Authors(a)) => match &mut a.search {
            Some(s) => s.typing = true,
            None => {
                let before = Before::Authors {
                    ids: a.filter.ids.clone(),
                    search: a.filter.search.clone(),
                    sort: a.sort,
                    selected: a.selected_user(),
                };
                a.search = Some(Search::new(before, ""));
            }
        },
        _ => {}
    }
}

fn open_gpt_search(list: &mut GptList) {
    match &mut list.search {
        Some(s) => s.typing = true,
        None => {
            let before = Before::Gpts {
                rowids: list.filter.rowids.clone(),
                search: list.filter.search.clone(),
                sort: list.sort,
                selected: list.selected_rowid(),
            };
            list.search = Some(Search::new(before, ""));
        }
    }
}

/// Keys while the search prompt has them: editing, moving, Enter (keep), Esc (go back).
/// `None` when no prompt is open.
fn search_key(app: &mut App, key: &KeyEvent) -> Option<Vec<Effect>> {
    let typing = match app.top()? {
        Screen::Gpts(l) => l.search.as_ref().is_some_and(|s| s.typing),
        Screen::Author(p) => p.list.search.as_ref().is_some_and(|s| s.typing),
        Screen::Authors(a) => a.search.as_ref().is_some_and(|s| s.typing),
        Screen::Detail(_) | Screen::Charts(_) | Screen::Live(_) | Screen::History(_) => false,
    };
    if !typing {
        return None;
    }
    let ctrl = key
        .modifiers
        .contains(crossterm::event::KeyModifiers::CONTROL);
    let moving = match key.code {
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Char('p') if ctrl => Some(Action::Up),
        KeyCode::Char('n') if ctrl => Some(Action::Down),
        KeyCode::Char('c') if ctrl => return Some(vec![Effect::Quit]),
        _ => None,
    };
    if let Some(action) = moving {
        return Some(move_cursor(app, action));
    }
    let screen = app.top()?.id();
    Some(match app.top_mut()? {
        Screen::Gpts(list) => gpt_search_key(list, screen, key),
        Screen::Author(page) => gpt_search_key(&mut page.list, screen, key),
        Screen::Authors(a) => author_search_key(a, screen, key),
        Screen::Detail(_) | Screen::Charts(_) | Screen::Live(_) | Screen::History(_) => Vec::new(),
    })
}

/// What a key did in a search prompt.
enum SearchKey {
    /// Esc: the search is over; the list goes back to this.
    Restore(Before),
    /// A new query to send, with its generation.
    Query(u64, String),
    Nothing,
}

/// The part of a prompt key that is the same for every list.
fn search_edit(slot: &mut Option<Search>, key: &KeyEvent) -> SearchKey {
    let Some(search) = slot else {
        return SearchKey::Nothing;
    };
    match key.code {
        KeyCode::Esc => slot
            .take()
            .map_or(SearchKey::Nothing, |s| SearchKey::Restore(s.before)),
        KeyCode::Enter => {
            search.typing = false;
            if search.input.text.is_empty() {
                *slot = None;
            }
            SearchKey::Nothing
        }
        _ => match search.input.key(key) {
            Edit::Changed => {
                search.generation += 1;
                SearchKey::Query(search.generation, search.input.text.clone())
            }
            Edit::Moved | Edit::Ignored => SearchKey::Nothing,
        },
    }
}

fn gpt_search_key(list: &mut GptList, screen: ScreenId, key: &KeyEvent) -> Vec<Effect> {
    match search_edit(&mut list.search, key) {
        SearchKey::Restore(before) => {
            before.restore_gpts(list);
            if let Before::Gpts { selected, .. } = before {
                list.keep = selected;
            }
            vec![request_order(list)]
        }
        SearchKey::Query(generation, query) => vec![Effect::Search(SearchRequest {
            screen,
            generation,
            target: Target::Gpts,
            query,
        })],
        SearchKey::Nothing => Vec::new(),
    }
}

fn author_search_key(a: &mut AuthorList, screen: ScreenId, key: &KeyEvent) -> Vec<Effect> {
    match search_edit(&mut a.search, key) {
        SearchKey::Restore(before) => {
            before.restore_authors(a);
            if let Before::Authors { selected, .. } = before {
                a.keep = selected;
            }
            vec![request_authors(a)]
        }
        SearchKey::Query(generation, query) => vec![Effect::Search(SearchRequest {
            screen,
            generation,
            target: Target::Authors,
            query,
        })],
        SearchKey::Nothing => Vec::new(),
    }
}

/// New search results: the list shows them (within its other filters), best first.
fn on_search_results(
    app: &mut App,
    screen: ScreenId,
    generation: u64,
    query: String,
    ids: std::sync::Arc<[u32]>,
    fallback: bool,
    took: std::time::Duration,
) -> Vec<Effect> {
    let note = |s: &mut Search| {
        s.matches = Some(ids.len());
        s.took = Some(took);
        s.fallback = fallback;
    };
    match app.screen_mut(screen) {
        Some(Screen::Gpts(list)) => gpt_results(list, generation, query, ids.clone(), note),
        Some(Screen::Author(page)) => {
            gpt_results(&mut page.list, generation, query, ids.clone(), note)
        }
        Some(Screen::Authors(a)) => {
            let Some(s) = &mut a.search else {
                return Vec::new();
            };
            if s.generation != generation {
                return Vec::new();
            }
            note(s);
            if query.is_empty() {
                let before = s.before.clone();
                before.restore_authors(a);
            } else {
                a.filter.ids = Some(ids);
                a.filter.search = Some(query);
                a.sort = AuthorSort {
                    key: AuthorKey::Relevance,
                    descending: true,
                };
            }
            a.keep = None;
            a.cursor = Cursor::default();
            vec![request_authors(a)]
        }
        _ => Vec::new(),
    }
}

fn gpt_results(
    list: &mut GptList,
    generation: u64,
    query: String,
    ids: std::sync::Arc<[u32]>,
    note: impl Fn(&mut Search),
) -> Vec<Effect> {
    let Some(s) = &mut list.search else {
        return Vec::new();
    };
    if s.generation != generation {
        return Vec::new(); // a newer query is on its way
    }
    note(s);
    if query.is_empty() {
        let before = s.before.clone();
        before.restore_gpts(list);
    } else {
        list.filter.rowids = Some(ids);
        list.filter.search = Some(query);
        list.sort = Sort {
            key: SortKey::Relevance,
            descending: true,
        };
    }
    list.keep = None;
    list.cursor = Cursor::default();
    vec![request_order(list)]
}

/// A new generation of a list's order; replies to older ones will be dropped.
fn request_order(list: &mut GptList) -> Effect {
    list.generation += 1;
    list.loading = true;
    Effect::Send(Request::Gpts {
        screen: list.id,
        generation: list.generation,
        filter: list.filter.clone(),
        sort: list.sort,
    })
}

fn request_authors(list: &mut AuthorList) -> Effect {
    list.generation += 1;
    list.loading = true;
    Effect::Send(Request::Authors {
        screen: list.id,
        generation: list.generation,
        filter: list.filter.clone(),
        sort: list.sort,
    })
}

/// Asks for the rows around the visible ones that are not cached yet.
fn fetch_rows(list: &mut GptList, page: usize) -> Vec<Effect> {
    let Some(order) = &list.order else {
        return Vec::new();
    };
    let start = list.cursor.offset.saturating_sub(page);
    let end = (list.cursor.offset + 2 * page + 1).min(order.len());
    let want: Vec<u32> = order
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(|id| !list.rows.contains_key(id) && !list.requested.contains(id))
        .collect();
    if want.is_empty() {
        return Vec::new();
    }
    if list.rows.len() + want.len() > ROW_CACHE {
        let keep: rustc_hash::FxHashSet<u32> = order
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .copied()
            .collect();
        list.rows.retain(|id, _| keep.contains(id));
    }
    list.requested.extend(want.iter().copied());
    vec![Effect::Send(Request::Rows {
        screen: list.id,
        rowids: want,
    })]
}

fn on_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        msg @ Msg::Order { .. } => on_order(app, msg),
        Msg::Rows { screen, rows } => {
            let list = match app.screen_mut(screen) {
                Some(Screen::Gpts(l)) => l,
                Some(Screen::Author(p)) => &mut p.list,
                _ => return Vec::new(),
            };
            for row in rows {
                list.requested.remove(&row.rowid);
                list.rows.insert(row.rowid, row);
            }
            Vec::new()
        }
        msg @ Msg::Detail { .. } => on_detail(app, msg),
        msg @ Msg::Live { .. } => on_live(app, msg),
        Msg::RefreshProgress(p) => {
            if let Some(run) = &mut app.refresh {
                run.progress = p;
            }
            Vec::new()
        }
        Msg::RefreshDone(outcome) => {
            let cancelled = app.refresh.take().is_some_and(|r| r.cancelling);
            match outcome {
                Ok((summary, snapshot)) => {
                    let fx = vec![Effect::Reopen(snapshot)];
                    app.status = Some(format!(
                        "snapshot #{} \"{}\" written: {} GPTs fetched; it is open now",
                        summary.snapshot,
                        crate::text::line(&summary.label),
                        summary.fetched
                    ));
                    fx
                }
                Err(_) if cancelled => {
                    app.status =
                        Some("refresh cancelled; r continues it where it stopped".to_owned());
                    Vec::new()
                }
                Err(e) => {
                    app.popup = Some(Popup::Error(format!(
                        "The refresh stopped: {e}\n\nNo snapshot was written; r tries again and \
                         continues from what was fetched."
                    )));
                    Vec::new()
                }
            }
        }
        Msg::LiveNote { screen, note } => {
            if let Some(Screen::Live(l)) = app.screen_mut(screen)
                && l.is_loading()
            {
                l.note = Some(note);
            }
            Vec::new()
        }
        msg @ Msg::SnapshotIds { .. } => on_snapshot_ids(app, msg),
        msg @ Msg::Authors { .. } => on_authors(app, msg),
        Msg::AuthorProfile {
            screen,
            row,
            profile,
        } => {
            if let Some(Screen::Author(p)) = app.screen_mut(screen) {
                p.row = row;
                p.profile = profile;
            }
            Vec::new()
        }
        msg @ Msg::Snapshots { .. } => on_snapshots(app, msg),
        msg @ Msg::Diff { .. } => on_diff(app, msg),
        msg @ Msg::History { .. } => on_history(app, msg),
        msg @ Msg::Versions { .. } => on_versions(app, msg),
        Msg::Removed(r) => {
            app.status = Some(format!(
                "deleted snapshot #{} ({}): the file went from {} to {} MB",
                r.snapshot,
                crate::text::line(&r.label),
                r.bytes_before / 1_000_000,
                r.bytes_after / 1_000_000
            ));
            Vec::new()
        }
        msg @ Msg::Exported { .. } => on_exported(app, msg),
        Msg::Categories(c) => {
            app.categories = c;
            Vec::new()
        }
        Msg::SearchResults {
            screen,
            generation,
            query,
            ids,
            fallback,
            took,
        } => on_search_results(app, screen, generation, query, ids, fallback, took),
        msg @ Msg::Charts { .. } => on_charts(app, msg),
        Msg::SearchReady => {
            app.search_ready = true;
            Vec::new()
        }
        Msg::Failed { screen, message } => {
            if let Some(id) = screen {
                match app.screen_mut(id) {
                    Some(Screen::Gpts(l)) => l.loading = false,
                    Some(Screen::Author(p)) => p.list.loading = false,
                    Some(Screen::Authors(a)) => a.loading = false,
                    Some(Screen::Detail(d)) => d.error = Some(message.clone()),
                    Some(Screen::Charts(c)) => c.error = Some(message.clone()),
                    // The snapshot side of a live pane failed: the live side still shows.
                    Some(Screen::Live(_)) => return Vec::new(),
                    Some(Screen::History(h)) => {
                        h.diffing = false;
                        h.error = Some(message.clone());
                    }
                    None => return Vec::new(), // the screen is gone: nobody is waiting
                }
            }
            app.popup = Some(Popup::Error(message));
            Vec::new()
        }
    }
}

/// The worker's reply `Msg::Snapshots`.
fn on_snapshots(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Snapshots {
        screen,
        list,
        unfinished,
    } = msg
    else {
        return Vec::new();
    };
    // The open snapshot selected first.
    let open = app.snapshot.id;
    if let Some(Screen::History(h)) = app.screen_mut(screen) {
        h.cursor.selected = list.iter().position(|s| s.id == open).unwrap_or(0);
        h.snapshots = Some(list);
        h.unfinished = unfinished;
    }
    Vec::new()
}

/// The worker's reply `Msg::Exported`.
fn on_exported(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Exported {
        path,
        rows,
        authors,
    } = msg
    else {
        return Vec::new();
    };
    app.status = Some(format!(
        "exported {} {} to {}",
        super::ui::thousands(rows as i64),
        if authors { "authors" } else { "GPTs" },
        crate::text::line(&path.display().to_string())
    ));
    Vec::new()
}

/// The worker's reply `Msg::SnapshotIds`.
fn on_snapshot_ids(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::SnapshotIds {
        screen,
        generation,
        ids,
    } = msg
    else {
        return Vec::new();
    };
    if let Some(Screen::Live(l)) = app.screen_mut(screen)
        && l.generation == generation
    {
        l.known = Some(ids);
    }
    Vec::new()
}

/// The worker's reply `Msg::History`.
fn on_history(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::History {
        screen,
        generation,
        points,
    } = msg
    else {
        return Vec::new();
    };
    if let Some(Screen::Detail(d)) = app.screen_mut(screen)
        && d.generation == generation
    {
        d.history = Some(points);
    }
    Vec::new()
}

/// The worker's reply `Msg::Order`.
fn on_order(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Order {
        screen,
        generation,
        order,
        complete,
        total,
        took,
    } = msg
    else {
        return Vec::new();
    };
    let page = app.page_rows();
    let list = match app.screen_mut(screen) {
        Some(Screen::Gpts(l)) => l,
        Some(Screen::Author(p)) => &mut p.list,
        _ => return Vec::new(),
    };
    if generation != list.generation {
        return Vec::new(); // stale: a newer request is on its way
    }
    list.total = if complete { order.len() } else { total };
    list.complete = complete;
    list.loading = !complete;
    list.took = Some(took);
    let keep = list.keep.or_else(|| list.selected_rowid());
    let len = order.len();
    let at = keep.and_then(|id| order.iter().position(|&x| x == id));
    list.order = Some(order);
    match at {
        Some(i) => list.cursor.reselect_keeping_position(i, len, page),
        None if list.keep.is_some() => list.cursor = Cursor::default(),
        None => list.cursor.select(list.cursor.selected, len, page),
    }
    if complete {
        list.keep = None;
    }
    fetch_rows(list, page)
}

/// The worker's reply `Msg::Live`.
fn on_live(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Live {
        screen,
        generation,
        result,
        at,
    } = msg
    else {
        return Vec::new();
    };
    let Some(Screen::Live(l)) = app.screen_mut(screen) else {
        return Vec::new();
    };
    if l.generation != generation {
        return Vec::new();
    }
    l.note = None;
    match result {
        Ok(answer) => {
            let ask = match &l.kind {
                super::live::LiveKind::Gpt(_) => None,
                super::live::LiveKind::Author(u) => Some((Some(u.clone()), Vec::new())),
                super::live::LiveKind::StoreFront => Some((None, answer.ids())),
            };
            l.state = super::live::LiveState::Loaded { answer, at };
            if let Some((author, among)) = ask {
                return vec![Effect::Send(Request::SnapshotIds {
                    screen,
                    generation,
                    author,
                    among,
                })];
            }
        }
        Err(e) => l.state = super::live::LiveState::Error(e),
    }
    Vec::new()
}

/// The worker's reply `Msg::Authors`.
fn on_authors(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Authors {
        screen,
        generation,
        rows,
        order,
    } = msg
    else {
        return Vec::new();
    };
    let page = app.page_rows();
    if let Some(Screen::Authors(a)) = app.screen_mut(screen)
        && a.generation == generation
    {
        let keep = a.keep.take().or_else(|| a.selected_user());
        let at = keep.and_then(|user| {
            order
                .iter()
                .position(|&i| (i as usize) < rows.len() && rows.user_id(i as usize) == user)
        });
        let len = order.len();
        a.rows = Some(rows);
        a.order = Some(order);
        a.loading = false;
        match at {
            Some(i) => a.cursor.reselect_keeping_position(i, len, page),
            None => a.cursor = Cursor::default(),
        }
    }
    Vec::new()
}

/// The worker's reply `Msg::Diff`.
fn on_diff(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Diff {
        screen,
        generation,
        diff,
    } = msg
    else {
        return Vec::new();
    };
    let page = app.page_rows().saturating_sub(2).max(1);
    if let Some(Screen::History(h)) = app.screen_mut(screen)
        && h.generation == generation
    {
        h.diffing = !diff.complete;
        match &mut h.diff {
            // The rest of the diff whose first page is on screen.
            Some(view) if view.diff.a.id == diff.a.id && view.diff.b.id == diff.b.id => {
                view.update(diff, page)
            }
            _ => h.diff = Some(super::history::DiffView::new(diff)),
        }
    }
    Vec::new()
}

/// The worker's reply `Msg::Versions`.
fn on_versions(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Versions {
        screen,
        generation,
        before,
        after,
    } = msg
    else {
        return Vec::new();
    };
    if let Some(Screen::Detail(d)) = app.screen_mut(screen)
        && d.generation == generation
        && let Some(c) = &mut d.compare
    {
        c.versions = Some([before, after]);
    }
    Vec::new()
}

/// The worker's reply `Msg::Charts`.
fn on_charts(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Charts {
        screen,
        generation,
        landscape,
        took,
    } = msg
    else {
        return Vec::new();
    };
    let page = app.page_rows() + 1;
    if is_current(app, screen, generation)
        && let Some(Screen::Charts(c)) = app.screen_mut(screen)
    {
        c.landscape = Some(landscape);
        c.took = Some(took);
        c.select(c.cursor.selected, page);
    }
    Vec::new()
}

/// The worker's reply `Msg::Detail`.
fn on_detail(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Msg::Detail {
        screen,
        generation,
        view,
    } = msg
    else {
        return Vec::new();
    };
    match app.screen_mut(screen) {
        Some(Screen::Detail(d)) if d.generation == generation => match view {
            Ok(v) => d.view = Some(v),
            Err(e) => d.error = Some(e),
        },
        // A live pane's snapshot record (none when the snapshot lacks the GPT).
        Some(Screen::Live(l)) if l.generation == generation => {
            l.snapshot = view.ok().map(|v| Box::new(v.record));
        }
        _ => {}
    }
    Vec::new()
}

/// The screen a request was made for still exists with that generation.
pub fn is_current(app: &App, screen: ScreenId, generation: u64) -> bool {
    app.screens.iter().any(|s| {
        s.id() == screen
            && match s {
                Screen::Gpts(l) => l.generation == generation,
                Screen::Author(p) => p.list.generation == generation,
                Screen::Authors(a) => a.generation == generation,
                Screen::Detail(d) => d.generation == generation,
                Screen::Charts(c) => c.generation == generation,
                Screen::Live(l) => l.generation == generation,
                Screen::History(h) => h.generation == generation,
            }
    })
}
