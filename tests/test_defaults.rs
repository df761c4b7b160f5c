//! Defaults: `#[py(default = "…")]` on trailing `Option` parameters become
//! the function's `argdefs`; `None` means "use the Python default".

use pyfn::py_fn;

py_fn! {
    /// `sep` and `end` default as in Python.
    fn join(items: Vec<String>, #[py(default = "', '")] sep: Option<&str>, #[py(default = "'.'")] end: Option<&str>) -> String {
        return sep.join(items) + end
    }

    /// A mutable default is evaluated once and shared, exactly as in Python.
    fn remember(value: i64, #[py(default = "[]")] seen: Option<Vec<i64>>) -> Vec<i64> {
        seen.append(value)
        return seen
    }

    /// Defaults are Python expressions over the builtins.
    fn bounds(#[py(default = "max(3, 4) * 2")] high: Option<i64>) -> i64 {
        return high
    }
}

fn items() -> Vec<String> {
    vec!["a".to_owned(), "b".to_owned()]
}

#[test]
fn none_uses_the_python_default() -> pyfn::Result<()> {
    assert_eq!(join(items(), None, None)?, "a, b.");
    assert_eq!(join(items(), Some("-"), None)?, "a-b.");
    assert_eq!(join(items(), Some("-"), Some("!"))?, "a-b!");
    Ok(())
}

#[test]
fn a_later_value_after_a_default_goes_by_keyword() -> pyfn::Result<()> {
    assert_eq!(join(items(), None, Some("?"))?, "a, b?");
    Ok(())
}

#[test]
fn defaults_are_evaluated_once() -> pyfn::Result<()> {
    // Python's famous shared mutable default, faithfully.
    let first = remember(1, None)?;
    let second = remember(2, None)?;
    assert_eq!(first, vec![1]);
    assert_eq!(second, vec![1, 2]);
    assert_eq!(remember(3, Some(vec![]))?, vec![3]);
    assert_eq!(bounds(None)?, 8);
    assert_eq!(bounds(Some(1))?, 1);
    Ok(())
}

#[test]
fn closures_take_defaults_too() -> pyfn::Result<()> {
    let greeting = "hello";
    let f = py_fn!(
        |name: &str, #[py(default = "'!'")] mark: Option<&str>| -> String {
            return greeting + " " + name + mark;
        }
    );
    assert_eq!(f("you", None)?, "hello you!");
    assert_eq!(f("you", Some("?"))?, "hello you?");
    Ok(())
}
