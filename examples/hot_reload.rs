//! Hot reload: with `#[py(reload)]`, a debug build runs a changed `.py`
//! file again on the next call, without a rebuild or a restart.
//!
//! Run it with `cargo run --example hot_reload`. It edits
//! `examples/python/reload_demo.py` itself, as you would in an editor,
//! shows each outcome, and puts the file back as it was.

use std::time::Duration;

use pyfn::py_module;

py_module! {
    #[py(reload)]
    mod demo {
        file = "examples/python/reload_demo.py";
        pub fn greet(name: &str, punctuation: Option<&str>) -> String;
    }
}

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/python/reload_demo.py"
);

/// Puts the file back when the example ends, however it ends.
struct Restore(String);

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(FILE, &self.0);
    }
}

/// Saves `text` as an editor does (a new file renamed over the old), then
/// waits a little longer than pyfn's poll interval.
fn save(text: &str) -> std::io::Result<()> {
    let new = format!("{FILE}.new");
    std::fs::write(&new, text)?;
    std::fs::rename(&new, FILE)?;
    std::thread::sleep(Duration::from_millis(100));
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !cfg!(debug_assertions) {
        println!("a release build never reads the .py files: run it without --release");
        return Ok(());
    }
    let original = std::fs::read_to_string(FILE)?;
    let _restore = Restore(original.clone());
    println!("1. as built:        {}", demo::greet("Ada", None)?);

    save(&original.replace("\"Hello, \"", "\"Welcome back, \""))?;
    println!("2. after an edit:   {}", demo::greet("Ada", None)?);

    // A syntax error: the call that finds it gets the error (also printed
    // on stderr); the previous version stays.
    save(&original.replace("return ", "return = "))?;
    match demo::greet("Ada", None) {
        Ok(text) => println!("3. unexpected:      {text}"),
        Err(err) => println!(
            "3. a broken edit:   {}",
            err.to_string().lines().next().unwrap_or("")
        ),
    }
    println!("   still running:   {}", demo::greet("Ada", Some("!"))?);

    // A signature that no longer matches the Rust declaration.
    save(&original.replace("punctuation=\".\"", "punctuation"))?;
    match demo::greet("Ada", None) {
        Ok(text) => println!("4. unexpected:      {text}"),
        Err(err) => println!(
            "4. a new signature: {}",
            err.to_string().lines().next().unwrap_or("")
        ),
    }

    save(&original)?;
    println!("5. restored:        {}", demo::greet("Ada", None)?);
    Ok(())
}
