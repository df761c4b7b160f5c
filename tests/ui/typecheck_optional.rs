use pyfn::py_fn;

py_fn! {
    #[py(typecheck)]
    fn next_id(last: Option<i64>) -> i64 {
        return last + 1
    }
}

// A None the signature declares: reported wherever it is used unchecked,
// through a variable too.
py_fn! {
    #[py(typecheck)]
    fn shout(name: Option<&str>) -> String {
        given = name
        return given.upper()
    }
}

// A None only a library's type allows (`re.match` finds nothing; this
// pattern matches every string): not reported.
py_fn! {
    #[py(typecheck)]
    fn first_word(text: &str) -> String {
        import re
        return re.match(r"\S*", text).group(0)
    }
}

fn main() {}
