//! gin's `joinPaths`: how a [`RouterGroup`](crate::RouterGroup) puts its base path in front of
//! a relative one, when a sub-group is made and when a route is registered.

/// gin's `joinPaths`: Go's `path.Join` (servemux's [`path_clean`](servemux::path_clean) of the two
/// joined by `/`), keeping a trailing slash of `relative`.
pub fn join_paths(absolute: &str, relative: &str) -> String {
    if relative.is_empty() {
        return absolute.to_string();
    }
    let joined = servemux::path_clean(&format!("{absolute}/{relative}"));
    if relative.ends_with('/') && !joined.ends_with('/') {
        joined + "/"
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::join_paths;

    #[test]
    fn join_like_gin() {
        assert_eq!(join_paths("/", "/users"), "/users");
        assert_eq!(join_paths("/v1", "users/"), "/v1/users/");
        assert_eq!(join_paths("/v1", ""), "/v1");
        assert_eq!(join_paths("/v1/", "/:id"), "/v1/:id");
        assert_eq!(join_paths("/v1", "../x"), "/x");
    }
}
