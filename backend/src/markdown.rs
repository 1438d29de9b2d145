//! Markdown that people write (text tiles; later comments and descriptions)
//! turned into HTML that is safe to put in a page.
//!
//! Rendering happens on the server only, so the sanitizer (ammonia, built on
//! html5ever) stays out of the browser's WebAssembly.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Links may point only at these schemes; anything else (`javascript:`,
/// `data:`, `vbscript:`…) loses its `href`.
const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(LINK_SCHEMES))
        // Relative links stay (`/project/1/insights`), but not to another host.
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        // Images would load from anywhere (tracking pixels), and the page's
        // policy only allows Huddle's own: Markdown images become nothing.
        .rm_tags(["img"]);
    builder
});

/// Renders Markdown to HTML and sanitizes the result: raw HTML in the text
/// is shown as text, and what Markdown itself produces keeps only harmless
/// tags, no event handlers or styles, and links to http, https or mailto.
pub fn markdown_to_safe_html(text: &str) -> String {
    use pulldown_cmark::{html, Event, Parser};
    let events = Parser::new(text).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut rendered = String::new();
    html::push_html(&mut rendered, events);
    SANITIZER.clean(&rendered).to_string()
}

#[cfg(test)]
mod tests {
    use super::markdown_to_safe_html;

    #[test]
    fn markdown_renders_and_raw_html_is_escaped() {
        let html = markdown_to_safe_html("# Goals\n\n**Grow** <script>alert(1)</script>");
        assert!(html.contains("<h1>Goals</h1>"), "{html}");
        assert!(html.contains("<strong>Grow</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn safe_links_keep_their_target() {
        let html = markdown_to_safe_html(
            "[docs](https://example.com/a?b=1) [plain](http://example.com) \
             [mail](mailto:team@example.com) [home](/project/1)",
        );
        assert!(
            html.contains(r#"href="https://example.com/a?b=1""#),
            "{html}"
        );
        assert!(html.contains(r#"href="http://example.com""#), "{html}");
        assert!(html.contains(r#"href="mailto:team@example.com""#), "{html}");
        assert!(html.contains(r#"href="/project/1""#), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }

    /// Known ways to run script through Markdown; none may survive.
    const PAYLOADS: &[&str] = &[
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](<java\nscript:alert(1)>)",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
        "[click](javascript&colon;alert(1))",
        "[click](jav&#x09;ascript:alert(1))",
        "[click](%6Aavascript:alert(1))",
        "[click](\u{0001}javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](DATA:text/html,<script>alert(1)</script>)",
        "[click](vbscript:msgbox(1))",
        "[click](VBScript:msgbox(1))",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "<data:text/html,<script>alert(1)</script>>",
        "[click][evil]\n\n[evil]: javascript:alert(1)",
        "[click][evil]\n\n[evil]: <data:text/html,x> \"title\"",
        "![x](javascript:alert(1))",
        "![x](https://example.com/x.png\" onerror=\"alert(1))",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\">",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<div style=\"width: expression(alert(1))\">x</div>",
        "<style>@import 'javascript:alert(1)';</style>",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<body onload=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "**[bold](javascript:alert(1))**",
        "> [quoted](javascript:alert(1))",
        "- item [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>",
        "[<img src=x onerror=alert(1)>](https://example.com)",
        "[a](https://example.com \"t\\\" onmouseover=alert(1) x=\\\"\")",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "<!-- --><script>alert(1)</script><!-- -->",
        "<<script>script>alert(1)<</script>/script>",
        "[click](javascript://%0Aalert(1))",
    ];

    /// What Markdown may produce; everything else is stripped.
    const ALLOWED_TAGS: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ];

    #[test]
    fn no_known_xss_payload_survives() {
        for payload in PAYLOADS {
            let html = markdown_to_safe_html(payload);
            // Text is escaped, so every `<` left opens a real tag.
            for tag in html.split('<').skip(1) {
                let tag = tag
                    .split('>')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let name = tag
                    .trim_start_matches('/')
                    .split([' ', '/'])
                    .next()
                    .unwrap_or_default();
                assert!(
                    ALLOWED_TAGS.contains(&name),
                    "{payload:?} gave <{tag}> in {html}"
                );
                // Attribute names: what is left once the quoted values are dropped.
                let names = tag.split('"').step_by(2).collect::<String>();
                for attribute in names.split_whitespace().skip(1) {
                    let attribute = attribute.trim_end_matches('=');
                    assert!(
                        ["href", "title", "rel", "start"].contains(&attribute),
                        "{payload:?} gave <{tag}> in {html}"
                    );
                }
                if let Some(href) = tag.split("href=\"").nth(1) {
                    let href = href.split('"').next().unwrap_or_default();
                    // A scheme is letters first; `%6Aavascript:` is a relative path.
                    let scheme = href.split_once(':').map(|(s, _)| s).filter(|s| {
                        s.starts_with(|c: char| c.is_ascii_alphabetic())
                            && s.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    });
                    assert!(
                        scheme.is_none_or(|s| ["http", "https", "mailto"].contains(&s)),
                        "{payload:?} gave href {href} in {html}"
                    );
                }
            }
        }
    }
}
