//! The two body forms, written the way real users write them.

use std::collections::HashMap;

use pyfn::py_fn;

/// The 1-based line of this file holding `needle` (exactly once).
fn line_of(needle: &str) -> usize {
    let source = include_str!("test_forms.rs");
    let lines: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` on lines {lines:?}");
    lines[0]
}

// ================================================================ token form

py_fn! {
    fn classify(xs: Vec<i64>) -> Vec<String> {
        out = []
        for x in xs:
            if x < 0:
                out.append("neg")
            elif x == 0:
                out.append("zero")
            else:
                out.append("pos")
        return out
    }
}

#[test]
fn token_if_elif_else_for() {
    assert_eq!(
        classify(vec![-3, 0, 7]).unwrap(),
        vec!["neg", "zero", "pos"]
    );
}

py_fn! {
    fn collatz_steps(n: i64) -> i64 {
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n >> 1
            else:
                n = 3 * n + 1
            steps += 1
        else:
            steps = steps * 1
        return steps
    }
}

#[test]
fn token_while_loop() {
    assert_eq!(collatz_steps(1).unwrap(), 0);
    assert_eq!(collatz_steps(6).unwrap(), 8);
    assert_eq!(collatz_steps(27).unwrap(), 111);
}

py_fn! {
    fn parse_or(s: &str, default: i64) -> (i64, String) {
        log = []
        try:
            value = int(s)
        except ValueError as e:
            log.append(type(e).__name__)
            value = default
        else:
            log.append("ok")
        finally:
            log.append("done")
        return (value, ",".join(log))
    }
}

#[test]
fn token_try_except_else_finally() {
    assert_eq!(parse_or("12", 0).unwrap(), (12, "ok,done".to_owned()));
    assert_eq!(
        parse_or("twelve", -1).unwrap(),
        (-1, "ValueError,done".to_owned())
    );
}

py_fn! {
    fn print_lines(lines: Vec<String>) -> String {
        import io
        import contextlib
        with io.StringIO() as buf:
            for line in lines:
                print(line, file=buf)
            text = buf.getvalue()
        with contextlib.suppress(KeyError):
            text = text + {}["missing"]
        return text
    }
}

#[test]
fn token_with_statements() {
    assert_eq!(
        print_lines(vec!["a".into(), "b c".into()]).unwrap(),
        "a\nb c\n"
    );
}

py_fn! {
    fn comprehensions(n: i64) -> (Vec<i64>, HashMap<i64, i64>, Vec<i64>, i64) {
        evens = [x for x in range(n) if x % 2 == 0]
        squares = {x: x * x for x in evens}
        residues = sorted({x % 3 for x in range(n)})
        total = sum(x for row in [[1, 2], [3]] for x in row)
        return (evens, squares, residues, total)
    }
}

#[test]
fn token_comprehensions() {
    let (evens, squares, residues, total) = comprehensions(7).unwrap();
    assert_eq!(evens, vec![0, 2, 4, 6]);
    assert_eq!(squares, HashMap::from([(0, 0), (2, 4), (4, 16), (6, 36)]));
    assert_eq!(residues, vec![0, 1, 2]);
    assert_eq!(total, 6);
}

py_fn! {
    fn sort_variants(xs: Vec<i64>) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
        by_abs = sorted(xs, key=abs, reverse=True)
        by_mod = sorted(xs, key=lambda x: (x % 3, x))
        doubled = list(map(lambda x: x * 2, xs))
        return (by_abs, by_mod, doubled)
    }
}

#[test]
fn token_lambda_and_keyword_arguments() {
    let (by_abs, by_mod, doubled) = sort_variants(vec![-5, 3, 1, -2]).unwrap();
    assert_eq!(by_abs, vec![-5, 3, -2, 1]);
    assert_eq!(by_mod, vec![3, -5, -2, 1]);
    assert_eq!(doubled, vec![-10, 6, 2, -4]);
}

py_fn! {
    #[py(typecheck = false)] fn counter_closure(steps: i64) -> Vec<i64> {
        def make_counter(start: int = 0) -> object:
            count = start
            def tick():
                nonlocal count
                count += 1
                return count
            return tick
        tick = make_counter(10)
        return [tick() for _ in range(steps)]
    }
}

#[test]
fn token_nested_def_and_closure() {
    assert_eq!(counter_closure(3).unwrap(), vec![11, 12, 13]);
}

py_fn! {
    fn fib_cached(n: i64) -> i64 {
        import functools
        @functools.cache
        def fib(k):
            return k if k < 2 else fib(k - 1) + fib(k - 2)
        return fib(n)
    }
}

#[test]
fn token_decorator() {
    assert_eq!(fib_cached(90).unwrap(), 2_880_067_194_370_816_120);
}

py_fn! {
    fn with_docstring(a: i64) -> i64 {
        """Adds one to `a`; a docstring as the first statement."""
        return a + 1
    }
}

py_fn! {
    fn own_doc() -> Option<String> {
        """Reads its own docstring."""
        return own_doc.__doc__
    }
}

#[test]
fn token_docstring_first_statement() {
    assert_eq!(with_docstring(41).unwrap(), 42);
    assert_eq!(
        own_doc().unwrap().as_deref(),
        Some("Reads its own docstring.")
    );
}

py_fn! {
    fn poem() -> String {
        text = """roses
    are red,
        violets"""
        return text
    }
}

#[test]
fn token_triple_quoted_multi_line_string() {
    assert_eq!(poem().unwrap(), "roses\n    are red,\n        violets");
}

py_fn! {
    fn docstring_then_constant(a: i64) -> i64 {
        """The docstring is a constant; so is the module-level-looking X."""
        X = 3
        return a * X
    }
}

py_fn! {
    fn constant_expressions_first() -> i64 {
        42
        ...
        "not a docstring, just an expression"
        return 7
    }
}

#[test]
fn token_constant_expression_statements() {
    assert_eq!(docstring_then_constant(5).unwrap(), 15);
    assert_eq!(constant_expressions_first().unwrap(), 7);
}

py_fn! {
    fn inc(a: i64) -> i64 { return a + 1 }
}

py_fn! {
    fn pass_only() { pass }
}

#[test]
fn token_one_liners() {
    assert_eq!(inc(1).unwrap(), 2);
    assert_eq!(inc(-1).unwrap(), 0);
    assert!(pass_only().is_ok());
}

py_fn! {
    fn operators(xs: Vec<i64>, x: i64) -> (i64, bool, bool, i64, Vec<i64>) {
        power = 2 ** 10
        absent = x not in xs
        if (n := len(xs)) > 2:
            big = n ** 2
        else:
            big = -1
        flag = xs is not None and power != 0
        bits = [x & 6, x | 1, x ^ 3, ~x, x << 2, -x % 5, int(7 / 2), abs(-x) >= x <= 9]
        return (power, absent, flag, big, bits)
    }
}

#[test]
fn token_operators() {
    let (power, absent, flag, big, bits) = operators(vec![1, 2, 3], 5).unwrap();
    assert_eq!(power, 1024);
    assert!(absent);
    assert!(flag);
    assert_eq!(big, 9);
    assert_eq!(bits, vec![4, 5, 6, -6, 20, 0, 3, 1]);
    let (_, absent, _, big, _) = operators(vec![5], 5).unwrap();
    assert!(!absent);
    assert_eq!(big, -1);
}

py_fn! {
    fn literals() -> (Vec<f64>, String, Vec<u8>, i64) {
        nums = [1_000, 0x1F, 0o17, 0b101, 1e3, 2.5e-1, (2j * 2j).real]
        pattern = r"\d+"
        import re
        found = "-".join(re.findall(pattern, "a1b22c333"))
        raw = b"ab" + bytes([0])
        a = 1; b = 2
        return (nums, found, raw, a + b)
    }
}

#[test]
fn token_python_literals() {
    let (nums, found, raw, sum) = literals().unwrap();
    assert_eq!(nums, vec![1000.0, 31.0, 15.0, 5.0, 1000.0, 0.25, -4.0]);
    assert_eq!(found, "1-22-333");
    assert_eq!(raw, b"ab\0");
    assert_eq!(sum, 3);
}

py_fn! {
    fn stdlib_imports(words: Vec<String>) -> (f64, String, i64) {
        import math
        from collections import Counter
        from itertools import chain as ch
        common, count = Counter(words).most_common(1)[0]
        letters = len(list(ch.from_iterable(words)))
        return (math.sqrt(16) + math.pi - math.pi, common, count * 100 + letters)
    }
}

#[test]
fn token_stdlib_imports() {
    let words = ["to", "be", "or", "not", "to", "be", "to"].map(String::from);
    let (root, common, packed) = stdlib_imports(words.to_vec()).unwrap();
    assert_eq!(root, 4.0);
    assert_eq!(common, "to");
    assert_eq!(packed, 3 * 100 + 15);
}

py_fn! {
    fn factorial(n: u64) -> u64 {
        if n <= 1:
            return 1
        return n * factorial(n - 1)
    }
}

#[test]
fn token_recursion_by_name() {
    assert_eq!(factorial(0).unwrap(), 1);
    assert_eq!(factorial(5).unwrap(), 120);
    assert_eq!(factorial(20).unwrap(), 2_432_902_008_176_640_000);
}

py_fn! {
    fn non_ascii_identifier(x: i64) -> (i64, String) {
        café = x
        naïve_größe = café * 2
        return (naïve_größe, "café".upper())
    }
}

#[test]
fn token_non_ascii_identifier() {
    assert_eq!(non_ascii_identifier(21).unwrap(), (42, "CAFÉ".to_owned()));
}

// =============================================================== string form

py_fn! {
    fn raw_everything(name: &str, n: i64) -> (String, i64, String) {r#"
        # A `#` comment, `//` floor division, single quotes and an f-string.
        half = n // 2  # trailing comment
        label = 'single-quoted'
        greeting = f"{name!r} has {len(name)} chars, {half=}"
        return (greeting, half, label)
    "#}
}

#[test]
fn string_raw_with_python_only_syntax() {
    let (greeting, half, label) = raw_everything("bob", 9).unwrap();
    assert_eq!(greeting, "'bob' has 3 chars, half=4");
    assert_eq!(half, 4);
    assert_eq!(label, "single-quoted");
}

py_fn! {
    fn continued(a: &str, b: &str) -> usize {r#"
        total = len(a) + \
                len(b)
        return total
    "#}
}

py_fn! {
    fn continued_plain(a: &str, b: &str) -> String {"
        # In a normal Rust string, `\\` is the one backslash Python sees.
        joined = a + \\
            '+' + \\
            b
        return joined
    "}
}

#[test]
fn string_backslash_continuation() {
    assert_eq!(continued("abc", "de").unwrap(), 5);
    assert_eq!(continued_plain("x", "y").unwrap(), "x+y");
}

py_fn! {
    fn plain_string(n: i64) -> (i64, i64, String) {"
        # A normal string literal, no escapes: lines match the .rs file.
        q = n // 3
        r = n % 3
        return (q, r, 'plain')
    "}
}

py_fn! {
    fn escaped_string(d: HashMap<String, i64>) -> String {"import json\nreturn json.dumps(d, sort_keys=True) + \"\\n\""}
}

#[test]
fn string_normal_literals() {
    assert_eq!(plain_string(10).unwrap(), (3, 1, "plain".to_owned()));
    let d = HashMap::from([("b".to_owned(), 2), ("a".to_owned(), 1)]);
    assert_eq!(escaped_string(d).unwrap(), "{\"a\": 1, \"b\": 2}\n");
}

py_fn! {
    fn same_line(a: i64) -> i64 {"return a + 1"}
}

py_fn! {
    fn same_line_raw(a: i64) -> i64 {r#"return a // 2"#}
}

#[test]
fn string_body_on_the_quote_line() {
    assert_eq!(same_line(1).unwrap(), 2);
    assert_eq!(same_line_raw(7).unwrap(), 3);
}

py_fn! {
    fn escaped_flush_left(a: i64) -> i64 {"x = a * 2\nif x > 5:\n    x -= 1\nreturn x"}
}

py_fn! {
    fn triple_quoted_in_string(name: &str) -> String {r#"
        template = """Dear {name},
  indented two,
no indent.
"""
        return template.format(name=name)
    "#}
}

py_fn! {
    fn flush_left_string(n: i64) -> (i64, String) {r#"
total = 0
for i in range(n):
    total += i  # a comment at column 4
text = """kept
  exactly
as written"""
return (total, text)
"#}
}

#[test]
fn string_dedent_and_triple_quoted_content() {
    assert_eq!(escaped_flush_left(2).unwrap(), 4);
    assert_eq!(escaped_flush_left(3).unwrap(), 5);
    assert_eq!(
        triple_quoted_in_string("Ann").unwrap(),
        "Dear Ann,\n  indented two,\nno indent.\n"
    );
    assert_eq!(
        flush_left_string(4).unwrap(),
        (6, "kept\n  exactly\nas written".to_owned())
    );
}

py_fn! {
    fn word_stats(text: &str) -> HashMap<String, usize> {r#"

        # Count words, ignoring case and punctuation.

        import re


        words = re.findall(r"[a-z']+", text.lower())
        # blank lines above and below are kept

        stats = {
            'words': len(words),   # how many
            'unique': len(set(words)),
        }

        return stats
    "#}
}

#[test]
fn string_blank_lines_and_comments() {
    let stats = word_stats("The cat and the hat. THE END!").unwrap();
    assert_eq!(stats["words"], 7);
    assert_eq!(stats["unique"], 5);
}

py_fn! {
    fn wrap(text: &str, width: usize) -> Vec<String> {r#"
        import textwrap
        return textwrap.wrap(text, width=width)
    "#}
}

py_fn! {
    fn to_json(data: HashMap<String, Vec<i64>>) -> String {r#"
        import json
        return json.dumps(data, sort_keys=True, separators=(',', ':'))
    "#}
}

py_fn! {
    fn median(xs: &[f64]) -> f64 {r#"
        import statistics
        return statistics.median(xs)
    "#}
}

py_fn! {
    fn date_info(start: &str, end: &str) -> (i64, String, String) {r#"
        from datetime import date, timedelta
        a = date.fromisoformat(start)
        b = date.fromisoformat(end)
        later = a + timedelta(weeks=1)
        return ((b - a).days, a.strftime('%A'), later.isoformat())
    "#}
}

#[test]
fn string_realistic_stdlib_code() {
    assert_eq!(
        wrap("the quick brown fox jumps over the lazy dog", 10).unwrap(),
        vec!["the quick", "brown fox", "jumps over", "the lazy", "dog"]
    );
    let data = HashMap::from([("z".to_owned(), vec![1]), ("a".to_owned(), vec![2, 3])]);
    assert_eq!(to_json(data).unwrap(), r#"{"a":[2,3],"z":[1]}"#);
    assert_eq!(median(&[5.0, 1.0, 3.0, 100.0]).unwrap(), 4.0);
    assert_eq!(
        date_info("2024-02-27", "2024-03-01").unwrap(),
        (3, "Tuesday".to_owned(), "2024-03-05".to_owned())
    );
}

py_fn! {
    fn raise_in_raw(n: i64) -> i64 {r#"
        # a comment line before the failure
        if n > 0:
            raise RuntimeError(f"raw failure {n}")
        return n
    "#}
}

py_fn! {
    fn raise_in_plain(n: i64) -> i64 {"
        if n > 0:
            raise LookupError('plain failure')
        return n
    "}
}

#[test]
fn string_traceback_lines_are_rs_lines() {
    let err = raise_in_raw(3).unwrap_err();
    assert_eq!(err.exception_type(), Some("RuntimeError"));
    assert_eq!(err.message(), "raw failure 3");
    let traceback = err.traceback().expect("a traceback");
    let line = line_of(&["raise Runtime", "Error(f\"raw failure"].concat());
    assert!(
        traceback.contains(&format!(
            "File \"{}\", line {line}, in raise_in_raw",
            file!()
        )),
        "expected line {line}:\n{traceback}"
    );
    assert!(traceback.contains("raise RuntimeError"), "{traceback}");

    let err = raise_in_plain(1).unwrap_err();
    assert_eq!(err.exception_type(), Some("LookupError"));
    let traceback = err.traceback().expect("a traceback");
    let line = line_of(&["raise Lookup", "Error('plain failure')"].concat());
    assert!(
        traceback.contains(&format!(
            "File \"{}\", line {line}, in raise_in_plain",
            file!()
        )),
        "expected line {line}:\n{traceback}"
    );
    assert_eq!(raise_in_plain(0).unwrap(), 0);
}

py_fn! {
    fn raise_in_tokens(n: i64) -> i64 {
        if n > 0:
            raise KeyError(n)
        return n
    }
}

#[test]
fn token_traceback_lines_are_rs_lines() {
    let err = raise_in_tokens(7).unwrap_err();
    assert_eq!(err.exception_type(), Some("KeyError"));
    let traceback = err.traceback().expect("a traceback");
    let line = line_of(&["raise Key", "Error(n)"].concat());
    assert!(
        traceback.contains(&format!("line {line}, in raise_in_tokens")),
        "expected line {line}:\n{traceback}"
    );
}

// ===================================================== items and attributes

py_fn! {
    /// Squares in Python.
    #[inline]
    fn square(x: i64) -> i64 {
        return x * x
    }

    /// Cubes in Python, with a string body.
    #[must_use = "the cube is the point"]
    fn cube(x: i64) -> i64 {r#"
        return x ** 3  # cube
    "#}

    /// Never called: the attribute must reach the generated function.
    #[allow(dead_code)]
    fn never_called() -> i64 {
        return 0
    }

    #[doc = "Greets, with an attribute-style doc comment."]
    #[cfg(test)]
    fn greet(name: &str) -> String {"return 'hi ' + name"}
}

#[test]
fn several_functions_in_one_invocation() {
    assert_eq!(square(12).unwrap(), 144);
    assert_eq!(cube(-3).unwrap(), -27);
    assert_eq!(greet("ann").unwrap(), "hi ann");
}

mod shapes {
    use pyfn::py_fn;

    py_fn! {
        /// Public.
        pub fn area(w: f64, h: f64) -> f64 {
            return w * h
        }

        /// Crate-visible.
        pub(crate) fn perimeter(w: f64, h: f64) -> f64 {
            return 2 * (w + h)
        }

        pub(super) fn diagonal(w: f64, h: f64) -> f64 {r#"
            import math
            return math.hypot(w, h)
        "#}

        fn private_helper() -> i64 { return 1 }
    }

    pub fn uses_private() -> i64 {
        private_helper().unwrap() + 1
    }
}

#[test]
fn visibility_is_kept() {
    assert_eq!(shapes::area(3.0, 4.0).unwrap(), 12.0);
    assert_eq!(shapes::perimeter(3.0, 4.0).unwrap(), 14.0);
    assert_eq!(shapes::diagonal(3.0, 4.0).unwrap(), 5.0);
    assert_eq!(shapes::uses_private(), 2);
}

#[test]
fn py_fn_inside_a_function_body() {
    py_fn! {
        fn local(a: i64, b: i64) -> i64 {
            return a * 10 + b
        }
    }
    assert_eq!(local(4, 2).unwrap(), 42);
}

// ================================================================== threads

py_fn! {
    fn threaded_work(i: i64) -> (i64, i64) {
        import time
        time.sleep(0.01)
        return (i * i, id(threaded_work))
    }
}

#[test]
fn eight_threads_on_the_first_call() {
    let barrier = std::sync::Barrier::new(8);
    let results: Vec<(i64, (i64, i64))> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    (i, threaded_work(i).unwrap())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    assert_eq!(results.len(), 8);
    for (i, (square, _)) in &results {
        assert_eq!(*square, i * i);
    }
    // One function object, however many threads raced to build it.
    let first_id = results[0].1.1;
    assert!(results.iter().all(|(_, (_, id))| *id == first_id));
    assert_eq!(threaded_work(9).unwrap(), (81, first_id));
}

// Tab indentation in token form is copied as written (rustfmt would turn
// the tabs into spaces, hence the skip).
#[rustfmt::skip]
py_fn! {
	fn tabbed(n: i64) -> i64 {
		total = 0
		for i in range(n):
			total += i
		return total
	}
}

py_fn! {
    fn column_zero(a: i64) -> i64 {
x = a * 3
if x > 5:
    return x
return -x
    }
}

py_fn! {
    fn same_line_multi(a: i64) -> i64 {"x = a + 1
        return x"}
}

#[test]
fn token_tabs_flush_left_and_quote_line_bodies() {
    assert_eq!(tabbed(5).unwrap(), 10);
    assert_eq!(column_zero(2).unwrap(), 6);
    assert_eq!(column_zero(1).unwrap(), -3);
    assert_eq!(same_line_multi(41).unwrap(), 42);
}
