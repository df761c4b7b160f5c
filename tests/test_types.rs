//! Every type mapping, with real values going through Python and back.

use std::collections::{BTreeMap, HashMap, HashSet};

use pyfn::pyo3::types::{PyAnyMethods, PyList, PyListMethods};
use pyfn::pyo3::{Bound, IntoPyObject, Py, PyAny, Python};
use pyfn::{ErrorKind, py_fn};

// ---------------------------------------------------------------- integers

py_fn! {
    fn double_i64(x: i64) -> i64 {
        return x * 2
    }
}

py_fn! {
    fn i64_bounds(lo: i64, hi: i64) -> (i64, i64) {
        return (lo + 1, hi - 1)
    }
}

#[test]
fn i64_round_trip() {
    assert_eq!(double_i64(21).unwrap(), 42);
    assert_eq!(double_i64(-7).unwrap(), -14);
    assert_eq!(double_i64(0).unwrap(), 0);
    assert_eq!(
        i64_bounds(i64::MIN, i64::MAX).unwrap(),
        (i64::MIN + 1, i64::MAX - 1)
    );
}

py_fn! {
    fn i32_minus_one(x: i32) -> i32 {
        return x - 1
    }
}

py_fn! {
    fn i32_double(x: i32) -> i32 {
        return x * 2
    }
}

#[test]
fn i32_round_trip() {
    assert_eq!(i32_minus_one(i32::MAX).unwrap(), i32::MAX - 1);
    assert_eq!(i32_minus_one(i32::MIN + 1).unwrap(), i32::MIN);
    assert_eq!(i32_double(-21).unwrap(), -42);
}

#[test]
fn i32_overflow_is_a_return_error() {
    let err = i32_double(i32::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.exception_type(), Some("OverflowError"));
    assert_eq!(err.rust_type(), Some("i32"));
    assert_eq!(err.python_type(), Some("int"));
}

py_fn! {
    fn u64_half(x: u64) -> u64 {"return x // 2"}
}

py_fn! {
    fn u64_max_from_python() -> u64 {
        return 2 ** 64 - 1
    }
}

py_fn! {
    fn u64_too_big() -> u64 {
        return 2 ** 64
    }
}

py_fn! {
    fn u64_is_above_i64(x: u64) -> bool {
        return x > 9223372036854775807
    }
}

#[test]
fn u64_above_i64_max_round_trips() {
    assert_eq!(u64_half(u64::MAX).unwrap(), u64::MAX / 2);
    assert_eq!(u64_half(1 << 63).unwrap(), 1 << 62);
    assert_eq!(u64_max_from_python().unwrap(), u64::MAX);
    assert!(u64_is_above_i64(i64::MAX as u64 + 1).unwrap());
    assert!(!u64_is_above_i64(i64::MAX as u64).unwrap());
}

#[test]
fn u64_overflow_is_a_return_error() {
    let err = u64_too_big().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.exception_type(), Some("OverflowError"));
    assert_eq!(err.rust_type(), Some("u64"));
}

py_fn! {
    fn usize_len_times(s: &str, n: usize) -> usize {
        return len(s) * n
    }
}

py_fn! {
    fn usize_negative() -> usize {
        return -1
    }
}

#[test]
fn usize_round_trip() {
    assert_eq!(usize_len_times("abcd", 3).unwrap(), 12);
    assert_eq!(usize_len_times("", usize::MAX).unwrap(), 0);
    assert_eq!(usize_len_times("x", usize::MAX).unwrap(), usize::MAX);
}

#[test]
fn negative_into_usize_is_a_return_error() {
    let err = usize_negative().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.exception_type(), Some("OverflowError"));
    assert_eq!(err.rust_type(), Some("usize"));
}

py_fn! {
    fn i128_and_u8(big: i128, small: u8) -> (i128, u8) {
        return (big * 2 ** 10, small + 1)
    }
}

#[test]
fn other_integer_widths() {
    let big: i128 = 1 << 100;
    assert_eq!(i128_and_u8(big, 254).unwrap(), (big << 10, 255));
    assert_eq!(i128_and_u8(-big, 0).unwrap(), (-(big << 10), 1));
}

// ------------------------------------------------------------------ floats

py_fn! {
    fn hypot(a: f64, b: f64) -> f64 {
        import math
        return math.hypot(a, b)
    }
}

py_fn! {
    fn float_from_int() -> f64 {
        return 7
    }
}

py_fn! {
    #[py(typecheck = false)] fn float_from_str() -> f64 {
        return "1.5"
    }
}

py_fn! {
    fn float_specials(x: f64) -> (bool, bool, f64) {
        import math
        return (math.isnan(x), math.isinf(x * 2), x / 4)
    }
}

#[test]
fn f64_round_trip() {
    assert_eq!(hypot(3.0, 4.0).unwrap(), 5.0);
    // CPython 3.9's `math.hypot` may be one ulp off (3.10 made it exact).
    assert!((hypot(-0.5, 1.2).unwrap() - 1.3).abs() < 1e-12);
    assert_eq!(float_from_int().unwrap(), 7.0);
    let (nan, _, _) = float_specials(f64::NAN).unwrap();
    assert!(nan);
    let (nan, inf, quarter) = float_specials(f64::MAX).unwrap();
    assert!(!nan);
    assert!(inf);
    assert_eq!(quarter, f64::MAX / 4.0);
}

#[test]
fn str_into_f64_is_a_return_error() {
    let err = float_from_str().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("f64"));
    assert_eq!(err.python_type(), Some("str"));
}

// ------------------------------------------------------------------- bools

py_fn! {
    fn xor(a: bool, b: bool) -> bool {
        return a != b
    }
}

py_fn! {
    fn bool_type_name(b: bool) -> String {
        return type(b).__name__ + ":" + str(not b)
    }
}

py_fn! {
    #[py(typecheck = false)] fn bool_from_int() -> bool {
        return 1
    }
}

#[test]
fn bool_round_trip() {
    assert!(xor(true, false).unwrap());
    assert!(!xor(true, true).unwrap());
    assert!(!xor(false, false).unwrap());
    assert_eq!(bool_type_name(true).unwrap(), "bool:False");
    assert_eq!(bool_type_name(false).unwrap(), "bool:True");
}

#[test]
fn int_into_bool_is_a_return_error() {
    let err = bool_from_int().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("bool"));
    assert_eq!(err.python_type(), Some("int"));
}

// ----------------------------------------------------------------- strings

py_fn! {
    fn shout(s: String) -> String {
        return s.upper() + "!"
    }
}

py_fn! {
    #[py(typecheck = false)] fn string_from_int() -> String {
        return 42
    }
}

#[test]
fn string_round_trip() {
    assert_eq!(shout("hello".to_owned()).unwrap(), "HELLO!");
    assert_eq!(shout(String::new()).unwrap(), "!");
    assert_eq!(shout("straße".to_owned()).unwrap(), "STRASSE!");
}

#[test]
fn int_into_string_is_a_return_error() {
    let err = string_from_int().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("String"));
    assert_eq!(err.python_type(), Some("int"));
}

py_fn! {
    fn reverse_and_count(s: &str) -> (String, usize) {
        return (s[::-1], len(s))
    }
}

py_fn! {
    fn code_points(s: &str) -> Vec<u32> {
        return [ord(c) for c in s]
    }
}

#[test]
fn str_ref_with_non_ascii_text() {
    let text = "héllo wörld ✓ 日本 🦀";
    let (reversed, count) = reverse_and_count(text).unwrap();
    assert_eq!(reversed, text.chars().rev().collect::<String>());
    // Python counts code points, not UTF-8 bytes.
    assert_eq!(count, text.chars().count());
    assert_ne!(count, text.len());
    assert_eq!(
        code_points("é🦀").unwrap(),
        vec![0xE9, 0x1F980],
        "characters arrive as code points"
    );
}

// ------------------------------------------------------------------- chars

py_fn! {
    fn next_char(c: char) -> char {
        return chr(ord(c) + 1)
    }
}

py_fn! {
    fn upper_char(c: char) -> char {
        return c.upper()
    }
}

py_fn! {
    fn char_from_long_str() -> char {
        return "ab"
    }
}

#[test]
fn char_round_trip() {
    assert_eq!(next_char('a').unwrap(), 'b');
    assert_eq!(upper_char('é').unwrap(), 'É');
    assert_eq!(next_char('🦀').unwrap(), '🦁');
}

#[test]
fn two_char_str_into_char_is_a_return_error() {
    let err = char_from_long_str().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("char"));
    assert_eq!(err.python_type(), Some("str"));
}

// ----------------------------------------------------------------- vectors

py_fn! {
    fn sort_desc(v: Vec<i64>) -> Vec<i64> {
        return sorted(v, reverse=True)
    }
}

py_fn! {
    fn lengths(words: Vec<String>) -> Vec<usize> {
        return [len(w) for w in words]
    }
}

py_fn! {
    fn transpose(m: Vec<Vec<i64>>) -> Vec<Vec<i64>> {
        return [list(row) for row in zip(*m)]
    }
}

py_fn! {
    fn vec_param_is_a_list(v: Vec<f64>) -> String {
        return type(v).__name__
    }
}

py_fn! {
    #[py(typecheck = false)] fn vec_from_str() -> Vec<String> {
        return "abc"
    }
}

py_fn! {
    #[py(typecheck = false)] fn vec_from_int() -> Vec<i64> {
        return 5
    }
}

py_fn! {
    #[py(typecheck = false)] fn vec_from_tuple() -> Vec<i64> {
        return (1, 2, 3)
    }
}

#[test]
fn vec_round_trip() {
    assert_eq!(sort_desc(vec![3, -1, 2, 10]).unwrap(), vec![10, 3, 2, -1]);
    assert_eq!(sort_desc(vec![]).unwrap(), Vec::<i64>::new());
    assert_eq!(
        lengths(vec!["a".into(), "bcd".into(), "日本".into()]).unwrap(),
        vec![1, 3, 2]
    );
    assert_eq!(vec_param_is_a_list(vec![1.0]).unwrap(), "list");
    // Any Python sequence extracts into a Vec.
    assert_eq!(vec_from_tuple().unwrap(), vec![1, 2, 3]);
}

#[test]
fn nested_vec_round_trip() {
    let m = vec![vec![1, 2, 3], vec![4, 5, 6]];
    assert_eq!(
        transpose(m).unwrap(),
        vec![vec![1, 4], vec![2, 5], vec![3, 6]]
    );
    assert_eq!(transpose(vec![]).unwrap(), Vec::<Vec<i64>>::new());
}

#[test]
fn non_sequence_into_vec_is_a_return_error() {
    let err = vec_from_int().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("Vec<i64>"));
    assert_eq!(err.python_type(), Some("int"));
    // pyo3 refuses to split a `str` into a `Vec`.
    let err = vec_from_str().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("Vec<String>"));
    assert_eq!(err.python_type(), Some("str"));
}

py_fn! {
    fn slice_sum(xs: &[i64]) -> i64 {
        return sum(xs)
    }
}

py_fn! {
    fn slice_join(words: &[&str], sep: &str) -> String {
        return sep.join(words)
    }
}

py_fn! {
    fn slice_mean(xs: &[f64]) -> f64 {
        return sum(xs) / len(xs)
    }
}

#[test]
fn slice_params() {
    let owned = vec![1, 2, 3, 4];
    assert_eq!(slice_sum(&owned).unwrap(), 10);
    assert_eq!(slice_sum(&owned[1..3]).unwrap(), 5);
    assert_eq!(slice_sum(&[]).unwrap(), 0);
    assert_eq!(slice_join(&["a", "b", "ç"], "-").unwrap(), "a-b-ç");
    assert_eq!(slice_mean(&[1.0, 2.0, 4.5]).unwrap(), 2.5);
}

// ------------------------------------------------------------------- bytes

py_fn! {
    fn reverse_bytes(b: Vec<u8>) -> Vec<u8> {
        return bytes(reversed(b))
    }
}

py_fn! {
    fn bytes_kind(b: &[u8]) -> (String, String) {
        return (type(b).__name__, b.hex())
    }
}

py_fn! {
    fn encode_utf8(s: &str) -> Vec<u8> {
        return s.encode("utf-8")
    }
}

py_fn! {
    #[py(typecheck = false)] fn bytes_from_str() -> Vec<u8> {
        return "not bytes"
    }
}

#[test]
fn bytes_round_trip() {
    assert_eq!(reverse_bytes(vec![1, 2, 255]).unwrap(), vec![255, 2, 1]);
    assert_eq!(
        bytes_kind(&[0xde, 0xad, 0xbe, 0xef]).unwrap(),
        ("bytes".to_owned(), "deadbeef".to_owned())
    );
    assert_eq!(encode_utf8("é✓").unwrap(), "é✓".as_bytes());
}

#[test]
fn str_into_bytes_is_a_return_error() {
    let err = bytes_from_str().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("Vec<u8>"));
    assert_eq!(err.python_type(), Some("str"));
}

// ----------------------------------------------------------------- options

py_fn! {
    fn maybe_double(x: Option<i64>) -> i64 {
        if x is None:
            return -1
        return x * 2
    }
}

py_fn! {
    fn find_index(words: Vec<String>, target: &str) -> Option<usize> {
        if target in words:
            return words.index(target)
        return None
    }
}

py_fn! {
    fn option_passthrough(s: Option<String>) -> Option<String> {
        return None if s is None else s.title()
    }
}

py_fn! {
    #[py(typecheck = false)] fn option_from_wrong_type() -> Option<i64> {
        return "x"
    }
}

#[test]
fn option_param_some_and_none() {
    assert_eq!(maybe_double(Some(21)).unwrap(), 42);
    assert_eq!(maybe_double(None).unwrap(), -1);
}

#[test]
fn option_return_some_and_none() {
    let words = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    assert_eq!(find_index(words.clone(), "c").unwrap(), Some(2));
    assert_eq!(find_index(words, "z").unwrap(), None);
    assert_eq!(
        option_passthrough(Some("hello world".into())).unwrap(),
        Some("Hello World".to_owned())
    );
    assert_eq!(option_passthrough(None).unwrap(), None);
}

#[test]
fn wrong_type_into_option_is_a_return_error() {
    let err = option_from_wrong_type().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("Option<i64>"));
    assert_eq!(err.python_type(), Some("str"));
}

// ------------------------------------------------------------------ tuples

py_fn! {
    fn repeat_pair(pair: (String, i64)) -> (String, i64) {
        s, n = pair
        return (s * n, n + 1)
    }
}

py_fn! {
    fn describe_triple(t: (bool, f64, String)) -> (String, f64, bool) {
        flag, x, name = t
        return (name.upper(), x * 10, not flag)
    }
}

py_fn! {
    fn tuple_is_tuple(t: (i64, i64)) -> (String, usize) {
        return (type(t).__name__, len(t))
    }
}

py_fn! {
    #[py(typecheck = false)] fn tuple_wrong_length() -> (i64, i64) {
        return (1, 2, 3)
    }
}

py_fn! {
    #[py(typecheck = false)] fn tuple_from_list() -> (i64, String) {
        return [1, "one"]
    }
}

#[test]
fn two_tuple_round_trip() {
    assert_eq!(
        repeat_pair(("ab".into(), 3)).unwrap(),
        ("ababab".to_owned(), 4)
    );
    assert_eq!(tuple_is_tuple((1, 2)).unwrap(), ("tuple".to_owned(), 2));
}

#[test]
fn three_tuple_mixed_types_round_trip() {
    assert_eq!(
        describe_triple((true, 1.5, "ok".into())).unwrap(),
        ("OK".to_owned(), 15.0, false)
    );
}

#[test]
fn wrong_tuple_is_a_return_error() {
    let err = tuple_wrong_length().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("(i64, i64)"));
    assert_eq!(err.python_type(), Some("tuple"));
    // A list is not a tuple for pyo3.
    let err = tuple_from_list().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.python_type(), Some("list"));
}

// -------------------------------------------------------------------- maps

py_fn! {
    fn increment_values(d: HashMap<String, i64>) -> HashMap<String, i64> {
        return {k: v + 1 for k, v in d.items()}
    }
}

py_fn! {
    fn group_by_length(words: Vec<String>) -> HashMap<usize, Vec<String>> {
        out = {}
        for w in words:
            out.setdefault(len(w), []).append(w)
        return out
    }
}

py_fn! {
    #[py(typecheck = false)] fn map_from_list() -> HashMap<String, i64> {
        return [("a", 1)]
    }
}

py_fn! {
    #[py(typecheck = false)] fn map_wrong_value() -> HashMap<String, i64> {
        return {"a": "one"}
    }
}

#[test]
fn hashmap_round_trip() {
    let input = HashMap::from([("a".to_owned(), 1), ("é".to_owned(), -5)]);
    let expected = HashMap::from([("a".to_owned(), 2), ("é".to_owned(), -4)]);
    assert_eq!(increment_values(input).unwrap(), expected);
    assert!(increment_values(HashMap::new()).unwrap().is_empty());
}

#[test]
fn hashmap_with_vec_values() {
    let words = ["a", "bb", "cc", "d", "eee"].map(String::from).to_vec();
    let grouped = group_by_length(words).unwrap();
    assert_eq!(grouped.len(), 3);
    assert_eq!(grouped[&1], vec!["a", "d"]);
    assert_eq!(grouped[&2], vec!["bb", "cc"]);
    assert_eq!(grouped[&3], vec!["eee"]);
}

#[test]
fn list_into_hashmap_is_a_return_error() {
    let err = map_from_list().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("HashMap<String, i64>"));
    assert_eq!(err.python_type(), Some("list"));
    let err = map_wrong_value().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.python_type(), Some("dict"));
}

py_fn! {
    fn btree_squares(m: BTreeMap<i64, i64>) -> BTreeMap<i64, i64> {
        return {k: v ** 2 for k, v in m.items()}
    }
}

py_fn! {
    fn residues(s: HashSet<i64>, n: i64) -> HashSet<i64> {
        return {x % n for x in s}
    }
}

#[test]
fn btreemap_and_hashset_round_trip() {
    let squares = btree_squares(BTreeMap::from([(1, 2), (3, -4)])).unwrap();
    assert_eq!(
        squares.into_iter().collect::<Vec<_>>(),
        vec![(1, 4), (3, 16)]
    );
    assert_eq!(
        residues(HashSet::from([1, 4, 7, 8]), 3).unwrap(),
        HashSet::from([1, 2])
    );
}

// --------------------------------------------------------------- Py<PyAny>

py_fn! {
    fn make_counter(text: &str) -> Py<PyAny> {
        from collections import Counter
        return Counter(text)
    }
}

py_fn! {
    fn most_common(counter: Py<PyAny>) -> (String, usize) {
        return counter.most_common(1)[0]
    }
}

py_fn! {
    fn type_name_of(obj: &Py<PyAny>) -> String {
        return type(obj).__name__
    }
}

#[test]
fn py_any_passes_python_objects_between_functions() {
    let counter = make_counter("mississippi").unwrap();
    assert_eq!(type_name_of(&counter).unwrap(), "Counter");
    // The same object, handed back to Python: a Counter, not a copy.
    let (letter, count) = most_common(counter.clone_ref_attached()).unwrap();
    assert!(letter == "i" || letter == "s", "{letter}");
    assert_eq!(count, 4);
    Python::attach(|py| {
        let bound = counter.bind(py);
        assert_eq!(bound.get_item("p").unwrap().extract::<i64>().unwrap(), 2);
    });
}

/// `Py::clone_ref` needs a `Python`; this keeps the test above readable.
trait CloneRefAttached {
    fn clone_ref_attached(&self) -> Self;
}

impl CloneRefAttached for Py<PyAny> {
    fn clone_ref_attached(&self) -> Self {
        Python::attach(|py| self.clone_ref(py))
    }
}

// ------------------------------------------------- `py: Python<'py>` form

py_fn! {
    fn pair_up(py: Python<'py>, x: Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        return [x, x]
    }
}

py_fn! {
    fn list_of_squares(py: Python<'py>, n: i64) -> Bound<'py, PyList> {
        return [i * i for i in range(n)]
    }
}

py_fn! {
    fn bound_ref_len(py: Python<'py>, x: &Bound<'py, PyAny>) -> usize {
        return len(x)
    }
}

py_fn! {
    fn py_form_plain_types(py: Python<'py>, a: i64, s: &str) -> String {
        return s * a
    }
}

#[test]
fn bound_param_and_return_with_py_token() {
    Python::attach(|py| {
        let value = "é".into_pyobject(py).unwrap().into_any();
        let pair = pair_up(py, value.clone()).unwrap();
        assert_eq!(pair.extract::<Vec<String>>().unwrap(), vec!["é", "é"]);
        // Both elements are the very object passed in.
        let first = pair.get_item(0).unwrap();
        assert!(first.is(&value));

        let squares = list_of_squares(py, 5).unwrap();
        assert_eq!(squares.len(), 5);
        assert_eq!(squares.extract::<Vec<i64>>().unwrap(), vec![0, 1, 4, 9, 16]);
        assert_eq!(bound_ref_len(py, squares.as_any()).unwrap(), 5);

        assert_eq!(py_form_plain_types(py, 3, "ab").unwrap(), "ababab");
    });
}

py_fn! {
    fn bound_not_a_list(py: Python<'py>) -> Bound<'py, PyList> {
        return (1, 2)
    }
}

#[test]
fn bound_downcast_failure_is_a_return_error() {
    Python::attach(|py| {
        let err = bound_not_a_list(py).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Return);
        assert_eq!(err.rust_type(), Some("Bound<'py, PyList>"));
        assert_eq!(err.python_type(), Some("tuple"));
    });
}

// ------------------------------------------------------------------- shapes

py_fn! {
    fn push_and_return_something(target: &Py<PyAny>, x: i64) {
        target.append(x * 10)
        return "ignored"
    }
}

py_fn! {
    fn explicit_unit(target: &Py<PyAny>) -> () {
        target.clear()
    }
}

#[test]
fn no_return_type_ignores_the_python_result() {
    let list: Py<PyAny> = Python::attach(|py| PyList::empty(py).into_any().unbind());
    let result: pyfn::Result<()> = push_and_return_something(&list, 1);
    assert!(result.is_ok(), "{result:?}");
    push_and_return_something(&list, 2).unwrap();
    Python::attach(|py| {
        assert_eq!(list.bind(py).extract::<Vec<i64>>().unwrap(), vec![10, 20]);
    });
    explicit_unit(&list).unwrap();
    Python::attach(|py| {
        assert_eq!(list.bind(py).len().unwrap(), 0);
    });
}

py_fn! {
    fn answer() -> i64 {
        return 6 * 7
    }
}

py_fn! {
    fn python_version() -> (i64, i64) {
        import sys
        return sys.version_info[:2]
    }
}

#[test]
fn zero_parameters() {
    assert_eq!(answer().unwrap(), 42);
    let (major, minor) = python_version().unwrap();
    assert_eq!(major, 3);
    assert!(minor >= 9, "{minor}");
}

py_fn! {
    /// Fourteen parameters: clippy's `too_many_arguments` applies to the
    /// generated Rust function as to any other, so it is allowed here.
    #[allow(clippy::too_many_arguments)]
    #[py(typecheck = false)] fn fourteen(
        a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64,
        h: &str, i: String, j: bool, k: f64, l: Option<i64>, m: Vec<i64>, n: char,
    ) -> (Vec<i64>, String) {
        ints = [a, b, c, d, e, f, g, l, sum(m)]
        text = h + i + str(j) + str(k) + n
        return (ints, text)
    }
}

#[test]
fn fourteen_parameters_keep_their_order() {
    let (ints, text) = fourteen(
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        "h",
        "i".to_owned(),
        true,
        0.5,
        Some(12),
        vec![10, 3],
        'n',
    )
    .unwrap();
    assert_eq!(ints, vec![1, 2, 3, 4, 5, 6, 7, 12, 13]);
    assert_eq!(text, "hiTrue0.5n");
}

py_fn! {
    fn describe_kind(r#type: &str, r#match: i64) -> String {
        return type.upper() + "=" + str(match * 2)
    }
}

#[test]
fn raw_identifier_parameters_are_plain_python_names() {
    assert_eq!(describe_kind("circle", 21).unwrap(), "CIRCLE=42");
}
