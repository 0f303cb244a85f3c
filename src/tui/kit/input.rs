//! A one-line text input with a cursor, edited the way people expect from a shell: typing,
//! Backspace/Delete, ←/→, Home/End (Ctrl-A/Ctrl-E), Ctrl-W (word back), Ctrl-U (to the start).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
}

/// What a key did to the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// Not an editing key.
    Ignored,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_owned(),
            cursor: text.chars().count(),
        }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(b, _)| b)
    }

    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('w') if ctrl => {
                let before: Vec<char> = self.text.chars().take(self.cursor).collect();
                let mut start = self.cursor;
                while start > 0 && before[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !before[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
                Edit::Changed
            }
            KeyCode::Char('u') if ctrl => {
                let b = self.byte_at(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
                Edit::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = len;
                Edit::Moved
            }
            KeyCode::Char(c) if !ctrl => {
                let b = self.byte_at(self.cursor);
                self.text.insert(b, c);
                self.cursor += 1;
                Edit::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let (a, b) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor -= 1;
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < len => {
                let (a, b) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
                self.text.replace_range(a..b, "");
                Edit::Changed
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                Edit::Moved
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(len);
                Edit::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::End => {
                self.cursor = len;
                Edit::Moved
            }
            KeyCode::Backspace | KeyCode::Delete => Edit::Moved,
            _ => Edit::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }
    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn edits_like_a_shell() {
        let mut i = LineInput::default();
        for c in "code copilot".chars() {
            i.key(&k(KeyCode::Char(c)));
        }
        assert_eq!(i.key(&ctrl('w')), Edit::Changed);
        assert_eq!(i.text, "code ");
        i.key(&k(KeyCode::Backspace));
        assert_eq!(i.text, "code");
        i.key(&k(KeyCode::Home));
        i.key(&k(KeyCode::Char('x')));
        assert_eq!((i.text.as_str(), i.cursor), ("xcode", 1));
        i.key(&k(KeyCode::End));
        i.key(&k(KeyCode::Left));
        i.key(&k(KeyCode::Delete));
        assert_eq!(i.text, "xcod");
        i.key(&ctrl('u'));
        assert_eq!((i.text.as_str(), i.cursor), ("", 0));
        assert_eq!(i.key(&k(KeyCode::Backspace)), Edit::Moved);
        assert_eq!(i.key(&k(KeyCode::Enter)), Edit::Ignored);
    }

    #[test]
    fn cursor_counts_characters() {
        let mut i = LineInput::new("小红书");
        assert_eq!(i.cursor, 3);
        i.key(&k(KeyCode::Left));
        i.key(&k(KeyCode::Backspace));
        assert_eq!(i.text, "小书");
        i.key(&k(KeyCode::Char('🧙')));
        assert_eq!(i.text, "小🧙书");
    }
}
