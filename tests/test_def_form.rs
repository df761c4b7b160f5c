//! The `def` form: Python's own syntax, the Rust signature derived from the
//! annotations.

use std::collections::HashMap;

use pyfn::py_fn;

py_fn! {
    def area(r: float, n: int = 3) -> float:
        import math
        return n * r * r * math.sin(2 * math.pi / n) / 2
}

py_fn! {
    /// Documented, public, with every supported annotation.
    pub def summarize(words: list[str], weights: dict[str, float], limit: int | None, flag: bool) -> tuple[int, float, str]:
        total = sum(weights.get(w, 0.0) for w in words)
        shown = words if limit is None else words[:limit]
        return (len(shown), total, ",".join(shown) if flag else "")
}

py_fn! {
    def greet(name: str, greeting: str = "hello") -> str:
        return greeting + ", " + name
}

py_fn! {
    def nothing(x: int) -> None:
        pass
}

py_fn! {
    def maybe_half(x: int) -> int | None:
        return int(x / 2) if x % 2 == 0 else None
}

#[test]
fn signature_comes_from_the_annotations() -> pyfn::Result<()> {
    let square = area(1.0, Some(4))?;
    assert!((square - 2.0).abs() < 1e-12, "{square}");
    let triangle = area(1.0, None)?;
    assert!(
        (triangle - 3.0_f64.sqrt() * 3.0 / 4.0).abs() < 1e-12,
        "{triangle}"
    );
    Ok(())
}

#[test]
fn containers_options_and_tuples() -> pyfn::Result<()> {
    let words = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    let weights: HashMap<String, f64> = [("a".to_owned(), 1.5), ("c".to_owned(), 2.0)].into();
    assert_eq!(
        summarize(words.clone(), weights.clone(), Some(2), true)?,
        (2, 3.5, "a,b".to_owned())
    );
    assert_eq!(
        summarize(words, weights, None, false)?,
        (3, 3.5, String::new())
    );
    Ok(())
}

#[test]
fn defaults_and_strings() -> pyfn::Result<()> {
    assert_eq!(greet("you", None)?, "hello, you");
    assert_eq!(greet("you", Some("hi"))?, "hi, you");
    nothing(1)?;
    assert_eq!(maybe_half(4)?, Some(2));
    assert_eq!(maybe_half(3)?, None);
    Ok(())
}

py_fn! {
    /// Two `def`s in one `py_fn!`, as the item form takes several `fn`s.
    pub def first_word(text: str) -> str:
        return text.split()[0]

    #[doc = "The second."]
    def word_count(text: str, minimum: int = 1) -> int:
        return sum(1 for w in text.split() if len(w) >= minimum)

    def shout(text: str) -> str:
        return text.upper()
}

#[test]
fn several_defs_in_one_macro() -> pyfn::Result<()> {
    assert_eq!(first_word("hello big world")?, "hello");
    assert_eq!(word_count("a bb ccc", None)?, 3);
    assert_eq!(word_count("a bb ccc", Some(2))?, 2);
    assert_eq!(shout("hi")?, "HI");
    Ok(())
}
