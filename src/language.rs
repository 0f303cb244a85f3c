//! Languages: which language a GPT is written in, told at import from its name, description and
//! prompt starters, and stored with each version (it is derived from that version's content, so
//! it changes only when the text does).
//!
//! Why not ask the detector crate (`whatlang`) alone: on the 2,924 real GPTs of our fixtures it
//! took 71 µs a GPT (a 1M import would spend more time detecting than importing), and on short
//! store texts it guessed: 98 texts read here as English came out French (26), Danish (18),
//! Norwegian (14), Latin, Spanish… (the 34 we read were all English), and Chinese texts with an
//! English name came out Catalan or Latin. GPT texts are short (median
//! name and description 73 characters) and mostly English. So the decision is layered, each layer
//! deciding only what it can tell for sure:
//! 1. **Script.** One pass counts letters by script (a Han, kana or Hangul character counts as
//!    three letters, about what it carries). The main script decides alone where it names one
//!    language: Hangul is Korean, Han with kana Japanese, Han alone Chinese, Thai, Greek,
//!    Georgian, Armenian, the Indic scripts but Devanagari, and so on.
//! 2. **Function words**, for Latin script: the words every sentence has (the, und, les, para…),
//!    for ten languages. Two of one language's, at least twice the next language's, decide;
//!    one alone only in a text of at most [`SHORT_WORDS`] words (a short "Your sales
//!    assistant" is English; a Danish sentence with one "for" in it is not).
//! 3. **`whatlang`** (trigrams) for the rest: Latin text without a clear winner, Cyrillic,
//!    Arabic, Devanagari, Hebrew; given only the letters of the main script and at most
//!    [`DETECTOR_BYTES`]. Its answer is taken when it calls it reliable, or when it picks one of
//!    the leaders of the function-word count (a tie between Spanish and Portuguese it breaks).
//!
//! Anything else is [`Language::Unknown`]: fewer than [`MIN_LETTERS`] letters of the main script,
//! a script no language is told from, or a detector that is not sure. Unknown is a count of its
//! own in every chart, never a guess.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use whatlang::Lang;

/// A GPT's main language, or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Unknown,
    Known(Lang),
}

/// Letters of the main script below which a text is too short to tell (a Han, kana or Hangul
/// character counts as [`CJK_WEIGHT`]).
pub const MIN_LETTERS: u32 = 12;
/// What a Han, kana or Hangul character counts as, in Latin letters.
const CJK_WEIGHT: u32 = 3;
/// Bytes of a GPT's text looked at: its name, its description, then its prompt starters.
const TEXT_BYTES: usize = 320;
/// Words of a text short enough for one function word to decide its language.
const SHORT_WORDS: u32 = 8;
/// Letters of the main script below which the trigram detector is not asked.
const TRIGRAM_LETTERS: u32 = 40;
/// Bytes given to the trigram detector (its time grows with the text).
pub const DETECTOR_BYTES: usize = 240;

impl Language {
    /// Every language that can be detected, in `whatlang`'s order (not counting unknown).
    pub fn all() -> impl Iterator<Item = Language> {
        Lang::all().iter().map(|l| Language::Known(*l))
    }

    /// The stored code: ISO 639-1 where the language has one (`en`, `zh`, `ja`), else ISO
    /// 639-3; `und` (BCP 47's "undetermined") for unknown.
    pub fn code(self) -> &'static str {
        match self {
            Language::Unknown => "und",
            Language::Known(l) => iso_639_1(l).unwrap_or_else(|| l.code()),
        }
    }

    /// The English name ("Chinese" for Mandarin, whose script we detect) or "unknown".
    pub fn name(self) -> &'static str {
        match self {
            Language::Unknown => "unknown",
            Language::Known(Lang::Cmn) => "Chinese",
            Language::Known(l) => l.eng_name(),
        }
    }

    /// `English (en)`; `unknown (too short to tell)`: a detail line.
    pub fn describe(self) -> String {
        match self {
            Language::Unknown => "unknown (too short to tell)".to_owned(),
            l => format!("{} ({})", l.name(), l.code()),
        }
    }

    /// A language from its code (ISO 639-1 or 639-3), its English name (any case), or
    /// `unknown`/`und`; none for anything else.
    pub fn parse(s: &str) -> Option<Language> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("und") || s.eq_ignore_ascii_case("unknown") {
            return Some(Language::Unknown);
        }
        Language::all().find(|l| {
            let Language::Known(w) = l else { return false };
            s.eq_ignore_ascii_case(l.code())
                || s.eq_ignore_ascii_case(w.code())
                || s.eq_ignore_ascii_case(l.name())
                || s.eq_ignore_ascii_case(w.eng_name())
        })
    }

    /// The language a stored code names; unknown for `und` and for a code this build does not
    /// know (a database written by a newer detector).
    pub fn from_code(code: &str) -> Language {
        // A table: every row of a list, an export or a page goes through here.
        static CODES: OnceLock<FxHashMap<&'static str, Language>> = OnceLock::new();
        let codes = CODES.get_or_init(|| Language::all().map(|l| (l.code(), l)).collect());
        match codes.get(code) {
            Some(l) => *l,
            None => Language::parse(code).unwrap_or(Language::Unknown),
        }
    }

    /// A small number for in-memory columns: 0 unknown, then `whatlang`'s own numbering (its
    /// enum's discriminants, the order of `Lang::all()`, which the round-trip test holds) from
    /// 1. Not stored (the stored form is the code), so a new `whatlang` may renumber it.
    pub fn index(self) -> u8 {
        match self {
            Language::Unknown => 0,
            Language::Known(l) => (l as usize + 1).min(255) as u8,
        }
    }

    /// The language of [`Language::index`] `i` (unknown for one out of range).
    pub fn from_index(i: u8) -> Language {
        match (i as usize).checked_sub(1).and_then(|p| Lang::all().get(p)) {
            Some(l) => Language::Known(*l),
            None => Language::Unknown,
        }
    }
}

/// Where the language of [`Language::index`] `i` sorts in a list sorted by language: by code,
/// unknown last. A table, for sorting a million GPTs by their in-memory index.
pub fn rank_of_index(i: u8) -> u8 {
    static RANKS: OnceLock<Vec<u8>> = OnceLock::new();
    let ranks = RANKS.get_or_init(|| {
        let mut known: Vec<Language> = Language::all().collect();
        known.sort_by_key(|l| l.code());
        let mut ranks = vec![u8::MAX; known.len() + 1];
        for (rank, l) in known.iter().enumerate() {
            ranks[l.index() as usize] = rank.min(254) as u8;
        }
        ranks
    });
    ranks.get(i as usize).copied().unwrap_or(u8::MAX)
}

/// As its code (`"en"`, `"und"`): how `show --json` and the exports write it.
impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn iso_639_1(l: Lang) -> Option<&'static str> {
    Some(match l {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// The scripts counted; [`Script::Cjk`] is Han and kana together (told apart by the kana).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Bengali,
    Gurmukhi,
    Gujarati,
    Oriya,
    Tamil,
    Telugu,
    Kannada,
    Malayalam,
    Sinhala,
    Thai,
    Georgian,
    Myanmar,
    Khmer,
    Ethiopic,
    Hangul,
    Cjk,
}

const SCRIPTS: usize = Script::Cjk as usize + 1;

impl Script {
    const ALL: [Script; SCRIPTS] = [
        Script::Latin,
        Script::Cyrillic,
        Script::Greek,
        Script::Armenian,
        Script::Hebrew,
        Script::Arabic,
        Script::Devanagari,
        Script::Bengali,
        Script::Gurmukhi,
        Script::Gujarati,
        Script::Oriya,
        Script::Tamil,
        Script::Telugu,
        Script::Kannada,
        Script::Malayalam,
        Script::Sinhala,
        Script::Thai,
        Script::Georgian,
        Script::Myanmar,
        Script::Khmer,
        Script::Ethiopic,
        Script::Hangul,
        Script::Cjk,
    ];

    /// The one language a script is told from, when it names one.
    fn only_language(self) -> Option<Lang> {
        Some(match self {
            Script::Greek => Lang::Ell,
            Script::Armenian => Lang::Hye,
            Script::Bengali => Lang::Ben,
            Script::Gurmukhi => Lang::Pan,
            Script::Gujarati => Lang::Guj,
            Script::Oriya => Lang::Ori,
            Script::Tamil => Lang::Tam,
            Script::Telugu => Lang::Tel,
            Script::Kannada => Lang::Kan,
            Script::Malayalam => Lang::Mal,
            Script::Sinhala => Lang::Sin,
            Script::Thai => Lang::Tha,
            Script::Georgian => Lang::Kat,
            Script::Myanmar => Lang::Mya,
            Script::Khmer => Lang::Khm,
            Script::Ethiopic => Lang::Amh,
            Script::Hangul => Lang::Kor,
            _ => return None,
        })
    }
}

/// A letter's script (and whether it is kana); none for what is not a letter of a counted
/// script (digits, punctuation, emoji, spaces, scripts no language is told from).
fn script_of(c: char) -> Option<(Script, bool)> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then_some((Script::Latin, false));
    }
    let s = match c as u32 {
        0x00C0..=0x024F if c != '×' && c != '÷' => Script::Latin,
        0x1E00..=0x1EFF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F => Script::Cyrillic,
        0x0531..=0x058F => Script::Armenian,
        0x05D0..=0x05FF => Script::Hebrew,
        0x0620..=0x064A | 0x066E..=0x06D3 | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0900..=0x097F => Script::Devanagari,
        0x0980..=0x09FF => Script::Bengali,
        0x0A00..=0x0A7F => Script::Gurmukhi,
        0x0A80..=0x0AFF => Script::Gujarati,
        0x0B00..=0x0B7F => Script::Oriya,
        0x0B80..=0x0BFF => Script::Tamil,
        0x0C00..=0x0C7F => Script::Telugu,
        0x0C80..=0x0CFF => Script::Kannada,
        0x0D00..=0x0D7F => Script::Malayalam,
        0x0D80..=0x0DFF => Script::Sinhala,
        0x0E00..=0x0E7F => Script::Thai,
        0x1000..=0x109F => Script::Myanmar,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF => Script::Georgian,
        0x1200..=0x139F => Script::Ethiopic,
        0x1780..=0x17FF => Script::Khmer,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => return Some((Script::Cjk, true)),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Script::Cjk,
        _ => return None,
    };
    Some((s, false))
}

/// The parts of a GPT's text in the order they are read, cut to [`TEXT_BYTES`] in all.
fn text_of<'a>(parts: impl Iterator<Item = &'a str>) -> impl Iterator<Item = &'a str> {
    let mut left = TEXT_BYTES;
    parts.map_while(move |p| {
        if left == 0 {
            return None;
        }
        let mut end = p.len().min(left);
        while !p.is_char_boundary(end) {
            end -= 1;
        }
        left -= end;
        Some(&p[..end])
    })
}

/// A GPT's main language, from its name, description and prompt starters (run for every
/// record an import writes: the parts are borrowed, nothing gathered).
pub fn detect_gpt(name: &str, description: Option<&str>, starters: &[String]) -> Language {
    let parts = std::iter::once(name)
        .chain(description)
        .chain(starters.iter().map(String::as_str));
    detect_parts(parts)
}

/// The main language of a text given in parts (name, description, starters…).
pub fn detect(parts: &[&str]) -> Language {
    detect_parts(parts.iter().copied())
}

fn detect_parts<'a>(parts: impl Iterator<Item = &'a str> + Clone) -> Language {
    let mut counts = [0u32; SCRIPTS];
    let mut kana = 0u32;
    let mut hits = [0u32; WORD_LANGS.len()];
    let mut latin_words = 0u32;
    let table = words();
    let mut word = String::new();
    let mut count = |word: &mut String| {
        latin_words += 1;
        // No function word is longer (most words of a text are: no lookup for them).
        if word.len() <= LONGEST_WORD
            && let Some(mask) = table.get(word.as_str())
        {
            for (i, h) in hits.iter_mut().enumerate() {
                *h += u32::from(mask & (1 << i) != 0);
            }
        }
        word.clear();
    };
    for part in text_of(parts.clone()) {
        for token in part.split_whitespace().filter(|t| !is_address(t)) {
            for c in token.chars() {
                match script_of(c) {
                    Some((s, is_kana)) => {
                        counts[s as usize] += 1;
                        kana += u32::from(is_kana);
                        if s == Script::Latin {
                            if c.is_ascii() {
                                word.push(c.to_ascii_lowercase());
                            } else {
                                word.extend(c.to_lowercase());
                            }
                            continue;
                        }
                    }
                    None if c.is_alphabetic() && !word.is_empty() => {
                        // A combining mark or a letter of another script inside a word.
                        continue;
                    }
                    None => {}
                }
                if !word.is_empty() {
                    count(&mut word);
                }
            }
            if !word.is_empty() {
                count(&mut word);
            }
        }
    }
    let weight = |s: Script| {
        let n = counts[s as usize];
        if matches!(s, Script::Cjk | Script::Hangul) {
            n * CJK_WEIGHT
        } else {
            n
        }
    };
    let Some(main) = Script::ALL.into_iter().max_by_key(|s| weight(*s)) else {
        return Language::Unknown;
    };
    let letters = weight(main);
    if letters < MIN_LETTERS {
        return Language::Unknown;
    }
    if let Some(l) = main.only_language() {
        return Language::Known(l);
    }
    match main {
        Script::Cjk => {
            let cjk = counts[Script::Cjk as usize];
            Language::Known(if kana >= 2 && kana * 10 >= cjk {
                Lang::Jpn
            } else {
                Lang::Cmn
            })
        }
        Script::Latin => {
            let mut order: [usize; WORD_LANGS.len()] = std::array::from_fn(|i| i);
            order.sort_by_key(|i| std::cmp::Reverse(hits[*i]));
            let (best, second) = (hits[order[0]], hits[order[1]]);
            // One language's words, twice the next's; a single one only in a short text (a
            // Danish sentence with one "for" in it is not English).
            let enough = best >= 2 || (best == 1 && latin_words <= SHORT_WORDS);
            if enough && best >= 2 * second {
                return Language::Known(WORD_LANGS[order[0]]);
            }
            let leaders: Vec<Lang> = order
                .iter()
                .take_while(|i| best > 0 && hits[**i] * 2 > best)
                .map(|i| WORD_LANGS[*i])
                .collect();
            by_trigrams(parts, Script::Latin, letters, &leaders)
        }
        _ => by_trigrams(parts, main, letters, &[]),
    }
}

/// A web or mail address (its words are not the text's language: `.com`, `/de/`).
fn is_address(token: &str) -> bool {
    token.contains("://") || token.contains('@') || token.starts_with("www.")
}

/// The trigram detector over the letters of `script` in the text; its answer when reliable or
/// among `leaders`, else unknown. Below [`TRIGRAM_LETTERS`] letters it is never sure enough (on
/// our fixtures: not once), so it is not asked.
fn by_trigrams<'a>(
    parts: impl Iterator<Item = &'a str>,
    script: Script,
    letters: u32,
    leaders: &[Lang],
) -> Language {
    if letters < TRIGRAM_LETTERS {
        return Language::Unknown;
    }
    let mut text = String::with_capacity(DETECTOR_BYTES + 4);
    let tokens = text_of(parts).flat_map(str::split_whitespace);
    'tokens: for token in tokens.filter(|t| !is_address(t)) {
        for c in token.chars() {
            if text.len() >= DETECTOR_BYTES {
                break 'tokens;
            }
            if script_of(c).is_some_and(|(s, _)| s == script) {
                text.extend(c.to_lowercase());
            } else if !text.ends_with(' ') && !text.is_empty() {
                text.push(' ');
            }
        }
        if !text.ends_with(' ') {
            text.push(' ');
        }
    }
    match whatlang::detect(&text) {
        Some(info) if info.is_reliable() || leaders.contains(&info.lang()) => {
            Language::Known(info.lang())
        }
        _ => Language::Unknown,
    }
}

/// The languages with function-word lists, by bit.
const WORD_LANGS: [Lang; 10] = [
    Lang::Eng,
    Lang::Spa,
    Lang::Por,
    Lang::Fra,
    Lang::Deu,
    Lang::Ita,
    Lang::Nld,
    Lang::Ind,
    Lang::Tur,
    Lang::Pol,
];

/// Each language's most frequent function words (and, for English, the few verbs every GPT
/// description uses), lowercase; a word in several lists counts for each.
const WORDS: [&str; 10] = [
    "the and of to an you your i my we our it its for with on at by from this that these those \
     what how who which can will be or not about into do does have has they their them if up \
     out want need let like just than some help helps create make get write generate find \
     learn based using use",
    "el la los las de del que y en un una para con por es tu te como más sobre se al lo su mi \
     qué cómo eres este esta tus",
    "o os de do da dos das que e em um uma para com por é você seu sua como mais na não ao \
     sobre meu seus",
    "le la les de des du un une et en pour avec vous votre vos est dans sur que qui je tu ne \
     pas au aux ce cette mon comment",
    "der die das und ist ein eine für mit von zu den dem sie ich du dein deine wie auf nicht \
     auch im es bei was zum zur oder",
    "il lo la gli le di del della che e un una per con è sono ti tuo tua su non mi al alla dei \
     delle",
    "de het een en van voor met je jouw ik niet op te dat die zijn wat hoe naar ook uw bij",
    "yang dan untuk dengan ini itu di ke dari saya anda kamu apa bagaimana bisa adalah akan \
     dalam tidak",
    "ve bir bu için ile de da mi ne nasıl sen ben çok daha olarak gibi",
    "w z na się nie jest że jak co dla od po czy twój mnie oraz ale są być może",
];

/// Bytes of the longest word in [`WORDS`] ("bagaimana"; checked by a test).
const LONGEST_WORD: usize = 9;

/// Word → bit set of the languages listing it.
fn words() -> &'static FxHashMap<&'static str, u16> {
    static WORDS_TABLE: OnceLock<FxHashMap<&'static str, u16>> = OnceLock::new();
    WORDS_TABLE.get_or_init(|| {
        let mut map = FxHashMap::default();
        for (bit, list) in WORDS.iter().enumerate() {
            for w in list.split_whitespace() {
                *map.entry(w).or_insert(0u16) |= 1 << bit;
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(parts: &[&str]) -> &'static str {
        detect(parts).code()
    }

    #[test]
    fn scripts_decide_alone() {
        assert_eq!(
            code(&["한국어 글쓰기 도우미", "문장을 다듬어 드립니다"]),
            "ko"
        );
        assert_eq!(code(&["物語の作成", "ビジュアル化します"]), "ja");
        assert_eq!(code(&["废话文学", "模仿废话文学的大师"]), "zh");
        assert_eq!(code(&["ผู้ช่วยเขียน", "ช่วยเขียนบทความภาษาไทย"]), "th");
        assert_eq!(code(&["Βοηθός", "Ένας βοηθός για μαθητές"]), "el");
    }

    #[test]
    fn english_by_its_function_words() {
        assert_eq!(code(&["Support-GPT", "Your AI for Customer Support"]), "en");
        // Whatlang alone calls this Danish (confidence 0.97).
        assert_eq!(
            code(&[
                "Fart Hero",
                "Name your friend, describe their vibe, and get their signature fart sound!"
            ]),
            "en"
        );
        // An English description with Chinese starters: the English carries more.
        assert_eq!(
            code(&[
                "Riddle Tavern Keeper",
                "Mysterious tavern owner, master of cryptic 'Turtle Soup' riddles.",
                "I'm craving that Sea Turtle Soup! Hook me up?",
                "我想吃海龟汤！快给我来一碗吧"
            ]),
            "en"
        );
    }

    #[test]
    fn other_latin_languages() {
        assert_eq!(
            code(&[
                "Asistente de marketing",
                "Te ayudo a crear contenido para tus redes sociales y a planificar tus campañas."
            ]),
            "es"
        );
        assert_eq!(
            code(&[
                "Professeur de français",
                "Je vous aide à améliorer votre français avec des exercices et des corrections."
            ]),
            "fr"
        );
        assert_eq!(
            code(&[
                "Rezeptberater",
                "Ich helfe dir, leckere Rezepte mit den Zutaten aus deinem Kühlschrank zu finden."
            ]),
            "de"
        );
        assert_eq!(
            code(&[
                "Assistente jurídico",
                "Você pode me perguntar sobre contratos e eu explico de forma simples e clara."
            ]),
            "pt"
        );
        // Danish has no list: French and German tie on "en", "du", "der" and the trigram
        // detector, sure of Danish, decides (a real GPT of the fixtures).
        assert_eq!(
            code(&[
                "GPT Chat Dansk",
                "En GPT tilpasset dansk kultur og sprog, der undgår upassende indhold.",
                "Hvordan oversætter jeg dette til dansk?",
                "Kan du fortælle mig om dansk kultur?",
                "Er dette grammatisk korrekt på dansk?",
                "Hvad siger troværdige kilder om dette emne?",
            ]),
            "da"
        );
    }

    #[test]
    fn too_short_or_unsure_is_unknown() {
        assert_eq!(
            detect(&["ReactGPT", "ReactJS Dev Helper"]),
            Language::Unknown
        );
        assert_eq!(detect(&["名字"]), Language::Unknown);
        assert_eq!(detect(&["🚀🚀🚀", "1234 5678"]), Language::Unknown);
        assert_eq!(detect(&[]), Language::Unknown);
        assert_eq!(detect(&["", ""]), Language::Unknown);
    }

    #[test]
    fn odd_text_does_not_panic() {
        let long = "é".repeat(10_000);
        detect(&[&long, "\u{200b}\u{0}\u{1b}[31m", "👨‍👩‍👧‍👦"]);
        detect(&["\u{0301}\u{0301}abc", &"x".repeat(TEXT_BYTES + 3)]);
    }

    #[test]
    fn no_function_word_is_longer_than_the_lookup_allows() {
        let longest = WORDS
            .iter()
            .flat_map(|l| l.split_whitespace())
            .map(str::len)
            .max();
        assert_eq!(longest, Some(LONGEST_WORD));
    }

    #[test]
    fn codes_and_names_round_trip() {
        for l in Language::all().chain([Language::Unknown]) {
            assert_eq!(Language::parse(l.code()), Some(l), "{}", l.code());
            assert_eq!(Language::parse(l.name()), Some(l), "{}", l.name());
            assert_eq!(Language::from_code(l.code()), l);
        }
        assert_eq!(Language::parse("EN"), Some(Language::Known(Lang::Eng)));
        assert_eq!(Language::parse("eng"), Some(Language::Known(Lang::Eng)));
        assert_eq!(Language::parse("unknown"), Some(Language::Unknown));
        assert_eq!(Language::parse("klingon"), None);
        assert_eq!(Language::from_code("xx"), Language::Unknown);
        let codes: std::collections::HashSet<&str> = Language::all().map(|l| l.code()).collect();
        assert_eq!(codes.len(), Lang::all().len(), "codes are distinct");
        for l in Language::all().chain([Language::Unknown]) {
            assert_eq!(Language::from_index(l.index()), l);
        }
        let en = Language::parse("en").unwrap();
        let zh = Language::parse("zh").unwrap();
        assert!(rank_of_index(en.index()) < rank_of_index(zh.index()));
        assert!(rank_of_index(zh.index()) < rank_of_index(Language::Unknown.index()));
        assert_eq!(serde_json::to_string(&zh).unwrap(), "\"zh\"");
    }
}
