use pyfn::py_fn;

py_fn! {
    fn tag(text: &str) -> String {
        from xml.etree.ElemenTree import Element
        return Element(text).tag
    }
}

fn main() {}
