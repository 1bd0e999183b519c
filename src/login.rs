//! Who the change log names: `$ISMS_ACTOR`, else the login name, from the environment or,
//! when the environment does not say (a service, `env -i`, some containers), from the
//! system's user database for the effective user. Read by `cli` only.

/// The actor for the change log: `$ISMS_ACTOR`, `$USER`, `$USERNAME`, else the login name of
/// the effective user; "unknown" only when none of these gives a name.
pub fn actor() -> String {
    actor_from(|name| std::env::var(name).ok(), login_name)
}

/// [`actor`] with the environment and the user database given (for tests).
pub fn actor_from(
    env: impl Fn(&str) -> Option<String>,
    login: impl FnOnce() -> Option<String>,
) -> String {
    ["ISMS_ACTOR", "USER", "USERNAME"]
        .iter()
        .filter_map(|name| env(name))
        .map(|value| value.trim().to_string())
        .find(|value| !value.is_empty())
        .or_else(login)
        .unwrap_or_else(|| "unknown".into())
}

/// The login name of the effective user, from the system's user database (`getpwuid_r`).
#[cfg(unix)]
pub fn login_name() -> Option<String> {
    use std::ffi::CStr;
    // SAFETY: `getpwuid_r` writes the entry into `entry` and its strings into `buffer`, both
    // owned here and alive while `name` is read; `found` is null when there is no entry.
    unsafe {
        let uid = libc::geteuid();
        let mut buffer = vec![0 as libc::c_char; 4096];
        let mut entry: libc::passwd = std::mem::zeroed();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        loop {
            let code = libc::getpwuid_r(
                uid,
                &mut entry,
                buffer.as_mut_ptr(),
                buffer.len(),
                &mut found,
            );
            if code == libc::ERANGE && buffer.len() < 1 << 20 {
                buffer.resize(buffer.len() * 4, 0);
                continue;
            }
            if code != 0 || found.is_null() || entry.pw_name.is_null() {
                return None;
            }
            let name = CStr::from_ptr(entry.pw_name)
                .to_string_lossy()
                .trim()
                .to_string();
            return (!name.is_empty()).then_some(name);
        }
    }
}

#[cfg(not(unix))]
pub fn login_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_comes_first_then_the_user_database() {
        let env = |name: &str| (name == "USER").then(|| "alex".to_string());
        assert_eq!(actor_from(env, || Some("root".into())), "alex");
        let blank = |name: &str| (name == "ISMS_ACTOR").then(|| "  ".to_string());
        assert_eq!(actor_from(blank, || Some("sam".into())), "sam");
        assert_eq!(actor_from(|_| None, || None), "unknown");
    }

    #[cfg(unix)]
    #[test]
    fn the_login_name_is_the_one_the_system_gives() {
        let output = std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap();
        let expected = String::from_utf8_lossy(&output.stdout).trim().to_string();
        assert_eq!(login_name(), Some(expected));
    }
}
