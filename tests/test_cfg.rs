//! Items under `#[cfg(...)]` are checked only where they are compiled: a
//! function for another system may import that system's modules.

use pyfn::py_fn;

py_fn! {
    /// Compiled on Windows only: `winreg` exists there alone.
    #[cfg(windows)]
    pub fn registry_root() -> String {
        import winreg
        return str(winreg.HKEY_LOCAL_MACHINE)
    }

    /// Everywhere else.
    #[cfg(not(windows))]
    pub fn registry_root() -> String {
        return "none"
    }

    /// Not gated: checked and compiled as usual.
    pub fn double(x: i64) -> i64 {
        return 2 * x
    }
}

py_fn! {
    #[cfg(target_os = "haiku")]
    def elsewhere(x: int) -> int:
        import module_of_another_world
        return x

    #[cfg(not(target_os = "haiku"))]
    def elsewhere(x: int) -> int:
        return x + 1
}

#[test]
fn only_the_compiled_item_is_checked() -> pyfn::Result<()> {
    #[cfg(not(windows))]
    assert_eq!(registry_root()?, "none");
    assert_eq!(double(21)?, 42);
    assert_eq!(elsewhere(1)?, 2);
    Ok(())
}
