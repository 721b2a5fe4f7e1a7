fn main() {
    let screener = sanad_forum::screening::Screener::standard();
    for arg in std::env::args().skip(1) {
        let text = sanad_forum::screening::PostText::body(&arg);
        let words: Vec<_> = text.tokens().iter().map(|t| text.word(t)).collect();
        println!("{words:?}");
        for f in screener.screen("", &arg) {
            println!("{} {:?}", f.kind.name, f.passage);
        }
    }
}
