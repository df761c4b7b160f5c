use pyfn::py_module;

py_module! {
    mod pricing {
        source = r#"
            TAX_RATE = 0.2

            def with_tax(price):
                return round(price * (1 + TAX_RAET), 2)

            def discount(price):
                return price - DISCOUNT
        "#;
        pub fn with_tax(price: f64) -> f64;
    }
}

fn main() {}
