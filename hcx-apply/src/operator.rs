//! Who runs the executor, as the journal records it.

/// `user@host` of this process: `USER` (or `USERNAME`), and the host from `/etc/hostname` or `HOSTNAME`;
/// `unknown` and `localhost` stand in for what cannot be read. One wording for every front end.
pub fn local_operator() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".to_owned());
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{user}@{host}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_operator_is_user_at_host() {
        let who = super::local_operator();
        let (user, host) = who.split_once('@').expect("user@host");
        assert!(!user.is_empty() && !host.is_empty(), "{who}");
    }
}
