//! Tracebacks show the source the binary carries, wherever the program
//! runs: not a file found by the `.rs` path relative to the current
//! directory (which may be missing, or another file).

use pyfn::{py_fn, py_module};

py_fn! {
    fn divide(a: i64, b: i64) -> f64 {
        quotient = a / b
        return quotient
    }

    #[py(typecheck = false)] fn shout(text: &str) -> String {r#"
        # A string body.
        return text.upperr()
    "#}
}

py_module! {
    mod checks {
        source = r#"
            def positive(x):
                if x <= 0:
                    raise ValueError("not positive: %d" % x)
                return x
        "#;
        pub fn positive(x: i64) -> i64;
    }
}

#[test]
fn traceback_lines_come_from_the_binary() {
    // Run from elsewhere, where a different file sits at this file's path.
    let elsewhere = std::env::temp_dir().join(format!("pyfn-lines-{}", std::process::id()));
    std::fs::create_dir_all(elsewhere.join("tests")).unwrap();
    let decoy = "DECOY LINE\n".repeat(200);
    std::fs::write(elsewhere.join(file!()), decoy).unwrap();
    std::env::set_current_dir(&elsewhere).unwrap();

    let cases = [
        (divide(1, 0).unwrap_err(), "quotient = a / b"),
        (shout("x").unwrap_err(), "return text.upperr()"),
        (
            checks::positive(-1).unwrap_err(),
            "raise ValueError(\"not positive: %d\" % x)",
        ),
    ];
    for (err, line) in cases {
        let traceback = err.traceback().unwrap_or_default();
        assert!(traceback.contains(line), "{traceback}");
        assert!(!traceback.contains("DECOY"), "{traceback}");
    }
    let _ = std::fs::remove_dir_all(&elsewhere);
}
