//! How to send a project its first events: ready-to-paste code for the
//! PostHog SDKs, pointed at this Huddle and carrying the project's key.

/// One way to send events, with the code to paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// A stable name, for tabs and tests.
    pub id: &'static str,
    pub label: &'static str,
    pub code: String,
}

/// The snippets for the project with capture key `api_key`, sending to
/// `host` (the address people reach Huddle at).
pub fn install_snippets(api_key: &str, host: &str) -> Vec<Snippet> {
    let (key, host) = (quoted(api_key), quoted(host.trim_end_matches('/')));
    vec![
        Snippet {
            id: "html",
            label: "Website (HTML)",
            code: format!(
                "<script src=\"https://cdn.jsdelivr.net/npm/posthog-js/dist/array.full.js\"></script>\n\
                 <script>\n  posthog.init({key}, {{ api_host: {host} }});\n</script>"
            ),
        },
        Snippet {
            id: "npm",
            label: "Web app (npm)",
            code: format!(
                "npm install posthog-js\n\n\
                 import posthog from \"posthog-js\";\n\
                 posthog.init({key}, {{ api_host: {host} }});"
            ),
        },
        Snippet {
            id: "node",
            label: "Node.js",
            code: format!(
                "npm install posthog-node\n\n\
                 import {{ PostHog }} from \"posthog-node\";\n\
                 const posthog = new PostHog({key}, {{ host: {host} }});\n\
                 posthog.capture({{ distinctId: \"user-1\", event: \"signed up\" }});\n\
                 await posthog.shutdown();"
            ),
        },
        Snippet {
            id: "python",
            label: "Python",
            code: format!(
                "pip install posthog\n\n\
                 from posthog import Posthog\n\
                 posthog = Posthog({key}, host={host})\n\
                 posthog.capture(\"signed up\", distinct_id=\"user-1\")\n\
                 posthog.shutdown()"
            ),
        },
    ]
}

/// A string literal that JavaScript and Python both read back as `text`.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_snippet_carries_the_key_and_the_host() {
        let snippets = install_snippets("phc_abc123", "https://huddle.example/");
        let ids: Vec<_> = snippets.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["html", "npm", "node", "python"]);
        for snippet in &snippets {
            assert!(snippet.code.contains("\"phc_abc123\""), "{}", snippet.code);
            assert!(
                snippet.code.contains("\"https://huddle.example\""),
                "{}",
                snippet.code
            );
        }
    }

    #[test]
    fn quotes_in_a_host_cannot_break_out_of_the_string() {
        let snippets = install_snippets("phc_k", "https://x.example/\"+alert(1)+\"");
        assert!(snippets[0]
            .code
            .contains(r#""https://x.example/\"+alert(1)+\"""#));
    }
}
