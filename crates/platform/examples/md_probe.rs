//! Times the Markdown renderer on hostile inputs: `cargo run --release -p sanad-platform --example md_probe`.
fn main() {
    let cases: Vec<(&str, String)> = vec![
        ("quote50k", ">".repeat(50000) + " x"),
        ("div100k", "<div>".repeat(100000)),
        ("div-span", "<div></span>".repeat(50000)),
        (
            "big-normal",
            "## Titre\n\nUn paragraphe avec *emphase* et [lien](https://example.org).\n\n- un\n- deux\n\n> citation\n\n".repeat(1000),
        ),
        ("list", "- ".repeat(20000) + "x"),
        ("emph", "*a **b ".repeat(20000)),
        ("links", "[".repeat(50000)),
        ("table", "|a|b|\n|-|-|\n".to_string() + &"|x|y|\n".repeat(20000)),
    ];
    for (name, input) in cases {
        let t = std::time::Instant::now();
        let n = pulldown_cmark::Parser::new_ext(&input, pulldown_cmark::Options::all()).count();
        let parse = t.elapsed();
        let t = std::time::Instant::now();
        let out = sanad_platform::markdown::to_safe_html(&input);
        println!("{name}: {} bytes in, {n} events in {parse:?}; {} out, {:?}", input.len(), out.len(), t.elapsed());
    }
}
