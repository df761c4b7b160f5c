//! `py_module!`: whole Python sources, inline or from `.py` files, whose
//! functions are called through declared Rust signatures.

use pyfn::py_module;
use pyfn::pyo3::prelude::*;

py_module! {
    /// CPython's own `colorsys.py`, copied unchanged.
    mod colorsys_port {
        file = "tests/python/colorsys.py";
        pub fn rgb_to_yiq(r: f64, g: f64, b: f64) -> (f64, f64, f64);
        pub fn yiq_to_rgb(y: f64, i: f64, q: f64) -> (f64, f64, f64);
        pub fn rgb_to_hls(r: f64, g: f64, b: f64) -> (f64, f64, f64);
        pub fn hls_to_rgb(h: f64, l: f64, s: f64) -> (f64, f64, f64);
        pub fn rgb_to_hsv(r: f64, g: f64, b: f64) -> (f64, f64, f64);
        pub fn hsv_to_rgb(h: f64, s: f64, v: f64) -> (f64, f64, f64);
    }
}

py_module! {
    /// Helpers, a compiled regex, constants and defaults in a file.
    pub(crate) mod textstats {
        file = "tests/python/textstats.py";
        pub fn words(text: &str) -> Vec<String>;
        /// `n` and `skip_stop_words` have Python defaults: `None` uses them.
        pub fn top_words(text: &str, n: Option<usize>, skip_stop_words: Option<bool>) -> Vec<(String, usize)>;
        pub fn title_case(text: &str) -> String;
        pub fn fail(message: &str) -> i64;
    }
}

py_module! {
    /// An inline module: constants, a helper and the functions Rust calls.
    mod geometry {
        source = r#"
            import math

            TAU = 2 * math.pi

            def _check(r):
                if r < 0:
                    raise ValueError(f"negative radius {r}")
                return r

            def circumference(r):
                """The circumference of a circle of radius `r`."""
                return TAU * _check(r)

            def polygon_area(points):
                area = 0.0
                for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
                    area += x1 * y2 - x2 * y1
                return abs(area) / 2
        "#;
        pub fn circumference(r: f64) -> f64;
        pub fn polygon_area(points: Vec<(f64, f64)>) -> f64;
    }
}

/// The functions of `path` as CPython itself runs the file.
fn run_path<'py>(py: Python<'py>, path: &str) -> Bound<'py, PyAny> {
    py.import("runpy")
        .and_then(|runpy| runpy.call_method1("run_path", (path,)))
        .unwrap_or_else(|err| panic!("CPython runs {path}: {}", err.value(py)))
}

/// The same inputs through pyfn and through CPython running the same file
/// (exactly equal), and through the running CPython's own `colorsys`
/// (equal to the last bits: 3.11 changed `rgb_to_hls`, gh-106498).
#[test]
fn colorsys_matches_cpython() -> pyfn::Result<()> {
    type Convert = fn(f64, f64, f64) -> pyfn::Result<(f64, f64, f64)>;
    let pairs: [(&str, Convert); 6] = [
        ("rgb_to_yiq", colorsys_port::rgb_to_yiq),
        ("yiq_to_rgb", colorsys_port::yiq_to_rgb),
        ("rgb_to_hls", colorsys_port::rgb_to_hls),
        ("hls_to_rgb", colorsys_port::hls_to_rgb),
        ("rgb_to_hsv", colorsys_port::rgb_to_hsv),
        ("hsv_to_rgb", colorsys_port::hsv_to_rgb),
    ];
    let steps: Vec<f64> = (0..=10).map(|i| f64::from(i) / 10.0).collect();
    let mut compared = 0;
    Python::attach(|py| -> pyfn::Result<()> {
        let same_file = run_path(py, "tests/python/colorsys.py");
        let stdlib = py.import("colorsys").expect("colorsys");
        for (name, ours) in pairs {
            let theirs = same_file.get_item(name).expect("defined");
            let stdlib = stdlib.getattr(name).expect("defined");
            for &a in &steps {
                for &b in &steps {
                    for &c in &steps {
                        let call = |f: &Bound<'_, PyAny>| -> (f64, f64, f64) {
                            f.call1((a, b, c)).and_then(|v| v.extract()).expect("runs")
                        };
                        let got = ours(a, b, c)?;
                        assert_eq!(got, call(&theirs), "{name}({a}, {b}, {c})");
                        let reference = call(&stdlib);
                        for (x, y) in [
                            (got.0, reference.0),
                            (got.1, reference.1),
                            (got.2, reference.2),
                        ] {
                            assert!(
                                (x - y).abs() <= 1e-12,
                                "{name}({a}, {b}, {c}): {got:?} vs {reference:?}"
                            );
                        }
                        compared += 1;
                    }
                }
            }
        }
        Ok(())
    })?;
    assert_eq!(compared, 6 * 11 * 11 * 11);
    Ok(())
}

#[test]
fn file_module_with_defaults_and_state() -> pyfn::Result<()> {
    let text = "It was the best of times, it was the worst of times; the age of wisdom.";
    assert_eq!(
        textstats::words("It's a dog's life")?,
        vec!["it's", "a", "dog's", "life"]
    );
    assert_eq!(
        textstats::top_words(text, None, None)?,
        vec![
            ("times".to_owned(), 2),
            ("best".to_owned(), 1),
            ("worst".to_owned(), 1)
        ]
    );
    assert_eq!(
        textstats::top_words(text, Some(1), Some(false))?,
        vec![("the".to_owned(), 3)]
    );
    // A later argument after a left-out default goes by keyword.
    assert_eq!(textstats::top_words(text, None, Some(false))?.len(), 3);
    assert_eq!(textstats::title_case("hello big world")?, "Hello Big World");
    Ok(())
}

#[test]
fn module_tracebacks_point_into_the_py_file() {
    let err = textstats::fail("no").unwrap_err();
    assert_eq!(err.exception_type(), Some("ValueError"));
    let traceback = err.traceback().unwrap();
    let line = include_str!("python/textstats.py")
        .lines()
        .position(|l| l.contains("raise ValueError(message)"))
        .unwrap()
        + 1;
    assert!(
        traceback.contains(&format!(
            "File \"tests/python/textstats.py\", line {line}, in fail"
        )),
        "{traceback}"
    );
    assert!(
        traceback.contains("raise ValueError(message)"),
        "{traceback}"
    );
}

#[test]
fn inline_module_keeps_rs_lines() -> pyfn::Result<()> {
    assert!((geometry::circumference(1.0)? - std::f64::consts::TAU).abs() < 1e-12);
    assert_eq!(
        geometry::polygon_area(vec![(0.0, 0.0), (4.0, 0.0), (4.0, 3.0)])?,
        6.0
    );
    let err = geometry::circumference(-1.0).unwrap_err();
    assert_eq!(err.message(), "negative radius -1.0");
    let traceback = err.traceback().unwrap();
    let line = include_str!("test_modules.rs")
        .lines()
        .position(|l| l.contains("raise ValueError(f\"negative radius {r}\")"))
        .unwrap()
        + 1;
    assert!(
        traceback.contains(&format!("line {line}, in _check")),
        "{traceback}"
    );
    Ok(())
}

py_module! {
    /// Functions declared by name: their signatures come from the
    /// annotations in the file.
    mod typed {
        file = "tests/python/textstats.py";
        pub def title_case;
        pub def fail;
    }
}

py_module! {
    mod typed_inline {
        source = r#"
            def scale(values: list[float], factor: float = 2.0) -> list[float]:
                return [v * factor for v in values]
        "#;
        pub def scale;
    }
}

#[test]
fn def_declarations_take_the_annotations() -> pyfn::Result<()> {
    // title_case(text: str) -> str is `fn(&str) -> String`.
    assert_eq!(typed::title_case("ab cd")?, "Ab Cd");
    assert_eq!(typed::fail("x").unwrap_err().message(), "x");
    // `factor` has a default: an `Option<f64>` whose `None` uses it.
    assert_eq!(typed_inline::scale(vec![1.0, 2.5], None)?, vec![2.0, 5.0]);
    assert_eq!(typed_inline::scale(vec![1.0], Some(3.0))?, vec![3.0]);
    Ok(())
}

py_module! {
    /// A handful of pure functions copied from CPython's standard library.
    mod stdlib_copy {
        file = "tests/python/stdlib_funcs.py";
        pub fn escape(s: &str, quote: Option<bool>) -> String;
        pub fn dedent(text: &str) -> String;
        pub fn quote(s: &str) -> String;
        pub fn capwords(s: &str, sep: Option<&str>) -> String;
        pub fn median(data: Vec<f64>) -> f64;
    }
}

/// Deterministic pseudo-random text over an alphabet that exercises the
/// functions: whitespace, quotes, markup, non-ASCII.
fn texts(count: usize) -> Vec<String> {
    const ALPHABET: &[&str] = &[
        "a", "b", "Z", " ", "  ", "\t", "\n", "\"", "'", "<", ">", "&", "é", "漢", "-", "x y",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = (next() % 24) as usize;
            (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect()
        })
        .collect()
}

#[test]
fn stdlib_copies_match_cpython() -> pyfn::Result<()> {
    let inputs = texts(500);
    Python::attach(|py| -> PyResult<()> {
        // The same file as CPython runs it: its functions are those of the
        // running version's stdlib only where that version did not change them.
        let same = run_path(py, "tests/python/stdlib_funcs.py");
        let f = |name: &str| same.get_item(name).expect("defined");
        let (html, textwrap, shlex, string, statistics) = (
            f("escape"),
            f("dedent"),
            f("quote"),
            f("capwords"),
            f("median"),
        );
        for text in &inputs {
            let expected: String = html.call1((text,))?.extract()?;
            assert_eq!(
                stdlib_copy::escape(text, None).unwrap(),
                expected,
                "{text:?}"
            );
            let expected: String = html.call1((text, false))?.extract()?;
            assert_eq!(stdlib_copy::escape(text, Some(false)).unwrap(), expected);
            let expected: String = textwrap.call1((text,))?.extract()?;
            assert_eq!(stdlib_copy::dedent(text).unwrap(), expected, "{text:?}");
            let expected: String = shlex.call1((text,))?.extract()?;
            assert_eq!(stdlib_copy::quote(text).unwrap(), expected, "{text:?}");
            let expected: String = string.call1((text,))?.extract()?;
            assert_eq!(
                stdlib_copy::capwords(text, None).unwrap(),
                expected,
                "{text:?}"
            );
            let expected: String = string.call1((text, "a"))?.extract()?;
            assert_eq!(stdlib_copy::capwords(text, Some("a")).unwrap(), expected);
            let data: Vec<f64> = text.chars().map(|c| f64::from(u32::from(c) % 97)).collect();
            if !data.is_empty() {
                let expected: f64 = statistics.call1((data.clone(),))?.extract()?;
                assert_eq!(stdlib_copy::median(data).unwrap(), expected, "{text:?}");
            }
        }
        Ok(())
    })
    .expect("CPython's own functions run");
    let err = stdlib_copy::median(vec![]).unwrap_err();
    assert_eq!(err.exception_type(), Some("StatisticsError"));
    Ok(())
}

pyfn::py_module! {
    mod with_bom {
        file = "tests/python/bom.py";
        pub def twice;
    }
}

#[test]
fn a_file_with_a_byte_order_mark_runs() -> pyfn::Result<()> {
    assert_eq!(with_bom::twice(21)?, 42);
    Ok(())
}

pyfn::py_module! {
    mod latin1 {
        file = "tests/python/latin1.py";
        pub def cafe;
    }
}

/// A file with a PEP 263 encoding declaration is read as CPython reads it.
#[test]
fn a_file_in_latin1_runs() -> pyfn::Result<()> {
    assert_eq!(latin1::cafe()?, "caf\u{e9}");
    Ok(())
}

py_module! {
    /// What Python sees of the module: its `__name__`, and a class's
    /// `__module__` (in reprs and pickles).
    mod named {
        source = r#"
            class Point:
                pass

            def names():
                return (__name__, Point.__module__)
        "#;
        pub fn names() -> (String, String);
    }
}

#[test]
fn a_module_is_named_by_its_rust_path() {
    let expected = format!("{}::named", module_path!());
    assert_eq!(named::names().unwrap(), (expected.clone(), expected));
}
