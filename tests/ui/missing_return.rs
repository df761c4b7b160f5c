use pyfn::py_fn;

py_fn! {
    fn count_words(text: &str) -> usize {
        words = text.split()
        len(words)
    }
}

fn main() {}
