//! Something a screen waits for, as one enum: loading, loaded, or failed with the reason. Never
//! an `Option` beside an error field or a `bool` (two states that can disagree).

/// A value a worker is computing for a screen.
#[derive(Debug, Clone, Default)]
pub enum Load<T> {
    #[default]
    Loading,
    Loaded(T),
    Failed(String),
}

impl<T> Load<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }

    /// The value, once loaded.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Load::Loaded(v) => Some(v),
            _ => None,
        }
    }

    /// Why it failed.
    pub fn error(&self) -> Option<&str> {
        match self {
            Load::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// A worker's answer: the value or why not.
    pub fn of(result: Result<T, String>) -> Load<T> {
        match result {
            Ok(v) => Load::Loaded(v),
            Err(e) => Load::Failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Load;

    #[test]
    fn one_state_at_a_time() {
        let l: Load<u8> = Load::default();
        assert!(l.is_loading() && l.as_ref().is_none() && l.error().is_none());
        let l = Load::of(Ok(3));
        assert_eq!(l.as_ref(), Some(&3));
        assert!(!l.is_loading());
        let l: Load<u8> = Load::of(Err("gone".into()));
        assert_eq!(l.error(), Some("gone"));
        assert!(l.as_ref().is_none() && !l.is_loading());
    }
}
