//! Text statistics a Rust program would rather write in Python: word
//! frequencies with `collections.Counter`, sentence lengths with
//! `statistics`, and a report formatted with `textwrap`.
//!
//! Run it with `cargo run --example word_stats [FILE]` (default: a built-in
//! paragraph).

use pyfn::py_fn;

py_fn! {
    /// The `n` most common words (lower-cased, apostrophes kept), most
    /// common first, ties in order of first appearance.
    pub fn top_words(text: &str, n: usize) -> Vec<(String, u64)> {r#"
        import re
        from collections import Counter
        words = re.findall(r"[a-z']+", text.lower())
        return Counter(w.strip("'") for w in words if w.strip("'")).most_common(n)
    "#}

    /// Mean and median sentence length in words, and the number of sentences.
    pub fn sentence_lengths(text: &str) -> (f64, f64, usize) {r#"
        import re, statistics
        sentences = [s for s in re.split(r"[.!?]+", text) if s.strip()]
        lengths = [len(s.split()) for s in sentences]
        if not lengths:
            return (0.0, 0.0, 0)
        return (statistics.fmean(lengths), float(statistics.median(lengths)), len(lengths))
    "#}

    /// `text` wrapped to `width` columns, each line indented.
    pub fn wrap(text: &str, width: usize) -> String {
        import textwrap
        return textwrap.fill(text, width=width, initial_indent="  ", subsequent_indent="  ")
    }
}

const SAMPLE: &str = "It was the best of times, it was the worst of times. It was the age \
    of wisdom, it was the age of foolishness! It was the epoch of belief, it was the epoch \
    of incredulity. It was the season of Light, it was the season of Darkness.";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE.to_owned(),
    };
    let (mean, median, count) = sentence_lengths(&text)?;
    println!("{count} sentences, {mean:.1} words on average (median {median})");
    println!("most common words:");
    for (word, times) in top_words(&text, 5)? {
        println!("  {word:<12} {times}");
    }
    println!("opening, wrapped:");
    let opening: String = text.chars().take(160).collect();
    println!("{}", wrap(&opening, 48)?);
    Ok(())
}
