//! The parts screens are built from: a cursor over rows, a one-line input, the filter form, the
//! search prompt, a value being loaded ([`load::Load`]), the size a screen was drawn at
//! ([`viewport::Viewport`]), the table drawing every list shares, and the GPT list itself (the
//! main table and the lower half of an author page). Nothing here knows a screen.

pub mod cursor;
pub mod form;
pub mod gpt_list;
pub mod input;
pub mod load;
pub mod search;
pub mod table;
pub mod viewport;

const SPINNER: [&str; 4] = ["⠋", "⠙", "⠸", "⠴"];

/// The spinner's frame at a tick.
pub fn spinner(tick: u64) -> &'static str {
    SPINNER[(tick % SPINNER.len() as u64) as usize]
}
