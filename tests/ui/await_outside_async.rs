use pyfn::py_fn;

py_fn! {
    fn fetch(url: &str) -> String {
        import asyncio
        await asyncio.sleep(0)
        return url
    }
}

fn main() {}
