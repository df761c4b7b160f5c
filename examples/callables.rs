//! Every kind of callable: keyword-only parameters, `*args` and `**kwargs`
//! (in a `fn` item, the `def` form and a module), classes, a dataclass, an
//! alias, and `def`-form generators.
//!
//! Run it with `cargo run --example callables`.

use std::collections::HashMap;

use pyfn::pyo3::{Py, PyAny};
use pyfn::{py_fn, py_module};

py_module! {
    /// `examples/python/shapes.py`, unchanged.
    mod shapes {
        file = "examples/python/shapes.py";
        /// The class: its `__init__`'s parameters, `background` keyword-only.
        #[allow(non_snake_case)]
        pub fn Canvas(width: usize, height: usize, #[py(keyword)] background: Option<&str>) -> Py<PyAny>;
        /// A dataclass: its fields are the parameters (`tags` has a
        /// default factory).
        #[allow(non_snake_case)]
        pub fn Rect(x: i64, y: i64, width: i64, height: i64) -> Py<PyAny>;
        /// An alias of `Canvas`, checked as `Canvas` is.
        pub fn new_canvas(width: usize, height: usize) -> Py<PyAny>;
        /// `*rects`, keyword-only `mark`, `**marks`.
        pub fn draw(
            canvas: &Py<PyAny>,
            #[py(args)] rects: &[Py<PyAny>],
            #[py(keyword)] mark: Option<&str>,
            #[py(kwargs)] marks: HashMap<String, String>,
        ) -> String;
        /// Annotated: `-> Iterator[tuple[int, int]]` is a `pyfn::Iter`.
        pub def grid;
    }
}

py_fn! {
    /// Keyword-only parameters and `*args` in a `fn` item.
    fn label(
        #[py(args)] words: Vec<&str>,
        #[py(keyword, default = "' '")] sep: Option<&str>,
        #[py(keyword)] upper: bool,
    ) -> String {
        text = sep.join(words)
        return text.upper() if upper else text
    }
}

py_fn! {
    /// The same in the `def` form, with `**kwargs`: the Rust signature is
    /// `fn summary(title: &str, values: Vec<f64>, digits: Option<i64>,
    /// notes: HashMap<String, &str>)`.
    def summary(title: str, *values: float, digits: int = 1, **notes: str) -> str:
        mean = sum(values) / len(values) if values else 0.0
        extra = "".join(" (" + k + ": " + v + ")" for k, v in sorted(notes.items()))
        return title + ": " + str(round(mean, digits)) + extra

    /// A `def`-form generator.
    def squares(n: int) -> Iterator[int]:
        for i in range(n):
            yield i * i
}

fn main() -> pyfn::Result<()> {
    let canvas = shapes::Canvas(12, 5, Some("."))?;
    let room = shapes::Rect(0, 0, 6, 5)?;
    let table = shapes::Rect(7, 1, 4, 3)?;
    let drawn = shapes::draw(&canvas, &[room, table], Some("*"), HashMap::new())?;
    println!("{drawn}\n");

    let other = shapes::new_canvas(4, 2)?;
    println!(
        "{}\n",
        shapes::draw(&other, &[], None, HashMap::new())?.replace(' ', "_")
    );

    let points: Vec<(i64, i64)> = shapes::grid(4, 4, Some(2))?.collect::<pyfn::Result<_>>()?;
    println!("grid: {points:?}");

    println!("{}", label(vec!["keyword", "only"], None, true)?);
    println!("{}", label(vec!["a", "b"], Some("-"), false)?);
    let notes: HashMap<String, &str> = [("unit".to_owned(), "ms")].into();
    println!(
        "{}",
        summary("latency", vec![1.0, 2.5, 4.0], Some(2), notes)?
    );
    let squares: Vec<i64> = squares(5)?.collect::<pyfn::Result<_>>()?;
    println!("squares: {squares:?}");
    Ok(())
}
