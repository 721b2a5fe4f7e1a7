//! `sanad-pdf-text FILE`: prints the text of a PDF within memory and CPU
//! bounds (the same child the server runs as `sanad extract-pdf`); used by the
//! extractor's own tests.

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: sanad-pdf-text FILE");
        std::process::exit(64);
    };
    std::process::exit(sanad_library::extract::run_child(std::path::Path::new(&path)));
}
